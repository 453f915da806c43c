"""Log hardening: revocation notices, server-side console sessions, process liveness.

- ``auth_revocations``: keys every running process must drop from its cache at once
  (gateway/auth/revocation.py);
- ``console_sessions``: signed-in console sessions, ended on the server at sign-out;
- ``gateway_processes`` and ``interactions.boot_id``: which process wrote a record and
  whether it still runs, so a crash's pending records are marked interrupted at once
  (gateway/audit/liveness.py).

Revision ID: 0008_log_hardening
Revises: 0005_encrypted_content
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0008_log_hardening"
down_revision: str | None = "0005_encrypted_content"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "auth_revocations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("user_email", sa.String(320), nullable=True),
        sa.Column("reason", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_revocations")),
    )
    op.create_index(op.f("ix_auth_revocations_created_at"), "auth_revocations", ["created_at"])
    op.create_table(
        "console_sessions",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_sessions")),
    )
    op.create_index(op.f("ix_console_sessions_key_id"), "console_sessions", ["key_id"])
    op.create_table(
        "gateway_processes",
        sa.Column("boot_id", sa.String(32), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("heartbeat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("boot_id", name=op.f("pk_gateway_processes")),
    )
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("boot_id", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("boot_id")
    op.drop_table("gateway_processes")
    op.drop_index(op.f("ix_console_sessions_key_id"), table_name="console_sessions")
    op.drop_table("console_sessions")
    op.drop_index(op.f("ix_auth_revocations_created_at"), table_name="auth_revocations")
    op.drop_table("auth_revocations")

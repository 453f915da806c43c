"""Admin API and review queue: review decisions, the access journal, request fingerprints.

Revision ID: 0003_admin_review
Revises: 0002_integrity
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0003_admin_review"
down_revision: str | None = "0002_integrity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("request_fingerprint", sa.String(64), nullable=True))

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("interaction_id", sa.String(36), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("reviewer", sa.String(320), nullable=False),
        sa.Column("reviewer_key_id", sa.String(32), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=False),
        sa.Column("user_email", sa.String(320), nullable=False),
        sa.Column("request_fingerprint", sa.String(64), nullable=True),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("consumed_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_decisions")),
        sa.UniqueConstraint("interaction_id", name=op.f("uq_review_decisions_interaction_id")),
    )
    op.create_index(op.f("ix_review_decisions_decided_at"), "review_decisions", ["decided_at"])
    op.create_index(
        "ix_review_decisions_approval", "review_decisions", ["user_email", "request_fingerprint"]
    )

    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("user_email", sa.String(320), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("endpoint", sa.String(200), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("record_ids", sa.JSON(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    op.create_index(op.f("ix_access_log_created_at"), "access_log", ["created_at"])
    op.create_index(op.f("ix_access_log_user_email"), "access_log", ["user_email"])


def downgrade() -> None:
    op.drop_index(op.f("ix_access_log_user_email"), table_name="access_log")
    op.drop_index(op.f("ix_access_log_created_at"), table_name="access_log")
    op.drop_table("access_log")
    op.drop_index("ix_review_decisions_approval", table_name="review_decisions")
    op.drop_index(op.f("ix_review_decisions_decided_at"), table_name="review_decisions")
    op.drop_table("review_decisions")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("request_fingerprint")

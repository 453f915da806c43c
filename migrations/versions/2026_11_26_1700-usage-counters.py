"""Usage counters for budgets and rate limits (when no Redis is configured).

Revision ID: 0004_usage_counters
Revises: 0003_admin_review
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0004_usage_counters"
down_revision: str | None = "0003_admin_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "usage_counters",
        sa.Column("key", sa.String(400), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_usage_counters")),
    )
    op.create_index(op.f("ix_usage_counters_expires_at"), "usage_counters", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_usage_counters_expires_at"), table_name="usage_counters")
    op.drop_table("usage_counters")

"""Encrypted raw content (log_content: full-encrypted) and the reason of journaled reads.

Revision ID: 0005_encrypted_content
Revises: 0004_usage_counters
Create Date: 2026-11-27
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_encrypted_content"
down_revision: str | None = "0004_usage_counters"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("prompt_encrypted", sa.Text(), nullable=True))
        batch.add_column(sa.Column("response_encrypted", sa.Text(), nullable=True))
        batch.add_column(sa.Column("content_key_id", sa.String(16), nullable=True))
    with op.batch_alter_table("access_log") as batch:
        batch.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("access_log") as batch:
        batch.drop_column("reason")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_column("content_key_id")
        batch.drop_column("response_encrypted")
        batch.drop_column("prompt_encrypted")

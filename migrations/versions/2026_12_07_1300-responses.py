"""Conversations of the Responses API kept by the gateway (``previous_response_id``).

Revision ID: 0010_responses
Revises: 0007_identity
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0010_responses"
down_revision: str | None = "0007_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "responses",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("interaction_id", sa.String(36), nullable=False),
        sa.Column("user_email", sa.String(320), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("previous_response_id", sa.String(40)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("content_key_id", sa.String(16), nullable=False),
        sa.Column("conversation_encrypted", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_responses"),
    )
    op.create_index("ix_responses_interaction_id", "responses", ["interaction_id"])
    op.create_index("ix_responses_user_email", "responses", ["user_email"])
    op.create_index("ix_responses_created_at", "responses", ["created_at"])


def downgrade() -> None:
    op.drop_table("responses")

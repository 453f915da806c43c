"""Integrity chain of the audit trail: sequence, content hashes, key events, chain heads.

Revision ID: 0002_integrity
Revises: 0001_initial
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0002_integrity"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("seq", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("prompt_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("response_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint(op.f("uq_interactions_seq"), ["seq"])
    op.create_index(
        "ix_interactions_unchained", "interactions", ["created_at"],
        postgresql_where=sa.text("seq IS NULL"), sqlite_where=sa.text("seq IS NULL"),
    )

    op.create_table(
        "audit_events",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("key_id", sa.String(32), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_events_seq")),
    )
    op.create_index(op.f("ix_audit_events_created_at"), "audit_events", ["created_at"])

    heads = op.create_table(
        "audit_chain_heads",
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("anchor_seq", sa.BigInteger(), nullable=False),
        sa.Column("anchor_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_audit_chain_heads")),
    )
    op.bulk_insert(heads, [
        {"name": name, "seq": 0, "hash": GENESIS, "anchor_seq": 0, "anchor_hash": GENESIS}
        for name in ("interactions", "events")
    ])


def downgrade() -> None:
    op.drop_table("audit_chain_heads")
    op.drop_index(op.f("ix_audit_events_created_at"), table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index("ix_interactions_unchained", table_name="interactions")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_constraint(op.f("uq_interactions_seq"), type_="unique")
        batch.drop_column("response_hash")
        batch.drop_column("prompt_hash")
        batch.drop_column("seq")

"""Record seals: each write of an interaction carries a MAC under the server secret.

``begin_seal`` (the insert) and ``end_seal`` (the completion): see gateway/audit/seal.py.
The chained ``audit.sealing`` event names the records written before: those chained up to
the head's ``seq`` at this point, and those not chained yet. ``verify`` refuses any other
record without its seals, so clearing a seal, or inserting a record dated before this
migration, is no way around it.

Revision ID: 0012_record_seals
Revises: 0009_chain_format
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from gateway.audit.integrity import append_event
from gateway.audit.seal import SEALING_KIND

revision: str = "0012_record_seals"
down_revision: str | None = "0009_chain_format"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("begin_seal", "end_seal")


def upgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        for name in _COLUMNS:
            batch.add_column(sa.Column(name, sa.String(160), nullable=True))
    bind = op.get_bind()
    head = bind.execute(sa.text(
        "SELECT seq FROM audit_chain_heads WHERE name = 'interactions'")).scalar()
    unchained = sorted(bind.execute(sa.text(
        "SELECT id FROM interactions WHERE seq IS NULL")).scalars())
    append_event(bind, SEALING_KIND, detail={
        "version": 1, "interactions_seq": int(head or 0), "unchained": unchained})


def downgrade() -> None:
    with op.batch_alter_table("interactions") as batch:
        for name in _COLUMNS:
            batch.drop_column(name)

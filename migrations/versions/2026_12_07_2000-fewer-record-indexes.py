"""Two fewer indexes on the interaction log: each record's insert and completion wrote them.

- ``ix_interactions_subject_id``: no query looks records up by their subject (an erasure
  finds a person's records by ``user_email``, through ``ix_interactions_user_created``);
- ``ix_interactions_state``: the sweeps that look for pending records now also say
  ``seq IS NULL`` (a pending record is never chained), so they read the partial index of
  unchained records (``ix_interactions_unchained``), a few rows, instead. A completion
  changed ``state`` and so rewrote this index's entry on every record.

Revision ID: 0013_fewer_record_indexes
Revises: 0012_record_seals
Create Date: 2026-12-07
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0013_fewer_record_indexes"
down_revision: str | None = "0012_record_seals"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DROPPED = {"ix_interactions_subject_id": "subject_id", "ix_interactions_state": "state"}


def upgrade() -> None:
    for name in _DROPPED:
        op.drop_index(name, table_name="interactions")


def downgrade() -> None:
    for name, column in _DROPPED.items():
        op.create_index(name, "interactions", [column])

"""Log limits: model names up to 400 characters, the length the door accepts.

The interaction log stores every value within its column's declared length on both
backends (gateway/audit/storable.py); the door refuses longer model names with a 400
(gateway/proxy/content.py). PostgreSQL widens the two columns in place (a catalogue change,
no table rewrite); SQLite does not enforce ``VARCHAR`` lengths, so its table is left as it is.

Revision ID: 0011_log_limits
Revises: 0010_responses
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_log_limits"
down_revision: str | None = "0010_responses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = ("model", "upstream_model")


def _resize(length: int) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in _COLUMNS:
        op.alter_column("interactions", column, type_=sa.String(length),
                        existing_nullable=True)


def upgrade() -> None:
    _resize(400)


def downgrade() -> None:
    # Longer names are cut to fit (as the log would have), so the downgrade cannot fail.
    if op.get_bind().dialect.name == "postgresql":
        for column in _COLUMNS:
            table = sa.table("interactions", sa.column(column, sa.String()))
            target = table.c[column]
            op.execute(table.update().where(sa.func.length(target) > 200)
                       .values({column: sa.func.left(target, 200)}))
    _resize(200)

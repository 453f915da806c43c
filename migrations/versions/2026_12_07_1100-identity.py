"""People, directory groups, and keys that belong to a person (company sign-in, SCIM).

Every existing key gets a person: one per distinct e-mail (lowercased), ``source`` manual,
with the department and role of that e-mail's most recent key.

Revision ID: 0007_identity
Revises: 0008_log_hardening
Create Date: 2026-12-07
"""

import secrets
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0007_identity"
down_revision: str | None = "0008_log_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200)),
        sa.Column("given_name", sa.String(100)),
        sa.Column("family_name", sa.String(100)),
        sa.Column("department", sa.String(100), nullable=False),
        sa.Column("directory_department", sa.String(100)),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(8), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("oidc_subject", sa.String(255)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("last_sign_in_at", UTCDateTime()),
        sa.Column("deactivated_at", UTCDateTime()),
        sa.Column("deleted_at", UTCDateTime()),
        sa.Column("sessions_valid_after", UTCDateTime()),
        sa.PrimaryKeyConstraint("id", name="pk_people"),
        sa.UniqueConstraint("email", name="uq_people_email"),
        sa.UniqueConstraint("oidc_subject", name="uq_people_oidc_subject"),
    )
    op.create_index("ix_people_external_id", "people", ["external_id"])
    op.create_table(
        "directory_groups",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("external_id", sa.String(200)),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_directory_groups"),
        sa.UniqueConstraint("display_name", name="uq_directory_groups_display_name"),
    )
    op.create_index("ix_directory_groups_external_id", "directory_groups", ["external_id"])
    op.create_table(
        "directory_group_members",
        sa.Column("group_id", sa.String(32), nullable=False),
        sa.Column("person_id", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(["group_id"], ["directory_groups.id"], ondelete="CASCADE",
                                name="fk_directory_group_members_group_id_directory_groups"),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"], ondelete="CASCADE",
                                name="fk_directory_group_members_person_id_people"),
        sa.PrimaryKeyConstraint("group_id", "person_id", name="pk_directory_group_members"),
    )
    op.create_index("ix_directory_group_members_person_id", "directory_group_members",
                    ["person_id"])
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("person_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False,
                                   server_default="issued"))
        batch.add_column(sa.Column("name", sa.String(100), nullable=True))
        batch.add_column(sa.Column("expires_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("revoked_reason", sa.String(32), nullable=True))
        batch.create_index("ix_api_keys_person_id", ["person_id"])
        batch.create_foreign_key("fk_api_keys_person_id_people", "people",
                                 ["person_id"], ["id"])
    _backfill_people()


def _backfill_people() -> None:
    """One manual person per distinct key e-mail, and each key linked to it."""
    connection = op.get_bind()
    keys = sa.table("api_keys", sa.column("id"), sa.column("user_email"),
                    sa.column("department"), sa.column("role"), sa.column("created_at"),
                    sa.column("person_id"))
    people = sa.table("people", *(sa.column(name) for name in (
        "id", "email", "department", "role", "active", "source", "created_at", "updated_at")))
    rows = connection.execute(
        sa.select(keys.c.id, keys.c.user_email, keys.c.department, keys.c.role)
        .order_by(keys.c.created_at)).all()
    latest: dict[str, tuple[str, str]] = {}
    owner: dict[str, str] = {}
    for key_id, email, department, role in rows:
        latest[email.strip().lower()] = (department, role)
        owner[key_id] = email.strip().lower()
    now = datetime.now(UTC)
    ids = {email: "per_" + secrets.token_hex(8) for email in latest}
    if ids:
        connection.execute(sa.insert(people), [
            {"id": ids[email], "email": email, "department": department, "role": role,
             "active": True, "source": "manual", "created_at": now, "updated_at": now}
            for email, (department, role) in latest.items()
        ])
    for key_id, email in owner.items():
        connection.execute(sa.update(keys).where(keys.c.id == key_id)
                           .values(person_id=ids[email]))


def downgrade() -> None:
    with op.batch_alter_table("api_keys") as batch:
        batch.drop_constraint("fk_api_keys_person_id_people", type_="foreignkey")
        batch.drop_index("ix_api_keys_person_id")
        batch.drop_column("revoked_reason")
        batch.drop_column("expires_at")
        batch.drop_column("name")
        batch.drop_column("kind")
        batch.drop_column("person_id")
    op.drop_index("ix_directory_group_members_person_id", "directory_group_members")
    op.drop_table("directory_group_members")
    op.drop_index("ix_directory_groups_external_id", "directory_groups")
    op.drop_table("directory_groups")
    op.drop_index("ix_people_external_id", "people")
    op.drop_table("people")

"""The people table and the directory's groups.

A person is identified by their e-mail (stored lowercased, unique). ``source`` says who
manages them: ``scim`` (the directory pushes changes), ``oidc`` (created at their first
company sign-in) or ``manual`` (IT issued them a key by hand). SCIM ``DELETE`` keeps the row
(records and keys point at it) with ``deleted_at`` set, so the person is gone for SCIM and
every key and session of theirs is dead, but the history still says who they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime, utcnow

SOURCES = ("oidc", "scim", "manual")


class Person(Base):
    __tablename__ = "people"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    # The parts SCIM sends (name.givenName / familyName), kept so a directory reads back
    # what it wrote; nothing else of the directory's profile is stored.
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    # The department policies see: a mapped group's, else the directory's, else the default.
    department: Mapped[str] = mapped_column(String(100))
    # The department as the directory states it (SCIM enterprise attribute, OIDC claim).
    directory_department: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    source: Mapped[str] = mapped_column(String(8))
    # SCIM externalId (the directory's own id, e.g. Entra's object id).
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    # The ``sub`` of the configured OpenID issuer: stable where e-mails change.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Console sessions opened before this instant are void (set when the person is
    # disabled, so re-enabling them does not revive a session opened before).
    sessions_valid_after: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A legal hold (litigation, an investigation): their records may not be erased.
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)


class DirectoryGroup(Base):
    """A group pushed by SCIM; its name (or external id) maps to a role or a department."""

    __tablename__ = "directory_groups"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(200), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GroupMember(Base):
    __tablename__ = "directory_group_members"

    group_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("directory_groups.id", ondelete="CASCADE"), primary_key=True)
    person_id: Mapped[str] = mapped_column(
        String(32), ForeignKey("people.id", ondelete="CASCADE"), primary_key=True,
        index=True)

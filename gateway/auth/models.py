"""The key table (only an HMAC of each secret is stored), revocation notices and console
sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime, utcnow

ROLES = ("employee", "auditor", "reviewer", "admin")
# Who made a key: IT ("issued": CLI, admin API, console keys page; it carries the role and
# department IT chose) or its owner in « Mon activité » ("personal": it follows the person's
# current role and department, and opens the model endpoints and /v1/me only).
ISSUED, PERSONAL = "issued", "personal"


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    # The first characters of the secret, shown in listings so people can tell keys apart.
    prefix: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_email: Mapped[str] = mapped_column(String(320), index=True)
    department: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str | None] = mapped_column(String(64))
    tags: Mapped[list[Any]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person the key belongs to (gateway/identity): disabling them ends the key.
    person_id: Mapped[str | None] = mapped_column(
        String(32), ForeignKey("people.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=ISSUED)
    # A label its owner chose ("VS Code, portable"), and when the key stops by itself.
    name: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why it was revoked: "person.deprovisioned" when it ended with its owner.
    revoked_reason: Mapped[str | None] = mapped_column(String(32))


class RevocationNotice(Base):
    """A key (or every key of a person) that running processes must stop trusting now.

    Written in the transaction of the change (:func:`gateway.auth.revocation.announce`);
    every process polls the recent notices and drops the keys from its lookup cache.
    """

    __tablename__ = "auth_revocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    key_id: Mapped[str | None] = mapped_column(String(32))
    user_email: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str] = mapped_column(String(64))


class ConsoleSession(Base):
    """A signed-in console session, so signing out ends it on the server too.

    The cookie carries a random session id; only its SHA-256 is stored here. A cookie whose
    session is unknown, ended or expired is refused, however valid its signature.
    """

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(String(32), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""The access journal: every read of the log's content by a person.

Lists, searches, exports and single records, through the admin API, the console and the
command line, are all written here by :mod:`gateway.audit.reading.service`. Entries go
through the reader's session, so a read and its journal entry commit together: a read that
cannot be journaled fails instead of going unrecorded.
"""

from __future__ import annotations

import getpass
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit import subjects
from gateway.audit.crosscheck import ACCESS_KIND, access_digest
from gateway.audit.integrity import append_event
from gateway.audit.reading.dates import iso
from gateway.audit.reading.models import AccessLogEntry
from gateway.audit.storable import restore, storable, storable_json
from gateway.db.base import utcnow
from gateway.errors import InvalidRequestError


class Reader(Protocol):
    """Who reads: a key holder (:class:`gateway.auth.keys.Principal`) or the command line."""

    @property
    def key_id(self) -> str | None: ...

    @property
    def user(self) -> str: ...

    @property
    def role(self) -> str: ...


@dataclass(frozen=True, slots=True)
class CommandLine:
    """A read made with the ``gateway`` command: the operating-system account is the reader."""

    user: str
    key_id: str | None = None
    role: str = "cli"

    @classmethod
    def current(cls) -> CommandLine:
        try:
            account = getpass.getuser()
        except (KeyError, OSError):  # no name for this uid (a container)
            account = "unknown"
        return cls(user=f"cli:{account}")


def record_access(
    session: Session,
    reader: Reader,
    endpoint: str,
    *,
    filters: dict[str, Any] | None = None,
    record_ids: Sequence[str] = (),
    record_count: int | None = None,
    reason: str | None = None,
) -> AccessLogEntry:
    entry = AccessLogEntry(
        created_at=utcnow(),
        key_id=reader.key_id,
        user_email=reader.user,
        role=reader.role,
        # What a reader typed (a path, a search, a reason) may hold what a database refuses.
        endpoint=storable(endpoint, 200),
        filters=storable_json(filters or {}),
        record_ids=storable_json(list(record_ids)),
        record_count=len(record_ids) if record_count is None else record_count,
        reason=storable(reason) if reason is not None else None,
    )
    session.add(entry)
    session.flush()
    # Chained with the read: deleting or editing the entry is then caught by verify
    # (gateway/audit/crosscheck.py). The reader enters as a commitment, not an e-mail.
    connection = session.connection()
    reader_subject = subjects.subject_for(connection, entry.user_email)
    append_event(connection, ACCESS_KIND, key_id=reader.key_id, detail={
        "access_id": entry.id, "reader_subject": reader_subject.id,
        "digest": access_digest(reader_subject.key, entry)})
    return entry


def entries(
    session: Session,
    *,
    user: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    cursor: str | None = None,
) -> tuple[list[AccessLogEntry], str | None]:
    """Journal entries, newest first; the cursor is the last id seen."""
    query = select(AccessLogEntry).order_by(AccessLogEntry.id.desc())
    if user is not None:
        query = query.where(AccessLogEntry.user_email == user)
    if since is not None:
        query = query.where(AccessLogEntry.created_at >= since)
    if until is not None:
        query = query.where(AccessLogEntry.created_at < until)
    if cursor:
        if not cursor.isdigit() or len(cursor) > 18:
            raise InvalidRequestError("Curseur de pagination invalide.", param="cursor")
        query = query.where(AccessLogEntry.id < int(cursor))
    rows = list(session.scalars(query.limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], str(rows[limit - 1].id)
    return rows, None


def describe(entry: AccessLogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": iso(entry.created_at),
        "key_id": entry.key_id,
        "user": entry.user_email,
        "role": entry.role,
        "endpoint": restore(entry.endpoint),
        "filters": restore(entry.filters),
        "record_ids": restore(entry.record_ids),
        "record_count": entry.record_count,
        "reason": restore(entry.reason),
    }

"""The access journal: every read of individuals' records through the admin API.

Entries go through the request's session, so a read and its journal entry commit together:
a read that cannot be journaled fails instead of going unrecorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.admin.models import AccessLogEntry
from gateway.auth.keys import Principal
from gateway.db.base import utcnow
from gateway.errors import InvalidRequestError


def record_access(
    session: Session,
    principal: Principal,
    endpoint: str,
    *,
    filters: dict[str, Any] | None = None,
    record_ids: Sequence[str] = (),
    record_count: int | None = None,
    reason: str | None = None,
) -> AccessLogEntry:
    entry = AccessLogEntry(
        created_at=utcnow(),
        key_id=principal.key_id,
        user_email=principal.user,
        role=principal.role,
        endpoint=endpoint,
        filters=filters or {},
        record_ids=list(record_ids),
        record_count=len(record_ids) if record_count is None else record_count,
        reason=reason,
    )
    session.add(entry)
    session.flush()
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
        if not cursor.isdigit():
            raise InvalidRequestError("Curseur de pagination invalide.", param="cursor")
        query = query.where(AccessLogEntry.id < int(cursor))
    rows = list(session.scalars(query.limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], str(rows[limit - 1].id)
    return rows, None


def describe(entry: AccessLogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "created_at": entry.created_at.isoformat().replace("+00:00", "Z"),
        "key_id": entry.key_id,
        "user": entry.user_email,
        "role": entry.role,
        "endpoint": entry.endpoint,
        "filters": entry.filters,
        "record_ids": entry.record_ids,
        "record_count": entry.record_count,
        "reason": entry.reason,
    }

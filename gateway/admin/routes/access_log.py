"""``/admin/api/access-log``: who read whose records (admins and auditors)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.admin.deps import AccessLogReader, DbSession
from gateway.admin.routes.params import Cursor, Limit, Since, Until
from gateway.admin.schemas import Page
from gateway.audit.reading import journal

router = APIRouter(tags=["admin: access log"])


@router.get("/access-log", response_model=Page)
def access_log(
    principal: AccessLogReader, session: DbSession, user: str | None = None,
    since: Since = None, until: Until = None, limit: Limit = 100, cursor: Cursor = None,
) -> Page:
    """Journal entries, newest first; ``user`` is the reader's e-mail."""
    rows, next_cursor = journal.entries(
        session, user=user, since=since, until=until, limit=limit, cursor=cursor
    )
    return Page(data=[journal.describe(row) for row in rows], next_cursor=next_cursor)

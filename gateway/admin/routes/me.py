"""``/v1/me/interactions``: a key holder's own records (the right of access)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.admin.deps import DbSession
from gateway.admin.routes.params import Cursor, Limit, Since, Until
from gateway.admin.schemas import Page
from gateway.api.deps import CurrentPrincipal
from gateway.audit.reading.filters import InteractionFilter, page
from gateway.audit.reading.records import to_record

router = APIRouter(prefix="/v1/me", tags=["me"])


@router.get("/interactions", response_model=Page)
def my_interactions(
    principal: CurrentPrincipal, session: DbSession,
    since: Since = None, until: Until = None, limit: Limit = 100, cursor: Cursor = None,
) -> Page:
    """The caller's records (every key of the same user), newest first. Not journaled:
    reading one's own records is the right of access, not a read of others' data."""
    filters = InteractionFilter(user=principal.user, since=since, until=until)
    rows, next_cursor = page(session, filters, limit, cursor)
    return Page(data=[to_record(row) for row in rows], next_cursor=next_cursor)

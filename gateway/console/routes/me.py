"""« Mon activité »: the signed-in person's own requests, what became of each, and one of
them in full (what was asked, the answer, or why there is none)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.models import Interaction
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.filters import page as search_page
from gateway.audit.reading.records import to_record
from gateway.console.activity import outcomes
from gateway.console.deps import ConsoleDenied, CurrentViewer
from gateway.console.format import duration
from gateway.console.routes.interactions import messages_of
from gateway.console.web import page
from gateway.db.base import utcnow
from gateway.errors import InvalidRequestError

router = APIRouter()
PAGE_SIZE = 50


def own_href(interaction_id: str) -> str:
    return f"/admin/me/requests/{interaction_id}"


@router.get("/me")
def my_activity(
    request: Request, viewer: CurrentViewer, db: DbSession, state: State,
    cursor: str | None = None,
) -> Response:
    filters = InteractionFilter(user=viewer.principal.user)
    try:
        rows, next_cursor = search_page(db, filters, PAGE_SIZE, cursor or None)
    except InvalidRequestError:
        rows, next_cursor = search_page(db, filters, PAGE_SIZE, None)
    found = outcomes(db, rows, utcnow())
    records = []
    for row in rows:
        record = to_record(row)
        messages = messages_of(row.prompt)
        record["asked"] = messages[-1][1] if messages else (row.prompt or "")
        record["outcome"] = found[row.id]
        records.append(record)
    return page(request, "me.html", viewer.t, viewer=viewer, records=records,
                next_cursor=next_cursor, href=own_href,
                ttl=duration(state.settings.approval_ttl_seconds, viewer.t))


@router.get("/me/requests/{interaction_id}")
def my_request(
    request: Request, interaction_id: str, viewer: CurrentViewer, db: DbSession, state: State,
) -> Response:
    row = db.get(Interaction, interaction_id)
    # Someone else's record is not found, rather than forbidden: ids are not to be probed.
    if row is None or row.user_email != viewer.principal.user:
        raise ConsoleDenied(404, "error.not_found")
    return page(request, "me_record.html", viewer.t, viewer=viewer, record=to_record(row),
                outcome=outcomes(db, [row], utcnow())[row.id], messages=messages_of(row.prompt),
                href=own_href, ttl=duration(state.settings.approval_ttl_seconds, viewer.t))

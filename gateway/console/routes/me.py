"""« Mon activité »: the signed-in person's own requests, with the reasons for refusals."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.filters import page as search_page
from gateway.audit.reading.records import to_record
from gateway.console.deps import CurrentViewer
from gateway.console.routes.interactions import messages_of
from gateway.console.web import page
from gateway.errors import InvalidRequestError

router = APIRouter()
PAGE_SIZE = 50


@router.get("/me")
def my_activity(
    request: Request, viewer: CurrentViewer, db: DbSession, cursor: str | None = None
) -> Response:
    filters = InteractionFilter(user=viewer.principal.user)
    try:
        rows, next_cursor = search_page(db, filters, PAGE_SIZE, cursor or None)
    except InvalidRequestError:
        rows, next_cursor = search_page(db, filters, PAGE_SIZE, None)
    records = []
    for row in rows:
        record = to_record(row)
        messages = messages_of(row.prompt)
        record["asked"] = messages[-1][1] if messages else (row.prompt or "")
        records.append(record)
    return page(request, "me.html", viewer.t, viewer=viewer, records=records,
                next_cursor=next_cursor)

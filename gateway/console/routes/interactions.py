"""The interaction log: a searchable, paginated table, one record's page, and exports
(auditors).

Every read goes through :mod:`gateway.audit.reading.service`, as in the admin API: each
list or search, each export and each record opened is written to the access journal.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response, StreamingResponse

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.models import Interaction
from gateway.audit.reading import service
from gateway.audit.reading.export import MEDIA_TYPES
from gateway.audit.reading.filters import DECISIONS, InteractionFilter, from_params
from gateway.audit.reading.records import endpoint_of, to_record
from gateway.audit.storable import restore
from gateway.console.activity import outcomes
from gateway.console.deps import ConsoleDenied, InteractionsViewer, Viewer
from gateway.console.views import check_record
from gateway.console.web import page
from gateway.db.base import utcnow
from gateway.errors import InvalidRequestError
from gateway.review.service import decision_for, describe_decision

router = APIRouter()
PAGE_SIZE = 50


def filters_from(params: dict[str, str]) -> InteractionFilter:
    """The form's filters, by the log's one rule; a bad value is a 400 page naming it."""
    try:
        return from_params(params)
    except InvalidRequestError as exc:
        raise ConsoleDenied(400, "error.bad_filter", param=exc.param or "") from exc


@router.get("/interactions")
def list_interactions(
    request: Request, viewer: InteractionsViewer, db: DbSession, cursor: str | None = None
) -> Response:
    params = dict(request.query_params)
    filters = filters_from(params)
    endpoint = endpoint_of(request)
    try:
        records, next_cursor = service.search(db, viewer.principal, filters, endpoint=endpoint,
                                              limit=PAGE_SIZE, cursor=cursor or None)
    except InvalidRequestError:  # a stale or mangled cursor: back to the first page
        records, next_cursor = service.search(db, viewer.principal, filters,
                                              endpoint=endpoint, limit=PAGE_SIZE)
    kept = {k: v for k, v in params.items() if k not in ("cursor", "lang") and v}
    return page(request, "interactions.html", viewer.t, viewer=viewer, records=records,
                next_cursor=next_cursor, params=kept, decisions=DECISIONS)


@router.get("/interactions/export")
def export(
    request: Request, viewer: InteractionsViewer, db: DbSession, state: State,
) -> Response:
    """The filtered log as a file (CSV safe to open in a spreadsheet, or JSON lines)."""
    params = dict(request.query_params)
    fmt = params.pop("format", "csv")
    if fmt not in MEDIA_TYPES:
        raise ConsoleDenied(400, "error.bad_filter", param="format")
    body = service.export(state.engine, db, viewer.principal, filters_from(params), fmt,
                          endpoint=endpoint_of(request))
    # The journal entry commits with the request's session, before the first byte.
    db.commit()
    return StreamingResponse(body, media_type=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f"attachment; filename=interactions.{fmt}",
        "Cache-Control": "no-store",
    })


def messages_of(prompt: str | None) -> list[tuple[str, str]] | None:
    """The recorded prompt as (role, text) pairs when it is a message list, else ``None``."""
    if not prompt:
        return None
    try:
        data = orjson.loads(restore(prompt))
    except orjson.JSONDecodeError:
        return None
    if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
        return None
    out = []
    for message in data:
        content = message.get("content")
        if isinstance(content, list):  # multi-part: the text parts
            content = "\n".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        elif not isinstance(content, str):
            content = orjson.dumps(content).decode() if content is not None else ""
        out.append((str(message.get("role", "?")), content))
    return out


def record_page(
    request: Request, viewer: Viewer, db: Session, row: Interaction, **extra: Any
) -> Response:
    """One record's page (auditors' and reviewers' alike), for a row already opened
    through :func:`gateway.audit.reading.service.open_record` (so journaled)."""
    record = to_record(row)
    review = describe_decision(decision_for(db, row.id))
    # Reviewers do not see the log: the records a held one links to open in their queue.
    base = "/admin/interactions/" if viewer.may("interactions") else "/admin/reviews/"
    return page(request, "interaction.html", viewer.t, viewer=viewer, record=record,
                review=review, messages=messages_of(row.prompt), seq=row.seq,
                check=check_record(db, row), outcome=outcomes(db, [row], utcnow())[row.id],
                href=lambda interaction_id: base + interaction_id, **extra)


@router.get("/interactions/{interaction_id}")
def interaction(
    request: Request, interaction_id: str, viewer: InteractionsViewer, db: DbSession
) -> Response:
    row = service.open_record(db, viewer.principal, interaction_id,
                              endpoint=endpoint_of(request))
    if row is None:
        raise ConsoleDenied(404, "error.not_found")
    return record_page(request, viewer, db, row)

"""« Mon activité »: the signed-in person's own requests, what became of each, and one of
them in full (what was asked, the answer, or why there is none); above them, their keys
(the forms are in :mod:`.my_keys`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.models import Interaction
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.filters import page as search_page
from gateway.audit.reading.records import to_record
from gateway.console.activity import outcomes
from gateway.console.deps import ConsoleDenied, CurrentViewer, Viewer
from gateway.console.format import duration
from gateway.console.routes.interactions import messages_of
from gateway.console.web import page
from gateway.db.base import utcnow
from gateway.errors import InvalidRequestError
from gateway.identity import self_service
from gateway.state import GatewayState

router = APIRouter()
PAGE_SIZE = 50


def own_href(interaction_id: str) -> str:
    return f"/admin/me/requests/{interaction_id}"


def key_rules(state: GatewayState) -> self_service.KeyRules:
    return self_service.KeyRules.from_settings(state.settings,
                                               state.policy_set.authorized_tools)


def render_me(
    request: Request, viewer: Viewer, db: Session, state: GatewayState,
    cursor: str | None = None, status_code: int = 200, **extra: Any,
) -> Response:
    """The page, with what a key form adds (the new secret, an error) in ``extra``."""
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
    person_id = viewer.principal.person_id
    base = state.directory.public_url or str(request.base_url).rstrip("/")
    return page(request, "me.html", viewer.t, viewer=viewer, records=records,
                next_cursor=next_cursor, href=own_href, status_code=status_code,
                ttl=duration(state.settings.approval_ttl_seconds, viewer.t),
                rules=key_rules(state), api_url=base + "/v1",
                keys=self_service.keys_of(db, person_id) if person_id else None,
                revoked=request.query_params.get("revoked"), **extra)


@router.get("/me")
def my_activity(
    request: Request, viewer: CurrentViewer, db: DbSession, state: State,
    cursor: str | None = None,
) -> Response:
    return render_me(request, viewer, db, state, cursor)


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

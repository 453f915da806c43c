"""The review queue: held and blocked requests, approved or rejected with a comment."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.models import Interaction
from gateway.audit.reading import service as reading
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.records import endpoint_of
from gateway.console.activity import approved_original
from gateway.console.deps import ConsoleDenied, PostedForm, ReviewsViewer
from gateway.console.routes.interactions import record_page
from gateway.console.web import page, redirect
from gateway.db.base import utcnow
from gateway.errors import GatewayError, InvalidRequestError
from gateway.review import service
from gateway.review.models import APPROVED, REJECTED

router = APIRouter()
PAGE_SIZE = 50
_ACTIONS = {"approve": APPROVED, "reject": REJECTED}


@router.get("/reviews")
def queue(
    request: Request, viewer: ReviewsViewer, db: DbSession, status: str = "held",
    cursor: str | None = None,
) -> Response:
    status = status if status in service.QUEUE_DECISIONS else "held"
    filters = InteractionFilter(decisions=service.QUEUE_DECISIONS[status])
    endpoint = endpoint_of(request)
    items: list[dict[str, Any]]
    try:
        items, next_cursor = reading.search(db, viewer.principal, filters, endpoint=endpoint,
                                            limit=PAGE_SIZE, cursor=cursor or None)
    except InvalidRequestError:  # a stale or mangled cursor: back to the first page
        items, next_cursor = reading.search(db, viewer.principal, filters, endpoint=endpoint,
                                            limit=PAGE_SIZE)
    for item in items:
        item["review"] = service.describe_decision(service.decision_for(db, item["id"]))
        # An approved request's retry is « approved » too, with no decision of its own.
        item["original"] = approved_original(item["rule_ids"])
    done = request.query_params.get("done")
    return page(request, "reviews.html", viewer.t, viewer=viewer, items=items, status=status,
                statuses=tuple(service.QUEUE_DECISIONS), next_cursor=next_cursor,
                done=done if done in (APPROVED, REJECTED) else None)


def _queued(request: Request, viewer: ReviewsViewer, db: DbSession,
            interaction_id: str) -> Interaction:
    """A queued record, opened (and so journaled) for this viewer."""
    row = reading.open_record(db, viewer.principal, interaction_id,
                              endpoint=endpoint_of(request),
                              decisions=service.QUEUE_DECISIONS["all"])
    if row is None:
        raise ConsoleDenied(404, "error.not_found")
    return row


@router.get("/reviews/{interaction_id}")
def review(
    request: Request, interaction_id: str, viewer: ReviewsViewer, db: DbSession
) -> Response:
    return record_page(request, viewer, db, _queued(request, viewer, db, interaction_id),
                       decide=True)


@router.post("/reviews/{interaction_id}/decide")
def decide(
    request: Request, interaction_id: str, viewer: ReviewsViewer, db: DbSession, state: State,
    form: PostedForm,
) -> Response:
    row = db.get(Interaction, interaction_id)
    if row is None or row.decision not in service.QUEUE_DECISIONS["all"]:
        raise ConsoleDenied(404, "error.not_found")
    action = _ACTIONS.get(form.get("action", ""))
    comment = form.get("comment", "")
    try:
        if action is None:
            raise InvalidRequestError("Action inconnue.")
        service.decide(
            db, interaction_id, action,
            reviewer=service.Reviewer(user=viewer.principal.user, key_id=viewer.principal.key_id),
            comment=comment, now=utcnow(), approval_ttl_s=state.settings.approval_ttl_seconds,
        )
    except GatewayError as exc:
        db.rollback()
        row = _queued(request, viewer, db, interaction_id)
        response = record_page(request, viewer, db, row, decide=True, error=exc.message,
                               comment=comment)
        response.status_code = exc.status_code
        return response
    # Back to the tab the reviewer decided from (the queue's forms say which).
    status = form.get("status", "")
    tab = f"status={status}&" if status in service.QUEUE_DECISIONS else ""
    return redirect(f"/admin/reviews?{tab}done={action}")

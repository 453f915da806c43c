"""``/admin/api/reviews``: the queue of held and blocked requests (reviewers)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request

from gateway.admin.deps import DbSession, Reviewer
from gateway.admin.routes.params import Cursor, Limit, Since, Until
from gateway.admin.schemas import DecisionIn, Page
from gateway.api.deps import State
from gateway.audit.models import Interaction
from gateway.audit.reading import service as reading
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.records import endpoint_of, summary, to_record
from gateway.db.base import utcnow
from gateway.errors import NotFoundError
from gateway.principal import Principal
from gateway.review import service
from gateway.review.models import APPROVED, REJECTED

router = APIRouter(prefix="/reviews", tags=["admin: reviews"])


@router.get("", response_model=Page)
def list_reviews(
    request: Request, principal: Reviewer, session: DbSession,
    status: Annotated[Literal["held", "blocked", "all"], Query()] = "held",
    department: str | None = None, rule: str | None = None,
    since: Since = None, until: Until = None, limit: Limit = 100, cursor: Cursor = None,
) -> Page:
    """The queue, newest first: summaries without content (open one to read it). The
    read is journaled, as every list of others' records."""
    filters = InteractionFilter(
        department=department, rule=rule, since=since, until=until,
        decisions=service.QUEUE_DECISIONS[status],
    )
    items, next_cursor = reading.search(session, principal, filters,
                                        endpoint=endpoint_of(request), limit=limit,
                                        cursor=cursor, serialise=summary)
    for item in items:
        item["review"] = service.describe_decision(service.decision_for(session, item["id"]))
    return Page(data=items, next_cursor=next_cursor)


@router.get("/{interaction_id}")
def get_review(
    request: Request, interaction_id: str, principal: Reviewer, session: DbSession
) -> dict[str, Any]:
    """One queued record: redacted content, findings, matched rules, decision if any."""
    row = reading.open_record(session, principal, interaction_id,
                              endpoint=endpoint_of(request),
                              decisions=service.QUEUE_DECISIONS["all"])
    if row is None:
        raise NotFoundError(f"Aucune interaction {interaction_id[:64]} dans la file de revue.")
    record = to_record(row)
    record["review"] = service.describe_decision(service.decision_for(session, interaction_id))
    return record


def _decide(
    session: DbSession, state: State, principal: Principal, interaction_id: str,
    action: str, body: DecisionIn,
) -> dict[str, Any]:
    decision = service.decide(
        session, interaction_id, action,
        reviewer=service.Reviewer(user=principal.user, key_id=principal.key_id),
        comment=body.comment, now=utcnow(),
        approval_ttl_s=state.settings.approval_ttl_seconds,
    )
    row = session.get(Interaction, interaction_id)
    return {
        "id": interaction_id,
        "decision": row.decision if row else action,
        "review": service.describe_decision(decision),
    }


@router.post("/{interaction_id}/approve")
def approve(
    interaction_id: str, body: DecisionIn, principal: Reviewer, session: DbSession,
    state: State,
) -> dict[str, Any]:
    """Approve a held request: its author may send it again, once, within the TTL."""
    return _decide(session, state, principal, interaction_id, APPROVED, body)


@router.post("/{interaction_id}/reject")
def reject(
    interaction_id: str, body: DecisionIn, principal: Reviewer, session: DbSession,
    state: State,
) -> dict[str, Any]:
    """Reject a held request (final), or confirm a blocked one."""
    return _decide(session, state, principal, interaction_id, REJECTED, body)

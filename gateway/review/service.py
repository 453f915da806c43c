"""The review queue: deciding on held requests, and the one-time approvals they leave.

A held request is an interaction record with decision ``held`` and the fingerprint of its
request. A reviewer approves or rejects it with a comment; the decision is a row of
``review_decisions`` and the record's decision becomes ``approved`` or ``rejected``.

* A rejection is final: deciding again on the record is a :class:`ConflictError`.
* Only ``held`` records can be approved. A ``blocked`` record was refused by a policy rule,
  which a reviewer cannot override for one request (change the policy instead); a reviewer
  may reject it to confirm the block, which records the decision and leaves it ``blocked``.
* An approval lets the same user send the same request once, within
  ``GATEWAY_APPROVAL_TTL_SECONDS``: the pipeline calls :func:`consume_approval`. "The same"
  is the whole request as it would be forwarded (every field: model, messages, tools,
  ``functions``, ``user``, sampling settings...), on the same endpoint; a resend that adds
  or changes anything is a new request, held again.
* Four eyes: nobody decides on a request of their own (:class:`SelfReviewError`), whatever
  the front end (admin API, console, command line).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import anyio.to_thread
from sqlalchemy import Connection, CursorResult, Engine, Table, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.audit import subjects
from gateway.audit.integrity import append_event
from gateway.audit.models import Interaction
from gateway.db.base import utcnow
from gateway.errors import (
    ConflictError,
    InvalidRequestError,
    NotFoundError,
    PermissionDeniedError,
)
from gateway.review.models import APPROVED, REJECTED, ReviewDecision

HELD, BLOCKED = "held", "blocked"
# What each queue status lists; "all" is every record a reviewer may have to look at.
QUEUE_DECISIONS = {
    "held": (HELD,),
    "blocked": (BLOCKED,),
    "all": (HELD, BLOCKED, APPROVED, REJECTED),
}
# A candidate approval taken by another process meanwhile: try the next one, a few times.
_CONSUME_ATTEMPTS = 5
# How the answer comes back, not what is sent: a request approved as sent by one tool may
# come back streamed from another (or the same tool's other mode) and is still the one
# the reviewer read.
DELIVERY_FIELDS = frozenset({"stream", "stream_options"})


def request_fingerprint(
    endpoint: str, request: Mapping[str, Any], key: bytes | None = None
) -> str:
    """A stable digest of a whole request: the canonical JSON of its endpoint and body.

    Canonical: keys sorted, no insignificant whitespace, so the same request sent again by
    any client hashes the same. Every field counts, not only model and messages: an
    approval of a request must not also cover one that adds ``functions``, ``tools`` or a
    ``user`` the reviewer never saw; only :data:`DELIVERY_FIELDS` are left out. The gateway
    passes its server secret as ``key`` (HMAC-SHA256): the text may hold personal data, and
    a keyed digest cannot be confirmed by guessing it offline.
    """
    sent = {name: value for name, value in request.items() if name not in DELIVERY_FIELDS}
    canonical = json.dumps(
        {"endpoint": endpoint, "request": sent},
        sort_keys=True, separators=(",", ":"), ensure_ascii=False,
    ).encode("utf-8", "surrogatepass")
    if key is not None:
        return hmac.new(key, canonical, hashlib.sha256).hexdigest()
    return hashlib.sha256(canonical).hexdigest()


def consume_approval(
    bind: Engine | Connection | Session, user: str, fingerprint: str, now: datetime
) -> str | None:
    """Use up one unexpired approval of this user's request; the approved interaction's id.

    The ``UPDATE ... WHERE consumed_at IS NULL`` is the guard: of two processes racing for
    the same approval, the database lets exactly one update the row. With an ``Engine``
    this commits; with a ``Connection`` or ``Session`` the caller's transaction does.
    """
    if isinstance(bind, Engine):
        with bind.begin() as connection:
            return _consume(connection, user, fingerprint, now)
    return _consume(bind, user, fingerprint, now)


def _consume(
    bind: Connection | Session, user: str, fingerprint: str, now: datetime
) -> str | None:
    table = cast(Table, ReviewDecision.__table__)
    candidates = (
        select(table.c.id, table.c.interaction_id)
        .where(
            table.c.user_email == user,
            table.c.request_fingerprint == fingerprint,
            table.c.action == APPROVED,
            table.c.consumed_at.is_(None),
            table.c.expires_at > now,
        )
        .order_by(table.c.decided_at)
        .limit(_CONSUME_ATTEMPTS)
    )
    for decision_id, interaction_id in bind.execute(candidates).all():
        taken: CursorResult[Any] = bind.execute(  # type: ignore[assignment]
            update(table)
            .where(table.c.id == decision_id, table.c.consumed_at.is_(None))
            .values(consumed_at=now)
        )
        if taken.rowcount == 1:
            return str(interaction_id)
    return None


class Approvals:
    """Reviewers' approvals as the guard uses them: a held request's keyed fingerprint, and
    using up an approval of it (the database call on a worker thread, off the event loop)."""

    def __init__(self, engine: Engine, secret: bytes) -> None:
        self._engine = engine
        self._secret = secret

    def fingerprint(self, endpoint: str, request: Mapping[str, Any]) -> str:
        return request_fingerprint(endpoint, request, self._secret)

    async def consume(self, user: str, fingerprint: str) -> str | None:
        approved_by: str | None = await anyio.to_thread.run_sync(
            consume_approval, self._engine, user, fingerprint, utcnow()
        )
        return approved_by


class SelfReviewError(PermissionDeniedError):
    """A reviewer deciding on their own request: someone else must (four eyes)."""

    code = "self_review"


@dataclass(frozen=True, slots=True)
class Reviewer:
    """Who decides: a reviewer's key, or the command line (``--by``)."""

    user: str
    key_id: str | None = None


def decide(
    session: Session,
    interaction_id: str,
    action: str,
    *,
    reviewer: Reviewer,
    comment: str,
    now: datetime,
    approval_ttl_s: float,
) -> ReviewDecision:
    """Approve or reject a held (or reject a blocked) record; the caller's session commits."""
    if action not in (APPROVED, REJECTED):
        raise InvalidRequestError(f"Action inconnue : {action}.")
    comment = comment.strip()
    if not comment:
        raise InvalidRequestError(
            "Un commentaire est obligatoire pour motiver la décision.", param="comment"
        )
    row = _reviewable(session, interaction_id, action)
    _not_their_own(row, reviewer)
    decision = ReviewDecision(
        interaction_id=interaction_id,
        action=action,
        comment=comment,
        reviewer=reviewer.user,
        reviewer_key_id=reviewer.key_id,
        decided_at=now,
        user_email=row.user_email,
        request_fingerprint=row.request_fingerprint,
        expires_at=now + timedelta(seconds=approval_ttl_s) if action == APPROVED else None,
    )
    _insert_once(session, decision)
    _apply(session, row, decision)
    return decision


def _reviewable(session: Session, interaction_id: str, action: str) -> Interaction:
    """The record, if ``action`` may be decided on it now; the reason as an error if not."""
    row = session.get(Interaction, interaction_id)
    if row is None:
        raise NotFoundError(f"Aucune interaction {interaction_id}.")
    previous = decision_for(session, interaction_id)
    if previous is not None or row.decision in (APPROVED, REJECTED):
        raise ConflictError(
            f"L'interaction {interaction_id} a déjà été décidée "
            f"({previous.action if previous else row.decision}) : la décision est définitive."
        )
    if row.decision == BLOCKED and action == APPROVED:
        raise ConflictError(
            f"L'interaction {interaction_id} a été bloquée par une règle ; un blocage ne "
            "s'approuve pas, il se corrige dans la politique d'usage."
        )
    if row.decision not in (HELD, BLOCKED):
        raise ConflictError(
            f"L'interaction {interaction_id} n'est pas en attente de revue "
            f"(décision : {row.decision})."
        )
    return row


def _not_their_own(row: Interaction, reviewer: Reviewer) -> None:
    """Four eyes: the requester cannot decide, by any of their keys or under any case of
    their address (e-mail addresses are compared as the directory stores them: folded)."""
    same_person = reviewer.user.strip().casefold() == row.user_email.strip().casefold()
    same_key = reviewer.key_id is not None and reviewer.key_id == row.key_id
    if same_person or same_key:
        raise SelfReviewError(
            f"L'interaction {row.id} est une demande de {row.user_email} : on ne décide pas "
            "sur sa propre demande, un autre validateur doit l'examiner."
        )


def _insert_once(session: Session, decision: ReviewDecision) -> None:
    """Adds the decision; one per record, so a concurrent reviewer's makes this a conflict."""
    try:
        with session.begin_nested():
            session.add(decision)
            session.flush()
    except IntegrityError as exc:  # another reviewer decided in the meantime
        raise ConflictError(
            f"L'interaction {decision.interaction_id} vient d'être décidée par quelqu'un "
            "d'autre."
        ) from exc


def _apply(session: Session, row: Interaction, decision: ReviewDecision) -> None:
    """Journals the verdict and, for a held record, makes it the record's decision."""
    # The verdict joins the chained event log, so it cannot be altered or removed unseen;
    # verification accepts a chained record's held → approved/rejected against this table.
    # Reviewer and comment enter as commitments (gateway/audit/subjects.py), so the chain
    # holds no e-mail and can forget the requester; verify checks them against this row.
    connection = session.connection()
    append_event(connection, f"review.{decision.action}", key_id=decision.reviewer_key_id,
                 detail={"interaction_id": row.id, "previous_decision": row.decision,
                         **review_commitments(connection, decision)})
    action = decision.action
    if row.decision == HELD:
        # Guarded on the current decision so a concurrent change is not overwritten.
        session.execute(
            update(Interaction)
            .where(Interaction.id == row.id, Interaction.decision == HELD)
            .values(decision=action)
        )
        session.refresh(row)


def review_commitments(connection: Connection, decision: ReviewDecision) -> dict[str, str]:
    """What the chain holds of a decision's people and comment (checked by verify)."""
    by = subjects.subject_for(connection, decision.reviewer)
    requester = subjects.subject_for(connection, decision.user_email)
    record = decision.interaction_id
    return {
        "reviewer_subject": by.id,
        "reviewer_hash": subjects.commit(by.key, subjects.REVIEWER, record, decision.reviewer),
        "subject": requester.id,
        "comment_hash": subjects.commit(requester.key, subjects.COMMENT, record,
                                        decision.comment),
    }


def decision_for(session: Session, interaction_id: str) -> ReviewDecision | None:
    return session.scalars(
        select(ReviewDecision).where(ReviewDecision.interaction_id == interaction_id)
    ).first()


def describe_decision(decision: ReviewDecision | None) -> dict[str, Any] | None:
    """A decision as the admin API and CLI show it."""
    if decision is None:
        return None
    return {
        "action": decision.action,
        "comment": decision.comment,
        "reviewer": decision.reviewer,
        "decided_at": _iso(decision.decided_at),
        "expires_at": _iso(decision.expires_at),
        "consumed_at": _iso(decision.consumed_at),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None

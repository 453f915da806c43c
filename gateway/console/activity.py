"""What became of a request, in words for the person who sent it, and how records connect.

A held request is never sent. Once a reviewer approves it, its author sends the same request
again; that retry goes through and is a record of its own, whose ``rule_ids`` carry
``approval:<id of the held record>`` (``gateway.proxy.guard`` writes the id of the approval
it used up). That id is the link both ways: exact where a fingerprint or a date would only
be close, and it survives retention purging one side (the page then says the other is gone).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from gateway.review.models import APPROVED, REJECTED, ReviewDecision

APPROVAL = "approval:"
# A refusal is recorded as "<code>: <message>" (``approval_required: …``): the code is for
# scripts, the person reads the message.
_CODE = re.compile(r"^[a-z][a-z_]*: ")
# After a held request's policy message, the gateway's refusal gives the request's id and
# what happens next (``gateway.proxy.guard``): the pages say both themselves, in the
# reader's language, so the reason shown stops where that tail starts.
_HELD_TAIL = " Identifiant de la demande : "


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one record. ``kind`` picks the sentence; the rest fills it in.

    Kinds: ``sent`` (answered), ``failed`` (sent, the provider failed), ``pending`` (being
    answered), ``blocked`` (refused by a rule or a limit), ``held`` (waiting for a
    reviewer), ``rejected``, ``approved`` (approved, not sent again yet), ``expired`` (the
    approval lapsed unused), ``used`` (approved and sent again: ``related`` is the retry),
    ``retry`` (the approved retry that went through: ``related`` is the held request).
    """

    kind: str
    reason: str = ""
    review: ReviewDecision | None = None
    related: str | None = None
    related_row: Interaction | None = None  # None when the related record was purged


def without_code(error: str | None) -> str:
    """A recorded error as a sentence: its leading machine code removed."""
    return _CODE.sub("", error or "", count=1).strip()


def approved_original(rule_ids: Iterable[object] | None) -> str | None:
    """The held record whose approval a retry used, from the retry's ``rule_ids``."""
    for rule_id in rule_ids or ():
        if isinstance(rule_id, str) and rule_id.startswith(APPROVAL):
            return rule_id[len(APPROVAL):]
    return None


def _decisions(session: Session, ids: Sequence[str]) -> dict[str, ReviewDecision]:
    if not ids:
        return {}
    rows = session.scalars(select(ReviewDecision).where(ReviewDecision.interaction_id.in_(ids)))
    return {row.interaction_id: row for row in rows}


def _retries(session: Session, originals: Sequence[Interaction]) -> dict[str, Interaction]:
    """The retry that used each approved original's approval, by the original's id.

    A retry is the same person's, later, and ``approved``: that narrows the rows read to a
    handful before their ``rule_ids`` are looked at.
    """
    if not originals:
        return {}
    wanted = {row.id for row in originals}
    query = select(Interaction).where(
        Interaction.user_email.in_({row.user_email for row in originals}),
        Interaction.decision == APPROVED,
        Interaction.created_at >= min(row.created_at for row in originals),
    )
    found = {}
    for row in session.scalars(query):
        original = approved_original(row.rule_ids)
        if original in wanted:
            found[original] = row
    return found


def outcomes(session: Session, rows: Sequence[Interaction], now: datetime) -> dict[str, Outcome]:
    """Each record's outcome, by id, in three queries whatever the number of rows."""
    reviews = _decisions(session, [row.id for row in rows if row.decision != "allowed"])
    originals = {row.id: approved_original(row.rule_ids) for row in rows}
    approved = [row for row in rows if row.decision == APPROVED and originals[row.id] is None]
    retries = _retries(session, approved)
    wanted = [i for i in originals.values() if i is not None]
    related = {row.id: row for row in session.scalars(
        select(Interaction).where(Interaction.id.in_(wanted)))} if wanted else {}
    return {
        row.id: _outcome(row, reviews.get(row.id), originals[row.id], retries, related, now)
        for row in rows
    }


def _outcome(
    row: Interaction, review: ReviewDecision | None, original: str | None,
    retries: dict[str, Interaction], related: dict[str, Interaction], now: datetime,
) -> Outcome:
    reason = without_code(row.error)
    if original is not None:
        return Outcome("retry", related=original, related_row=related.get(original))
    if row.decision == APPROVED:
        retry = retries.get(row.id)
        if retry is not None:
            return Outcome("used", review=review, related=retry.id, related_row=retry)
        if review is not None and review.consumed_at is not None:  # the retry was purged
            return Outcome("used", review=review)
        if review is not None and review.expires_at is not None and review.expires_at <= now:
            return Outcome("expired", review=review)
        return Outcome("approved", review=review)
    if row.decision in (REJECTED, "held"):
        reason = reason.split(_HELD_TAIL, 1)[0]
        return Outcome("held" if row.decision == "held" else "rejected", reason, review=review)
    if row.decision == "blocked":
        return Outcome("blocked", reason, review=review)
    if row.decision == "error" or row.error or (row.status_code or 200) >= 400:
        return Outcome("failed", reason)
    return Outcome("pending" if row.state == "pending" else "sent")

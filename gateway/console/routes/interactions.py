"""The interaction log: a searchable, paginated table and one record's page (auditors).

Reads are journaled as the admin API journals them (``gateway.admin.journal``): a search
for one person's records, and every record opened.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import orjson
from fastapi import APIRouter, Request
from sqlalchemy.orm import Session
from starlette.responses import Response

from gateway.admin import journal
from gateway.admin.deps import DbSession
from gateway.audit import search
from gateway.audit.export import to_record
from gateway.audit.models import Interaction
from gateway.console.deps import ConsoleDenied, InteractionsViewer, Viewer
from gateway.console.views import check_record
from gateway.console.web import page
from gateway.errors import InvalidRequestError
from gateway.review.service import decision_for, describe_decision

router = APIRouter()
PAGE_SIZE = 50
DECISIONS = ("allowed", "redacted", "blocked", "held", "approved", "rejected", "error")
_TEXT_FILTERS = ("user", "department", "tool", "model", "rule", "q")


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    """A date field (``YYYY-MM-DD``) or ISO instant; ``until`` includes its whole day."""
    if not value:
        return None
    try:
        if len(value) == 10:
            day = datetime.combine(date.fromisoformat(value), time(), UTC)
            return day + timedelta(days=1) if end else day
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def filters_from(params: dict[str, str]) -> search.InteractionFilter:
    text = {name: (params.get(name) or "").strip() or None for name in _TEXT_FILTERS}
    decision = params.get("decision") or ""
    return search.InteractionFilter(
        user=text["user"], department=text["department"], tool=text["tool"],
        model=text["model"], rule=text["rule"], text=text["q"],
        decisions=(decision,) if decision in DECISIONS else (),
        since=_day(params.get("since")), until=_day(params.get("until"), end=True),
    )


def endpoint_of(request: Request) -> str:
    return f"{request.method} {request.url.path}"


@router.get("/interactions")
def list_interactions(
    request: Request, viewer: InteractionsViewer, db: DbSession, cursor: str | None = None
) -> Response:
    params = dict(request.query_params)
    filters = filters_from(params)
    try:
        rows, next_cursor = search.page(db, filters, PAGE_SIZE, cursor or None)
    except InvalidRequestError:
        rows, next_cursor = search.page(db, filters, PAGE_SIZE, None)
    records = [to_record(row) for row in rows]
    if filters.user is not None:
        journal.record_access(db, viewer.principal, endpoint_of(request),
                              filters=filters.as_json(), record_ids=[r["id"] for r in records])
    kept = {k: v for k, v in params.items() if k not in ("cursor", "lang") and v}
    return page(request, "interactions.html", viewer.t, viewer=viewer, records=records,
                next_cursor=next_cursor, params=kept, decisions=DECISIONS)


def messages_of(prompt: str | None) -> list[tuple[str, str]] | None:
    """The recorded prompt as (role, text) pairs when it is a message list, else ``None``."""
    if not prompt:
        return None
    try:
        data = orjson.loads(prompt)
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
    """One record's page (auditors' and reviewers' alike); the read is journaled."""
    record = to_record(row)
    review = describe_decision(decision_for(db, row.id))
    journal.record_access(db, viewer.principal, endpoint_of(request), record_ids=[row.id])
    return page(request, "interaction.html", viewer.t, viewer=viewer, record=record,
                review=review, messages=messages_of(row.prompt), seq=row.seq,
                check=check_record(db, row), **extra)


@router.get("/interactions/{interaction_id}")
def interaction(
    request: Request, interaction_id: str, viewer: InteractionsViewer, db: DbSession
) -> Response:
    row = db.get(Interaction, interaction_id)
    if row is None:
        raise ConsoleDenied(404, "error.not_found")
    return record_page(request, viewer, db, row)

"""``/admin/api/interactions``: search, read and export the interaction log (auditors)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from sqlalchemy import func, select
from starlette.responses import StreamingResponse

from gateway.admin import journal
from gateway.admin.deps import Auditor, DbSession
from gateway.admin.routes.params import Cursor, Filters, Limit
from gateway.admin.schemas import Page
from gateway.api.deps import State
from gateway.audit import search
from gateway.audit.export import csv_lines, iter_records, jsonl_lines, to_record
from gateway.audit.models import Interaction
from gateway.errors import NotFoundError
from gateway.review.service import decision_for, describe_decision

router = APIRouter(prefix="/interactions", tags=["admin: interactions"])
# Records per chunk of a streamed export: one thread hop per chunk, not per record.
_EXPORT_CHUNK = 500


def endpoint_of(request: Request) -> str:
    return f"{request.method} {request.url.path}"


@router.get("", response_model=Page)
def list_interactions(
    request: Request, principal: Auditor, session: DbSession, filters: Filters,
    limit: Limit = 100, cursor: Cursor = None,
) -> Page:
    """Matching records, newest first. A search for one person's records is journaled."""
    rows, next_cursor = search.page(session, filters, limit, cursor)
    records = [to_record(row) for row in rows]
    if filters.user is not None:
        journal.record_access(session, principal, endpoint_of(request),
                              filters=filters.as_json(), record_ids=[r["id"] for r in records])
    return Page(data=records, next_cursor=next_cursor)


def _chunks(lines: Iterable[bytes | str]) -> Iterator[bytes]:
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line.encode() if isinstance(line, str) else line)
        if len(chunk) >= _EXPORT_CHUNK:
            yield b"".join(chunk)
            chunk.clear()
    if chunk:
        yield b"".join(chunk)


@router.get("/export")
def export_interactions(
    request: Request, principal: Auditor, session: DbSession, state: State, filters: Filters,
    format: Annotated[Literal["jsonl", "csv"], Query()] = "jsonl",
) -> StreamingResponse:
    """Every matching record, oldest first, streamed in the export's field names."""
    count = session.scalar(
        select(func.count()).select_from(Interaction).where(*filters.clauses())
    ) or 0
    # Journaled (and committed, see DbSession) before the first byte leaves.
    journal.record_access(session, principal, endpoint_of(request),
                          filters={**filters.as_json(), "format": format}, record_count=count)
    records = iter_records(state.engine, filters=filters)
    if format == "csv":
        body, media_type = _chunks(csv_lines(records)), "text/csv; charset=utf-8"
    else:
        body, media_type = _chunks(jsonl_lines(records)), "application/x-ndjson"
    disposition = f"attachment; filename=interactions.{format}"
    return StreamingResponse(body, media_type=media_type,
                             headers={"Content-Disposition": disposition})


@router.get("/{interaction_id}")
def get_interaction(
    request: Request, interaction_id: str, principal: Auditor, session: DbSession
) -> dict[str, Any]:
    """One record in the export's field names, with its review decision if any."""
    row = session.get(Interaction, interaction_id)
    if row is None:
        raise NotFoundError(f"Aucune interaction {interaction_id}.")
    record = to_record(row)
    record["review"] = describe_decision(decision_for(session, interaction_id))
    journal.record_access(session, principal, endpoint_of(request), record_ids=[row.id])
    return record

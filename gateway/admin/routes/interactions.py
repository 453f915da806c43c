"""``/admin/api/interactions``: search, read and export the interaction log (auditors).

Every read goes through :mod:`gateway.audit.reading.service`, which journals it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import StreamingResponse

from gateway.admin.deps import Auditor, DbSession
from gateway.admin.routes.params import Cursor, Filters, Limit
from gateway.admin.schemas import Page
from gateway.api.deps import State
from gateway.audit.reading import service
from gateway.audit.reading.export import MEDIA_TYPES
from gateway.audit.reading.records import endpoint_of, to_record
from gateway.errors import NotFoundError
from gateway.review.service import decision_for, describe_decision

router = APIRouter(prefix="/interactions", tags=["admin: interactions"])
# Records per chunk of a streamed export: one thread hop per chunk, not per record.
_EXPORT_CHUNK = 500


@router.get("", response_model=Page)
def list_interactions(
    request: Request, principal: Auditor, session: DbSession, filters: Filters,
    limit: Limit = 100, cursor: Cursor = None,
) -> Page:
    """Matching records, newest first. Every list and search is journaled."""
    records, next_cursor = service.search(session, principal, filters,
                                          endpoint=endpoint_of(request), limit=limit,
                                          cursor=cursor)
    return Page(data=records, next_cursor=next_cursor)


def _chunks(lines: Iterable[bytes]) -> Iterator[bytes]:
    chunk: list[bytes] = []
    for line in lines:
        chunk.append(line)
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
    """Every matching record, oldest first, streamed in the export's field names (CSV cells
    safe to open in a spreadsheet)."""
    # Journaled (and committed, see DbSession) before the first byte leaves.
    body = service.export(state.engine, session, principal, filters, format,
                          endpoint=endpoint_of(request))
    disposition = f"attachment; filename=interactions.{format}"
    return StreamingResponse(_chunks(body), media_type=MEDIA_TYPES[format],
                             headers={"Content-Disposition": disposition})


@router.get("/{interaction_id}")
def get_interaction(
    request: Request, interaction_id: str, principal: Auditor, session: DbSession
) -> dict[str, Any]:
    """One record in the export's field names, with its review decision if any."""
    row = service.open_record(session, principal, interaction_id,
                              endpoint=endpoint_of(request))
    if row is None:
        raise NotFoundError(f"Aucune interaction {interaction_id[:64]}.")
    record = to_record(row)
    record["review"] = describe_decision(decision_for(session, interaction_id))
    return record

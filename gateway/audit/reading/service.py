"""Reading the log on a person's behalf: each read and its journal entry, in one place.

The admin API, the console and the command line call these functions and nothing else to
read others' records, so none of them can forget the access journal: a search or list
(whatever its filters, even empty), an export (journaled, and committed by the caller,
before its first byte), and every single record opened. Reading one's own records
(``/v1/me/interactions``, « Mon activité ») is not journaled: it is the person's right of
access, not a read of someone else's data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from gateway.audit.reading import journal
from gateway.audit.reading.export import encoded, iter_records
from gateway.audit.reading.filters import InteractionFilter, page
from gateway.audit.reading.journal import Reader
from gateway.audit.reading.records import is_record_id, to_record

Serialiser = Callable[[Interaction], dict[str, Any]]


def search(
    session: Session, reader: Reader, filters: InteractionFilter, *, endpoint: str,
    limit: int, cursor: str | None = None, serialise: Serialiser = to_record,
) -> tuple[list[dict[str, Any]], str | None]:
    """One page of matching records, newest first; the read is journaled with its filters
    and the ids it returned."""
    rows, next_cursor = page(session, filters, limit, cursor)
    records = [serialise(row) for row in rows]
    journal.record_access(session, reader, endpoint, filters=filters.as_json(),
                          record_ids=[record["id"] for record in records])
    return records, next_cursor


def open_record(
    session: Session, reader: Reader, interaction_id: str, *, endpoint: str,
    decisions: tuple[str, ...] = (),
) -> Interaction | None:
    """One record (among ``decisions`` if given), journaled; ``None`` when there is none."""
    if not is_record_id(interaction_id):  # a NUL or 3,000 characters: no such record
        return None
    row = session.get(Interaction, interaction_id)
    if row is None or (decisions and row.decision not in decisions):
        return None
    journal.record_access(session, reader, endpoint, record_ids=[row.id])
    return row


def export(
    engine: Engine, session: Session, reader: Reader, filters: InteractionFilter, fmt: str,
    *, endpoint: str,
) -> Iterator[bytes]:
    """Every matching record, oldest first, as ``fmt`` bytes (CSV cells made safe).

    The journal entry (filters, format, count) is added to ``session``, which the caller
    commits before sending the first byte; the records are then streamed on a connection
    of their own, in batches.
    """
    count = session.scalar(
        select(func.count()).select_from(Interaction).where(*filters.clauses())
    ) or 0
    journal.record_access(session, reader, endpoint,
                          filters={**filters.as_json(), "format": fmt}, record_count=count)
    return encoded(iter_records(engine, filters=filters), fmt)

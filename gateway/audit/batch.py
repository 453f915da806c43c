"""What one group commit of the interaction log holds, and the transaction that writes it.

Shared by the two ways :class:`gateway.audit.writer.AuditWriter` writes: on the event loop
(SQLite) and on its thread (PostgreSQL, and every retry).
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, column, insert, table, update
from sqlalchemy import Update as UpdateStatement

from gateway.audit.integrity import chain_finished
from gateway.audit.models import PENDING, Interaction
from gateway.db.base import UTCDateTime

_TABLE = cast(Table, Interaction.__table__)
_INSERT = insert(_TABLE)
# Each group commit also notes when the keys it saw were last used (one write per batch, not
# per request). The key table is named by its two columns here, not imported: the auth
# package sits above the log (it chains its key events into it).
_KEYS = table("api_keys", column("id"), column("last_used_at", UTCDateTime()))
_TOUCH = update(_KEYS).where(_KEYS.c.id == bindparam("_key")).values(
    last_used_at=bindparam("_when"))


@functools.lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> UpdateStatement:
    return (
        update(_TABLE)
        # A chained record is final: a late completion (retried after its record was marked
        # interrupted and chained) must not break the chain.
        .where(_TABLE.c.id == bindparam("_id"), _TABLE.c.seq.is_(None))
        .values({name: bindparam(name) for name in columns})
    )


@dataclass
class Insert:
    """A new record; its request awaits ``future`` before forwarding anything."""

    row: dict[str, Any]
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


@dataclass
class Update:
    """The completion of a record; nobody waits for it, it is retried until written."""

    record_id: str
    values: dict[str, Any]
    attempts: int = 0
    # The record as it stood before, when sealed (gateway/audit/seal.py): a refused
    # completion's minimal form is sealed again against it.
    base: dict[str, Any] | None = None


@dataclass
class Barrier:
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


@dataclass
class Batch:
    inserts: list[Insert] = field(default_factory=list)
    updates: list[Update] = field(default_factory=list)
    touches: dict[str, datetime] = field(default_factory=dict)
    barriers: list[Barrier] = field(default_factory=list)
    stop: bool = False

    def has_writes(self) -> bool:
        return bool(self.inserts or self.updates or self.touches)

    def finishes(self) -> bool:
        """Whether the batch makes any record final (and so has links to add)."""
        return any(item.row.get("state", PENDING) != PENDING for item in self.inserts) or any(
            item.values.get("state", PENDING) != PENDING for item in self.updates
        )


def resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    """Settle a waiting request's future, on its loop's thread."""
    if future.done():  # the request went away while it waited
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


def insert_rows(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """Rows with the same columns as one INSERT statement, atomic without a transaction.

    The engine must send an executemany as one multi-row INSERT (``insertmanyvalues``, see
    :func:`gateway.db.engine.build_log_engine`), and ``rows`` fit in one page of it.
    """
    connection.execute(_INSERT, rows)


def commit_batch(
    connection: Connection, inserts: list[Insert], updates: list[Update],
    touches: dict[str, datetime], *, chain: bool = False,
) -> None:
    """Write a batch in one transaction; raises the driver's error (nothing is written)."""
    with connection.begin():
        # executemany compiles its statement from the first row's keys and silently drops
        # other rows' extra keys: one statement per set of columns. Records begun and
        # records refused (more columns) share a batch.
        rows: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for insert_item in inserts:
            rows[tuple(sorted(insert_item.row))].append(insert_item.row)
        for same_columns in rows.values():
            connection.execute(_INSERT, same_columns)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for item in updates:
            groups[tuple(sorted(item.values))].append({"_id": item.record_id, **item.values})
        for columns, params in groups.items():
            connection.execute(_update_statement(columns), params)
        if touches:
            connection.execute(_TOUCH, [{"_key": key, "_when": when}
                                        for key, when in touches.items()])
        if chain:
            chain_finished(connection)

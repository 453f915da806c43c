"""What one group commit of the interaction log holds, and the transaction that writes it.

Shared by the two ways :class:`gateway.audit.writer.AuditWriter` writes: on the event loop
(SQLite) and on its thread (PostgreSQL, and every retry).
"""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    Connection,
    Dialect,
    Table,
    bindparam,
    column,
    insert,
    table,
    update,
)
from sqlalchemy import Update as UpdateStatement
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault

from gateway.audit import json_rows, subjects
from gateway.audit.integrity import INTERACTIONS, chain_finished, link_of, lock_head, set_head
from gateway.audit.models import PENDING, Interaction
from gateway.db.base import UTCDateTime
from gateway.db.direct import DirectStatement

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


@functools.lru_cache(maxsize=64)
def _direct(kind: str, columns: tuple[str, ...], dialect: Dialect) -> DirectStatement:
    """SQLite: the group commit's statements on the driver's cursor (gateway.db.direct)."""
    if kind == "insert":
        return DirectStatement(_INSERT, dialect, columns)
    if kind == "update":
        return DirectStatement(_update_statement(columns), dialect)
    return DirectStatement(_TOUCH, dialect)


def _execute_many(
    connection: Connection, kind: str, columns: tuple[str, ...], rows: list[dict[str, Any]],
) -> int:
    """One of the group commit's statements over ``rows``; the rows it changed."""
    if connection.dialect.name == "sqlite":
        if kind == "insert":
            # The defaults an ORM insert fills in (a state, empty rule and finding lists),
            # as plain values: the statement is compiled for exactly these columns.
            missing = {name: make() for name, make in _DEFAULTS.items() if name not in rows[0]}
            if missing:
                rows = [{**row, **missing} for row in rows]
                columns = tuple(sorted((*columns, *missing)))
        return _direct(kind, columns, connection.dialect).run(connection, rows)
    if kind == "update" and connection.dialect.name == "postgresql":
        # One statement for the group, not one per completion (gateway.audit.json_rows).
        names = ("_id", *columns)
        result = connection.exec_driver_sql(json_rows.update_sql(columns, connection.dialect),
                                            (json_rows.payload(rows, names),))
        return int(result.rowcount or 0)
    if kind == "insert":
        statement: Any = _INSERT
    elif kind == "update":
        statement = _update_statement(columns)
    else:
        statement = _TOUCH
    return int(connection.execute(statement, rows).rowcount or 0)


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
        """Whether the batch makes any record final. The chain step then due also links what
        the batch's own writes could not (see :func:`commit_batch`), and any other process's
        finished records: it finds nothing when every record was linked as it was written."""
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

    On PostgreSQL the rows travel as one JSON parameter (gateway.audit.json_rows).
    Elsewhere the engine must send an executemany as one multi-row INSERT
    (``insertmanyvalues``, see :func:`gateway.db.engine.build_log_engine`), and ``rows``
    fit in one page of it.
    """
    if connection.dialect.name != "postgresql":
        connection.execute(_INSERT, rows)
        return
    connection.exec_driver_sql(*json_insert(rows, connection.dialect))


def json_insert(rows: list[dict[str, Any]], dialect: Dialect) -> tuple[str, tuple[str]]:
    """PostgreSQL: the statement inserting ``rows`` (same columns) and its one parameter."""
    # The defaults an ORM insert fills in (a state, empty rule and finding lists).
    missing = {name: make() for name, make in _DEFAULTS.items() if name not in rows[0]}
    columns = (*rows[0], *missing)
    if missing:
        rows = [{**row, **missing} for row in rows]
    return json_rows.insert_sql(columns, dialect), (json_rows.payload(rows, columns),)


def _column_defaults() -> dict[str, Callable[[], Any]]:
    defaults: dict[str, Callable[[], Any]] = {}
    for col in _TABLE.columns:
        default = col.default
        if isinstance(default, ScalarElementColumnDefault):
            defaults[col.name] = functools.partial(lambda value: value, default.arg)
        elif isinstance(default, CallableColumnDefault):
            # The model's callables (list, dict) take no execution context.
            defaults[col.name] = functools.partial(default.arg, cast(Any, None))
    return defaults


_DEFAULTS = _column_defaults()


def commit_batch(
    connection: Connection, inserts: list[Insert], updates: list[Update],
    touches: dict[str, datetime], *, chain: bool = False, link: bool = False,
) -> None:
    """Write a batch in one transaction; raises the driver's error (nothing is written).

    With ``link``, the records the batch makes final are linked to the integrity chain by
    the same writes, from the values the writer holds (a final insert carries its links; a
    completion sets its outcome and its links in one ``UPDATE``).
    Linking them afterwards, as :func:`chain_finished` does, read every record back and
    wrote it a third time: ~10 % of the gateway's time under load (bench/README.md). A
    record whose values are not all in hand (completed by another process, or without
    seals) is left to :func:`chain_finished`.
    """
    if link:
        try:
            _commit(connection, inserts, updates, touches, chain=chain, link=True)
            return
        except _LinkRace:  # rolled back: written again, linked by the next chain step
            pass
    _commit(connection, inserts, updates, touches, chain=chain, link=False)


class _LinkRace(Exception):
    """A completion linked in place found its record already chained (a crash sweep's mark
    linked meanwhile): its seq would leave a gap, so the batch is written again unlinked."""


# Columns with a default the insert fills in: a record linked from memory must hold them.
_REQUIRED = ("id", "created_at", "state", "user_email", "rule_ids", "pii_findings", "stream")


def _commit(
    connection: Connection, inserts: list[Insert], updates: list[Update],
    touches: dict[str, datetime], *, chain: bool, link: bool,
) -> None:
    with connection.begin():
        rows = [item.row for item in inserts]
        params = [{"_id": item.record_id, **item.values} for item in updates]
        # The head as this transaction left it, when it locked it already.
        head = _link(connection, inserts, updates, rows, params) if link else None
        # executemany compiles its statement from the first row's keys and silently drops
        # other rows' extra keys: one statement per set of columns. Records begun and
        # records refused (more columns) share a batch.
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for row in rows:
            by_columns[tuple(sorted(row))].append(row)
        for columns, same_columns in by_columns.items():
            _execute_many(connection, "insert", columns, same_columns)
        for columns, group in _update_groups(params):
            changed = _execute_many(connection, "update", columns, group)
            if "seq" in columns and changed != len(group):
                raise _LinkRace
        if touches:
            _execute_many(connection, "touch", (), [{"_key": key, "_when": when}
                                                    for key, when in touches.items()])
        if chain:
            chain_finished(connection, head=head)


def _update_groups(
    params: list[dict[str, Any]],
) -> list[tuple[tuple[str, ...], list[dict[str, Any]]]]:
    """The updates as executemany groups of the same columns, a record's writes in their
    order: its second write (a completion after a fallback's amendment) goes to a later
    group, or the completion, which links the record, would shut the amendment out."""
    waves: list[dict[tuple[str, ...], list[dict[str, Any]]]] = []
    writes: dict[str, int] = defaultdict(int)
    for values in params:
        wave = writes[values["_id"]]
        writes[values["_id"]] += 1
        if wave == len(waves):
            waves.append(defaultdict(list))
        waves[wave][tuple(sorted(name for name in values if name != "_id"))].append(values)
    return [group for wave in waves for group in wave.items()]


def _link(
    connection: Connection, inserts: list[Insert], updates: list[Update],
    rows: list[dict[str, Any]], params: list[dict[str, Any]],
) -> tuple[int, str] | None:
    """Add the links of the batch's final records to ``rows`` and ``params`` (in place),
    after the chain's head, which stays locked until the transaction ends; returns the
    head as left (None when nothing was linked, and the head not locked)."""
    final: list[tuple[int, dict[str, Any]]] = []
    for index, item in enumerate(inserts):
        if _linkable(item.row):
            final.append((index, item.row))
    for index, update_item in enumerate(updates):
        if update_item.base is not None:
            merged = {**update_item.base, **update_item.values}
            if _linkable(merged):
                final.append((len(inserts) + index, merged))
    if not final:
        return None
    head = lock_head(connection, INTERACTIONS)
    people = subjects.subjects_for(connection, {values["user_email"] for _, values in final})
    seq, prev = int(head["seq"]), str(head["hash"])
    for index, values in final:
        seq += 1
        links = link_of(people[values["user_email"]], seq, prev, values)
        prev = links["hash"]
        if index < len(inserts):
            rows[index] = {**rows[index], **links}
        else:
            params[index - len(inserts)].update(links)
    set_head(connection, INTERACTIONS, seq, prev)
    return seq, prev


def _linkable(values: dict[str, Any]) -> bool:
    return values.get("state", PENDING) != PENDING and all(
        name in values for name in _REQUIRED)

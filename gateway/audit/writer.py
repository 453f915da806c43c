"""Group commit of the interaction log, on one writer thread.

Requests hand their writes to a queue; the writer drains whatever has accumulated and
commits it in one transaction, so concurrent requests share the cost of a commit. An
*insert* is awaited by its request (the record must be durable before anything is
forwarded); *updates* completing a record are not, so the answer is not delayed by them,
and an update that fails is retried with the next batches instead of being lost.

Finished records are linked to the integrity chain
(:func:`gateway.audit.integrity.chain_finished`) at most every ``CHAIN_INTERVAL_S``, in the
group commit that is due then or in a transaction of its own when no other write comes:
linking reads the batch back, hashes it and locks the chain head, and doing that on every
commit made the next request's awaited insert wait behind it (bench/). A record is therefore
final within a quarter of a second of its answer and chained shortly after; ``verify``
counts the finished records still waiting. A completion never rewrites a chained record.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import queue
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, Update, bindparam, insert, update

from gateway.audit.integrity import chain_finished
from gateway.audit.models import PENDING, Interaction
from gateway.auth.keys import touch_keys
from gateway.metrics import Metrics

logger = logging.getLogger(__name__)

_TABLE = cast(Table, Interaction.__table__)
_INSERT = insert(_TABLE)


@functools.lru_cache(maxsize=64)
def _update_statement(columns: tuple[str, ...]) -> Update:
    return (
        update(_TABLE)
        # A chained record is final: a late completion (retried after its record was marked
        # interrupted and chained) must not break the chain.
        .where(_TABLE.c.id == bindparam("_id"), _TABLE.c.seq.is_(None))
        .values({name: bindparam(name) for name in columns})
    )


CHAIN_INTERVAL_S = 0.25
_MAX_UPDATE_ATTEMPTS = 600  # about ten minutes of retries at one batch a second


@dataclass
class _Insert:
    row: dict[str, Any]
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


@dataclass
class _Update:
    record_id: str
    values: dict[str, Any]
    attempts: int = 0


@dataclass
class _Barrier:
    future: asyncio.Future[None]
    loop: asyncio.AbstractEventLoop


@dataclass
class _Batch:
    inserts: list[_Insert] = field(default_factory=list)
    updates: list[_Update] = field(default_factory=list)
    touches: dict[str, datetime] = field(default_factory=dict)
    barriers: list[_Barrier] = field(default_factory=list)
    stop: bool = False


_STOP = object()


def _finishes(inserts: list[_Insert], updates: list[_Update]) -> bool:
    """Whether a batch makes any record final (and so has links to add)."""
    return any(item.row.get("state", PENDING) != PENDING for item in inserts) or any(
        item.values.get("state", PENDING) != PENDING for item in updates
    )


def _resolve(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the request went away while it waited
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)


class AuditWriter:
    """The single writer of interaction records for this process."""

    def __init__(self, engine: Engine, metrics: Metrics, batch_max: int = 512) -> None:
        self._engine = engine
        self._metrics = metrics
        self._batch_max = batch_max
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._retry: list[_Update] = []
        self._conn: Connection | None = None
        # Finished records not yet linked, and when the chain was last extended.
        self._unchained = False
        self._last_chain = 0.0
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread.start()

    async def insert(self, row: dict[str, Any]) -> None:
        """Commit a new record; raises the database error if it could not be written."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Insert(row, future, loop))
        await future

    def update(self, record_id: str, values: dict[str, Any]) -> None:
        """Complete a record later, in the next group commit."""
        self._queue.put(_Update(record_id, values))

    def touch_key(self, key_id: str, when: datetime) -> None:
        self._queue.put(("touch", key_id, when))

    async def flush(self) -> None:
        """Wait until everything queued before this call is committed (or given up)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.put(_Barrier(future, loop))
        await future

    def queue_depth(self) -> int:
        return self._queue.qsize()

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued, then end the thread."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    # -- writer thread ---------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._wait_timeout())
            except queue.Empty:
                first = None
            batch = self._collect(first)
            self._write(batch)
            for barrier in batch.barriers:
                barrier.loop.call_soon_threadsafe(_resolve, barrier.future, None)
            if batch.stop:
                self._drop_connection()
                return

    def _wait_timeout(self) -> float | None:
        """How long to wait for work: wake up for pending retries or a due chain link."""
        waits = [1.0] if self._retry else []
        if self._unchained:
            waits.append(max(0.0, CHAIN_INTERVAL_S - (time.monotonic() - self._last_chain)))
        return min(waits) if waits else None

    def _collect(self, first: object) -> _Batch:
        batch = _Batch(updates=self._retry)
        self._retry = []
        if first is None:
            return batch
        item: object = first
        count = 0
        while True:
            if item is _STOP:
                batch.stop = True
            elif isinstance(item, _Insert):
                batch.inserts.append(item)
            elif isinstance(item, _Update):
                batch.updates.append(item)
            elif isinstance(item, _Barrier):
                batch.barriers.append(item)
            elif isinstance(item, tuple):
                batch.touches[item[1]] = item[2]
            count += 1
            if count >= self._batch_max:
                break
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
        self._metrics.audit_queue.set(self._queue.qsize())
        return batch

    def _chain_due(self, batch: _Batch) -> bool:
        # A flush (barrier) or a stop links everything now: callers wait for a full chain.
        return (
            batch.stop or bool(batch.barriers)
            or time.monotonic() - self._last_chain >= CHAIN_INTERVAL_S
        )

    def _chain_now(self) -> None:
        """Link finished records in a transaction of their own."""
        connection = self._connection()
        try:
            with connection.begin():
                chain_finished(connection)
        except Exception as exc:
            self._drop_connection()
            logger.error("linking records to the integrity chain failed: %s",
                         type(exc).__name__)
            return
        self._unchained = False
        self._last_chain = time.monotonic()

    def _write(self, batch: _Batch) -> None:
        due = self._chain_due(batch)
        if not (batch.inserts or batch.updates or batch.touches):
            if self._unchained and due:
                self._chain_now()
            return
        started = time.perf_counter()
        try:
            finished = _finishes(batch.inserts, batch.updates) or self._unchained
            self._commit(batch.inserts, batch.updates, batch.touches, chain=finished and due)
            if finished:
                self._unchained = not due
                if due:
                    self._last_chain = time.monotonic()
        except Exception as exc:  # any driver error: isolate the culprit below
            self._metrics.audit_failures.inc()
            self.last_error = f"{type(exc).__name__}: {exc}"[:500]
            logger.error("interaction log write failed: %s", self.last_error)
            self._write_one_by_one(batch)
        else:
            self.last_error = None
            for item in batch.inserts:
                item.loop.call_soon_threadsafe(_resolve, item.future, None)
        self._metrics.audit_commit.observe(time.perf_counter() - started)
        self._metrics.audit_batch.observe(len(batch.inserts) + len(batch.updates))

    def _commit(
        self, inserts: list[_Insert], updates: list[_Update], touches: dict[str, datetime],
        *, chain: bool = False,
    ) -> None:
        connection = self._connection()
        try:
            with connection.begin():
                # executemany compiles its statement from the first row's keys and silently
                # drops other rows' extra keys: one statement per set of columns. Records
                # begun and records refused (more columns) share a batch.
                rows: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
                for insert_item in inserts:
                    rows[tuple(sorted(insert_item.row))].append(insert_item.row)
                for same_columns in rows.values():
                    connection.execute(_INSERT, same_columns)
                groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
                for item in updates:
                    groups[tuple(sorted(item.values))].append(
                        {"_id": item.record_id, **item.values}
                    )
                for columns, params in groups.items():
                    connection.execute(_update_statement(columns), params)
                if touches:
                    touch_keys(connection, dict(touches))
                if chain:
                    chain_finished(connection)
        except Exception:
            # The connection may be broken (database restarted): open a fresh one next time.
            self._drop_connection()
            raise

    def _connection(self) -> Connection:
        # One connection kept by the writer thread: a group commit then costs a round trip,
        # not a pool checkout and an ORM session.
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            self._conn = self._engine.connect()
        return self._conn

    def _drop_connection(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # already unusable: nothing more to release
                logger.debug("closing a broken log connection failed", exc_info=True)
            self._conn = None

    def _write_one_by_one(self, batch: _Batch) -> None:
        # Whatever got written is linked by the next due chain step.
        self._unchained = True
        for item in batch.inserts:
            try:
                self._commit([item], [], {})
            except Exception as exc:
                item.loop.call_soon_threadsafe(_resolve, item.future, exc)
            else:
                item.loop.call_soon_threadsafe(_resolve, item.future, None)
        for update_item in batch.updates:
            try:
                self._commit([], [update_item], {})
            except Exception:
                update_item.attempts += 1
                if update_item.attempts < _MAX_UPDATE_ATTEMPTS:
                    self._retry.append(update_item)
                else:
                    logger.error("gave up completing interaction %s", update_item.record_id)
        if self._retry:
            # Do not spin on a database that is down: wait before the next attempt.
            time.sleep(1.0)

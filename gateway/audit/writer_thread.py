"""The interaction log's writer thread, and the kept connection it writes on.

:class:`gateway.audit.writer.AuditWriter` hands it what the event loop cannot or should not
write: every batch when no loop-side path exists (PostgreSQL without the async engine:
tools, tests), whatever failed on the loop (a lock held by another process, a refusing
trigger, a server gone), and, on PostgreSQL, the integrity chain steps. It waits, retries,
isolates the write that fails, and settles each insert's future on its request's loop.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import Connection, Engine

from gateway.audit.batch import Barrier, Batch, Insert, Update, commit_batch, resolve
from gateway.audit.integrity import chain_finished
from gateway.audit.models import PENDING
from gateway.audit.refusal import RecordRefused, is_refusal, minimal_row, minimal_update
from gateway.audit.seal import Sealer
from gateway.metrics import Metrics

logger = logging.getLogger(__name__)

CHAIN_INTERVAL_S = 0.25
_MAX_UPDATE_ATTEMPTS = 600  # about ten minutes of retries at one batch a second

_STOP = object()
_CHAIN = object()  # "records were finished outside the thread: link them when due"


class Link:
    """A kept connection, reopened after a failure (the database may have restarted)."""

    def __init__(
        self, engine: Engine, setup: Sequence[str] = (), *, relaxed_chain: bool = False,
    ) -> None:
        self._engine = engine
        self._setup = setup
        # PostgreSQL: a lost link is redone by the next step, it need not wait for the disk.
        self._relaxed_chain = relaxed_chain
        self._conn: Connection | None = None

    def get(self) -> Connection:
        # One kept connection: a group commit then costs a commit, not a pool checkout.
        if self._conn is None or self._conn.closed or self._conn.invalidated:
            conn = self._engine.connect()
            if self._setup:
                with conn.begin():
                    for statement in self._setup:
                        conn.exec_driver_sql(statement)
            self._conn = conn
        return self._conn

    def chain(self) -> None:
        """Link finished records in a transaction of their own; drops the link on failure."""
        connection = self.get()
        try:
            with connection.begin():
                if self._relaxed_chain:
                    connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
                chain_finished(connection)
        except Exception:
            self.drop()
            raise

    def drop(self) -> None:
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:  # already unusable: nothing more to release
                logger.debug("closing a broken log connection failed", exc_info=True)
            self._conn = None



class WriterThread:
    """One thread writing batches from a queue; see the module's docstring."""

    def __init__(
        self, engine: Engine, metrics: Metrics, batch_max: int, *,
        settled: Callable[[Insert, BaseException | None], None],
        report: Callable[[str | None], None],
        relaxed_chain: bool = False, sealer: Sealer | None = None,
    ) -> None:
        self._metrics = metrics
        self._sealer = sealer
        self._batch_max = batch_max
        self._settled = settled  # called on the insert's loop once it is written or refused
        self._report = report  # the last write's error, None once a write succeeds
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._retry: list[Update] = []
        self._link = Link(engine, relaxed_chain=relaxed_chain)
        # Finished records not yet linked, and when the chain was last extended.
        self._unchained = False
        self._last_chain = 0.0
        self._thread = threading.Thread(target=self._run, name="audit-writer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def put(self, item: Insert | Update) -> None:
        self._queue.put(item)

    def touch(self, key_id: str, when: datetime) -> None:
        self._queue.put(("touch", key_id, when))

    def hand_over(self, batch: Batch) -> None:
        """Take a batch the loop could not write, in its order."""
        for insert_item in batch.inserts:
            self._queue.put(insert_item)
        for update_item in batch.updates:
            self._queue.put(update_item)
        for key_id, when in batch.touches.items():
            self.touch(key_id, when)

    def request_chain(self) -> None:
        """Records were finished outside the thread: link them when due."""
        self._queue.put(_CHAIN)

    def barrier(self, future: asyncio.Future[None], loop: asyncio.AbstractEventLoop) -> None:
        """Settle ``future`` once everything queued before is written (and chained)."""
        self._queue.put(Barrier(future, loop))

    def qsize(self) -> int:
        return self._queue.qsize()

    def stop(self, timeout: float) -> None:
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                first = self._queue.get(timeout=self._wait_timeout())
            except queue.Empty:
                first = None
            batch = self._collect(first)
            self._write(batch)
            for barrier in batch.barriers:
                barrier.loop.call_soon_threadsafe(resolve, barrier.future, None)
            if batch.stop:
                self._link.drop()
                return

    def _wait_timeout(self) -> float | None:
        """How long to wait for work: wake up for pending retries or a due chain link."""
        waits = [1.0] if self._retry else []
        if self._unchained:
            waits.append(max(0.0, CHAIN_INTERVAL_S - (time.monotonic() - self._last_chain)))
        return min(waits) if waits else None

    def _collect(self, first: object) -> Batch:
        batch = Batch(updates=self._retry)
        self._retry = []
        if first is None:
            return batch
        item: object = first
        count = 0
        while True:
            if item is _STOP:
                batch.stop = True
            elif item is _CHAIN:
                self._unchained = True
            elif isinstance(item, Insert):
                batch.inserts.append(item)
            elif isinstance(item, Update):
                batch.updates.append(item)
            elif isinstance(item, Barrier):
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

    def _chain_due(self, batch: Batch) -> bool:
        # A flush (barrier) or a stop links everything now: callers wait for a full chain.
        return (
            batch.stop or bool(batch.barriers)
            or time.monotonic() - self._last_chain >= CHAIN_INTERVAL_S
        )

    def _chain_now(self) -> None:
        """Link finished records in a transaction of their own."""
        try:
            self._link.chain()
        except Exception as exc:
            logger.error("linking records to the integrity chain failed: %s",
                         type(exc).__name__)
            return
        self._unchained = False
        self._last_chain = time.monotonic()

    def _write(self, batch: Batch) -> None:
        due = self._chain_due(batch)
        if not batch.has_writes():
            if self._unchained and due:
                self._chain_now()
            return
        started = time.perf_counter()
        try:
            finished = batch.finishes() or self._unchained
            self._commit(batch.inserts, batch.updates, batch.touches, chain=finished and due)
            if finished:
                self._unchained = not due
                if due:
                    self._last_chain = time.monotonic()
        except Exception as exc:  # any driver error: isolate the culprit below
            self._metrics.audit_failures.inc()
            logger.error("interaction log write failed: %s", _describe(exc))
            outage = self._write_one_by_one(batch)
            # Refused values were isolated and recorded in their minimal form: the log works.
            self._report(_describe(outage) if outage is not None else None)
            if due:  # what did get written is linked now, whatever failed beside it
                self._chain_now()
        else:
            self._report(None)
            for item in batch.inserts:
                item.loop.call_soon_threadsafe(self._settled, item, None)
        self._metrics.audit_commit.observe(time.perf_counter() - started)
        self._metrics.audit_batch.observe(len(batch.inserts) + len(batch.updates))

    def _commit(
        self, inserts: list[Insert], updates: list[Update], touches: dict[str, datetime],
        *, chain: bool = False,
    ) -> None:
        try:
            commit_batch(self._link.get(), inserts, updates, touches, chain=chain)
        except Exception:
            # The connection may be broken (database restarted): open a fresh one next time.
            self._link.drop()
            raise

    def _write_one_by_one(self, batch: Batch) -> BaseException | None:
        """Each write alone; returns the last outage (a refusal is not one), if any."""
        # Whatever got written is linked by the next due chain step.
        self._unchained = True
        outage: BaseException | None = None
        for item in batch.inserts:
            error = self._insert_alone(item)
            if error is not None and not is_refusal(error):
                outage = error
        for update_item in batch.updates:
            try:
                self._commit([], [update_item], {})
            except Exception as exc:
                if is_refusal(exc):
                    self._refused_update(update_item, exc)
                    continue
                outage = exc
                update_item.attempts += 1
                if update_item.attempts < _MAX_UPDATE_ATTEMPTS:
                    self._retry.append(update_item)
                else:
                    logger.error("gave up completing interaction %s", update_item.record_id)
        if batch.touches:
            try:
                self._commit([], [], batch.touches)
            except Exception as exc:  # last-used times only: not worth a retry
                logger.warning("key last-used times not written: %s", type(exc).__name__)
        if self._retry and outage is not None:
            # Do not spin on a database that is down: wait before the next attempt.
            time.sleep(1.0)
        return outage

    def _insert_alone(self, item: Insert) -> BaseException | None:
        """Write one new record; a refused one is written in its minimal form instead."""
        try:
            self._commit([item], [], {})
        except Exception as exc:
            if not is_refusal(exc):
                item.loop.call_soon_threadsafe(self._settled, item, exc)
                return exc
            self._metrics.audit_refused.inc()
            logger.error("interaction %s refused by the database (%s): kept in minimal form",
                         item.row.get("id"), type(exc).__name__)
            pending = item.row.get("state", PENDING) == PENDING
            smallest = minimal_row(item.row, exc)
            if self._sealer is not None:
                smallest = self._sealer.seal_insert(smallest)
            minimal = Insert(smallest, item.future, item.loop)
            try:
                self._commit([minimal], [], {})
            except Exception as again:
                logger.error("interaction %s not recorded: %s", item.row.get("id"),
                             type(again).__name__)
                item.loop.call_soon_threadsafe(self._settled, item, again)
                return again
            # A request whose record was refused is not forwarded: it gets the 503 recorded.
            error = RecordRefused(type(exc).__name__) if pending else None
            item.loop.call_soon_threadsafe(self._settled, item, error)
            return exc
        item.loop.call_soon_threadsafe(self._settled, item, None)
        return None

    def _refused_update(self, item: Update, exc: BaseException) -> None:
        """A completion the database refuses is never retried: its minimal form, once."""
        self._metrics.audit_refused.inc()
        logger.error("completion of interaction %s refused by the database (%s): kept in "
                     "minimal form", item.record_id, type(exc).__name__)
        minimal = minimal_update(item.values, exc)
        if self._sealer is not None and item.base is not None:
            minimal = self._sealer.seal_change(item.base, minimal)[1]
        try:
            self._commit([], [Update(item.record_id, minimal)], {})
        except Exception as again:  # left pending: the next start marks it interrupted
            logger.error("gave up completing interaction %s: %s", item.record_id,
                         type(again).__name__)


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]

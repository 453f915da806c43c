"""Group commit of the interaction log: on the event loop, on a thread when the loop cannot.

Requests hand their writes to the writer, which commits whatever has accumulated in one
transaction, so concurrent requests share the cost of a commit. An *insert* is awaited by
its request (the record must be durable before anything is forwarded); *updates* completing
a record are not, so the answer is not delayed by them, and an update that fails is retried
with the next batches instead of being lost.

Where the batch is written depends on the database:

* **SQLite** (a local file, a commit costs tens of microseconds): on the event loop, at the
  end of the loop iteration in which the first write of the batch arrived (every request
  handled in that iteration joins it). Handing the batch to a thread instead cost two thread
  wake-ups per request and, worse, the writer thread had to win the GIL back from the busy
  loop after each SQLite call: it was most of the gateway's added latency (bench/README.md).
  The loop's connection never waits for a lock (``busy_timeout=0``): when another process
  holds the database, or anything else goes wrong, the batch goes to the writer thread
  (:mod:`gateway.audit.writer_thread`), which waits, retries and isolates the culprit; the
  loop never blocks on it.
* **PostgreSQL**: a commit is a network round trip, which must never block the loop: with
  the async engine the application builds (:func:`gateway.db.engine.build_log_engine`),
  batches are committed on the loop by two :class:`gateway.audit.log_stream.LogStream`,
  one for new records and one for completions, each a kept async connection that commits
  whatever gathered while its previous commit was on the way (new records in autocommit,
  one multi-row INSERT per group: one round trip). A failed commit goes to the
  thread as above, and the loop leaves the log to the thread for a second
  (``_LOOP_PAUSE_S``) instead of trying a dead server with every request. Completions,
  key touches and chain links do not wait for the disk unless ``pg_synchronous_commit``
  says "on" (:class:`gateway.settings.Settings`): losing one in a database crash leaves a
  record pending, marked interrupted at restart, never a record missing. Without the
  async engine (tools, tests) the thread writes every batch.

Finished records are linked to the integrity chain at most every ``CHAIN_INTERVAL_S``, and
the completions themselves wait for that step (on PostgreSQL, the completions stream
lingers that long): every completion of the last quarter of a second is written with its
link in one ``UPDATE`` each, in one transaction (:func:`gateway.audit.batch.commit_batch`
with ``link``), which then links any other finished record
(:func:`gateway.audit.integrity.chain_finished`). Written at once, each completion cost a
transaction of its own at low concurrency; linking on every commit made the next request's
awaited insert wait behind it; and linking apart read every record back and wrote it a
third time (bench/). A record is therefore final and chained within a quarter of a second
of its answer; ``verify`` counts the finished records still waiting. A completion never
rewrites a chained record.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit.batch import Batch, Insert, Update, commit_batch, resolve
from gateway.audit.log_stream import LogStream
from gateway.audit.refusal import is_refusal
from gateway.audit.seal import RecordSeals, Sealer
from gateway.audit.storable import storable_values
from gateway.audit.writer_thread import CHAIN_INTERVAL_S, Link, WriterThread
from gateway.metrics import Metrics

logger = logging.getLogger(__name__)

_LOOP_PAUSE_S = 1.0


class AuditWriter:
    """The single writer of interaction records for this process."""

    def __init__(
        self, engine: Engine, metrics: Metrics, batch_max: int = 512, *,
        on_loop: bool | None = None, log_engine: AsyncEngine | None = None,
        synchronous_commit: str = "records", sealer: Sealer | None = None,
    ) -> None:
        self._metrics = metrics
        # Seals each write under the server secret (gateway/audit/seal.py); tools and tests
        # that write without one leave their records unsealed.
        self._seals = RecordSeals(sealer) if sealer is not None else None
        self._batch_max = batch_max
        self.last_error: str | None = None
        self._thread = WriterThread(
            engine, metrics, batch_max, settled=self._settled, report=self._report,
            relaxed_chain=engine.dialect.name == "postgresql" and synchronous_commit != "on",
            sealer=sealer,
        )
        # When the loop last linked finished records (SQLite) or asked the thread to.
        self._last_chain = 0.0
        self.on_loop = engine.dialect.name == "sqlite" if on_loop is None else on_loop
        # SQLite: the loop never waits for a lock, nor for a WAL checkpoint's fsyncs (9-15 ms
        # about once a second under load, the p99 at concurrency 1): gateway.db.checkpoint.
        self._loop_link = Link(
            engine, ("PRAGMA busy_timeout = 0", "PRAGMA wal_autocheckpoint = 0")
            if engine.dialect.name == "sqlite" else ("PRAGMA busy_timeout = 0",),
        )
        self._staged = Batch()
        # SQLite: completions and key touches, written with their links every chain step.
        self._later = Batch()
        self._flush_scheduled = False
        self._chain_timer: asyncio.TimerHandle | None = None
        self._streams: tuple[LogStream, LogStream] | None = None
        # Completions of records whose insert is not committed yet (it outlived its
        # request's wait): held back so the other stream cannot apply them first.
        self._held: dict[str, list[Update]] = {}
        self._loop_paused_until = 0.0
        if log_engine is not None:
            self.on_loop = True
            self._streams = (
                self._stream(log_engine, "off" if synchronous_commit == "off" else "on",
                             records=True),
                self._stream(log_engine, "on" if synchronous_commit == "on" else "off",
                             records=False),
            )

    def start(self) -> None:
        self._thread.start()

    async def insert(self, row: dict[str, Any]) -> None:
        """Commit a new record; raises the database error if it could not be written."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        stored = storable_values(row)
        item = Insert(self._seals.insert(stored) if self._seals else stored, future, loop)
        if self.on_loop:
            self._records().inserts.append(item)
            if self._streams is not None:
                self._held[row["id"]] = []
            self._schedule_flush(loop)
        else:
            self._thread.put(item)
        await future

    def update(self, record_id: str, values: dict[str, Any]) -> None:
        """Complete a record later, in the next group commit."""
        stored = storable_values(values)
        item = (self._seals.update(record_id, stored) if self._seals
                else Update(record_id, stored))
        loop = self._loop_here()
        if loop is not None:
            held = self._held.get(record_id)
            if held is not None:
                held.append(item)
                return
            self._completions().updates.append(item)
            self._schedule_completions(loop)
        else:
            self._thread.put(item)

    def touch_key(self, key_id: str, when: datetime) -> None:
        loop = self._loop_here()
        if loop is not None:
            self._completions().touches[key_id] = when
            self._schedule_completions(loop)
        else:
            self._thread.touch(key_id, when)

    async def flush(self) -> None:
        """Wait until everything handed over before this call is committed (or given up)."""
        if self.on_loop:
            self._flush_staged()
            for stream in self._streams or ():
                await stream.settle()
            self._chain_on_loop()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._thread.barrier(future, loop)
        await future

    def queue_depth(self) -> int:
        staged = sum(stream.pending() for stream in self._streams or ())
        return (
            self._thread.qsize() + len(self._staged.inserts) + len(self._staged.updates) + staged
            + len(self._later.updates)
        )

    async def aclose(self) -> None:
        """Commit what is staged on the loop, close its connections, then :meth:`stop`."""
        for stream in self._streams or ():
            try:
                await stream.close()
            except Exception as exc:  # whatever is left is handed to the thread by stop()
                logger.error("closing the log connection failed: %s", type(exc).__name__)
        self.stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is waiting, then end the thread."""
        for stream in self._streams or ():
            self._thread.hand_over(stream.staged)
            stream.staged = Batch()
        for held in self._held.values():  # after their inserts, in the thread's queue
            self._thread.hand_over(Batch(updates=held))
        self._held.clear()
        if self.on_loop:
            self._flush_staged()
            self._chain_on_loop()
            self._loop_link.drop()
        self._thread.stop(timeout)

    # -- on the event loop (SQLite) --------------------------------------------------------

    def _loop_here(self) -> asyncio.AbstractEventLoop | None:
        if not self.on_loop:
            return None
        try:
            return asyncio.get_running_loop()
        except RuntimeError:  # called off the loop: the thread takes it
            return None

    def _schedule_flush(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._flush_scheduled:
            self._flush_scheduled = True
            # Runs after the callbacks already ready: the requests handled in this loop
            # iteration share the commit.
            loop.call_soon(self._flush_staged)

    def _schedule_completions(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._streams is not None:
            self._schedule_flush(loop)
        elif len(self._later.updates) >= self._batch_max:
            if self._chain_timer is not None:
                self._chain_timer.cancel()
            self._chain_timer = loop.call_later(0, self._chain_on_loop)
        elif self._chain_timer is None:
            self._schedule_chain()

    def _records(self) -> Batch:
        return self._streams[0].staged if self._streams else self._staged

    def _completions(self) -> Batch:
        # SQLite: nobody waits for a completion, so it waits for the next chain step (a
        # quarter of a second at most) and is written with its link in one UPDATE, the
        # completions of that time in one transaction (see commit_batch). Written at once,
        # each cost a transaction of its own at low concurrency, and a second write and a
        # read-back when the chain step linked it.
        return self._streams[1].staged if self._streams else self._later

    def _flush_staged(self) -> None:
        if self._streams is not None:
            self._flush_streams(self._streams)
            return
        batch, self._staged = self._staged, Batch()
        self._flush_scheduled = False
        if not batch.has_writes():
            return
        started = time.perf_counter()
        try:
            commit_batch(self._loop_link.get(), batch.inserts, batch.updates, batch.touches,
                         link=True)
        except Exception as exc:  # locked by another process, refused, broken: the thread
            self._loop_link.drop()
            logger.debug("log write handed to the writer thread: %s", type(exc).__name__)
            self._thread.hand_over(batch)
            return
        self._committed_on_loop(batch, started)

    def _report(self, error: str | None) -> None:
        self.last_error = error

    def _settled(self, item: Insert, error: BaseException | None) -> None:
        """On the loop: an insert was committed or given up; release its completions."""
        resolve(item.future, error)
        held = self._held.pop(item.row["id"], None)
        if held:
            self._completions().updates.extend(held)
            self._schedule_flush(asyncio.get_running_loop())

    def _committed_on_loop(self, batch: Batch, started: float) -> None:
        self.last_error = None
        for item in batch.inserts:
            self._settled(item, None)
        self._metrics.audit_commit.observe(time.perf_counter() - started)
        self._metrics.audit_batch.observe(len(batch.inserts) + len(batch.updates))
        # A completions batch on PostgreSQL linked everything it could see already.
        if batch.finishes() and self._chain_timer is None and (
                batch.inserts or self._streams is None):
            self._schedule_chain()

    # -- on the event loop, async driver (PostgreSQL) --------------------------------------

    def _stream(
        self, engine: AsyncEngine, synchronous_commit: str, *, records: bool,
    ) -> LogStream:
        return LogStream(
            engine, f"SET synchronous_commit = {synchronous_commit}",
            self._committed_on_loop, self._stream_failed,
            records_only=records, linger=0.0 if records else CHAIN_INTERVAL_S,
            batch_max=self._batch_max, gate=self._room_for_completions if records else None,
            link=not records,
        )

    async def _room_for_completions(self) -> None:
        """New records wait while the completions are more than two batches behind."""
        assert self._streams is not None
        completions = self._streams[1]
        while completions.pending() > 2 * self._batch_max:
            await completions.progress()

    def _flush_streams(self, streams: tuple[LogStream, ...]) -> None:
        self._flush_scheduled = False
        if time.monotonic() < self._loop_paused_until:
            for stream in streams:
                self._thread.hand_over(stream.staged)
                stream.staged = Batch()
            return
        for stream in streams:
            stream.kick()

    def _stream_failed(self, batch: Batch, exc: BaseException) -> None:
        logger.debug("log write handed to the writer thread: %s", type(exc).__name__)
        if not is_refusal(exc):  # a refused value is the thread's to isolate, not an outage
            self._loop_paused_until = time.monotonic() + _LOOP_PAUSE_S
        self._thread.hand_over(batch)
        for stream in self._streams or ():
            self._thread.hand_over(stream.staged)
            stream.staged = Batch()

    def _schedule_chain(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # written while stopping, off the loop: linked right after
            return
        wait = max(0.0, CHAIN_INTERVAL_S - (time.monotonic() - self._last_chain))
        self._chain_timer = loop.call_later(wait, self._chain_on_loop)

    def _chain_on_loop(self) -> None:
        if self._chain_timer is not None:
            self._chain_timer.cancel()
            self._chain_timer = None
        if self._streams is not None:
            # The completions stream links what it writes, and any other finished record
            # with it (a refusal's record, inserted final); with none staged, the thread.
            completions = self._streams[1]
            if completions.staged.updates:
                completions.kick()
            else:
                self._thread.request_chain()
            self._last_chain = time.monotonic()
            return
        batch, self._later = self._later, Batch()
        started = time.perf_counter()
        try:
            # Key touches alone are no reason to link others' records (nothing finished).
            commit_batch(self._loop_link.get(), [], batch.updates, batch.touches,
                         chain=bool(batch.updates or not batch.touches), link=True)
        except Exception as exc:
            self._loop_link.drop()
            logger.debug("completions and links handed to the writer thread: %s",
                         type(exc).__name__)
            self._thread.hand_over(batch)
            self._thread.request_chain()
            return
        self._last_chain = time.monotonic()
        if batch.has_writes():
            self.last_error = None
            self._metrics.audit_commit.observe(time.perf_counter() - started)
            self._metrics.audit_batch.observe(len(batch.updates))

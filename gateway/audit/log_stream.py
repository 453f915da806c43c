"""Group commits of the interaction log on the event loop, through an async driver.

PostgreSQL only (SQLite commits through the sync engine on the loop, see
:mod:`gateway.audit.writer`). A stream owns one kept connection and writes its batches
one transaction at a time, in order: while a commit is on its way to the server, the
writes that arrive meanwhile gather into the next batch, so concurrent requests share a
commit without any thread, timer or hand-off. The writer keeps two streams, one for new
records (awaited by their requests) and one for completions, so that a record never waits
behind another record's completion, and so that each can have its own
``synchronous_commit``.

A transaction carries at most ``batch_max`` writes, and the writer makes new records wait
while the completions stream is behind (:meth:`AuditWriter._room_for_completions`): on a
saturated loop the awaited inserts would otherwise take every turn, and the completions
nobody waits for would pile up in memory without end (seen in a soak: +45 MB every 30 s).

New records go to the server on psycopg's own connection (the one SQLAlchemy opened, in
autocommit): through ``run_sync`` each group paid for a greenlet, an execution context
and SQLAlchemy's cursor wrapper around one statement whose SQL and parameter are already
final (gateway.audit.json_rows); its errors are raised as SQLAlchemy's, as before.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from gateway.audit.batch import Batch, Insert, commit_batch, json_insert

logger = logging.getLogger(__name__)


class LogStream:
    """Batches committed in order on one kept async connection."""

    def __init__(
        self, engine: AsyncEngine, setup: str,
        committed: Callable[[Batch, float], None],
        failed: Callable[[Batch, BaseException], None],
        *, linger: float = 0.0, records_only: bool = False, batch_max: int = 512,
        gate: Callable[[], Awaitable[None]] | None = None, link: bool = False,
    ) -> None:
        self._engine = engine
        self._setup = setup  # run once per connection (session settings)
        # Completions: nobody waits for them, so they wait a little for company.
        self._linger = linger
        # New records only: each set of columns is one multi-row INSERT in autocommit,
        # atomic and one round trip, instead of BEGIN, INSERT, COMMIT.
        self._records_only = records_only
        self._batch_max = batch_max
        self._gate = gate  # awaited before each commit (flow control, see the module doc)
        # Completions: written with their links, and any other finished record linked in the
        # same transaction (gateway.audit.batch.commit_batch).
        self._link = link
        self._in_flight = 0
        self._progress = asyncio.Event()
        self._committed = committed
        self._failed = failed
        self._conn: AsyncConnection | None = None
        self._conn_loop: asyncio.AbstractEventLoop | None = None
        # Set by close(): from then on each commit closes its connection after it.
        self._closed = False
        self._task: asyncio.Task[None] | None = None
        self.staged = Batch()

    def pending(self) -> int:
        """Writes staged or being committed."""
        return len(self.staged.inserts) + len(self.staged.updates) + self._in_flight

    async def progress(self) -> None:
        """Wait for the end of the next commit (or failure) of this stream."""
        self.kick()
        await self._progress.wait()

    def kick(self) -> None:
        """Start writing what is staged, unless a commit is already under way."""
        if self._task is None and self.staged.has_writes():
            self._task = asyncio.get_running_loop().create_task(self._drain())

    async def settle(self) -> None:
        """Wait until everything staged before this call is committed or handed over."""
        while self._task is not None or self.staged.has_writes():
            self.kick()
            if self._task is not None:
                # Shielded: a caller giving up (a readiness probe's timeout) must not cancel
                # the commit other requests are waiting for.
                await asyncio.shield(self._task)

    async def close(self) -> None:
        """Commit what is staged, then close the connection; a write staged later (a
        request ending during shutdown) is still committed, on a connection closed after."""
        self._closed = True
        try:
            await self.settle()
        finally:
            await self._drop()

    async def _drain(self) -> None:
        try:
            if self._linger:
                await asyncio.sleep(self._linger)
            while self.staged.has_writes():
                if self._gate is not None:
                    await self._gate()
                batch = self._take()
                if self._records_only:
                    for group in _by_columns(batch.inserts):
                        await self._commit(Batch(inserts=group))
                else:
                    await self._commit(batch)
        except asyncio.CancelledError:
            # The loop is ending (or the commit was cut mid-transaction): the connection
            # cannot be reused, and one left open is only closed by the garbage collector,
            # which cannot on an async driver (psycopg's ResourceWarning).
            await self._drop()
            raise
        finally:
            self._task = None
            if self._closed:
                await self._drop()

    def _take(self) -> Batch:
        """The next transaction's writes: the oldest staged, ``batch_max`` at most."""
        staged = self.staged
        if len(staged.inserts) + len(staged.updates) <= self._batch_max:
            self.staged = Batch()
            return staged
        inserts = min(len(staged.inserts), self._batch_max)
        updates = self._batch_max - inserts
        self.staged = Batch(inserts=staged.inserts[inserts:], updates=staged.updates[updates:])
        return Batch(inserts=staged.inserts[:inserts], updates=staged.updates[:updates],
                     touches=staged.touches)

    async def _commit(self, batch: Batch) -> None:
        started = time.perf_counter()
        self._in_flight = len(batch.inserts) + len(batch.updates)
        try:
            conn = await self._connection()
            if self._records_only:
                await insert_records(conn, [item.row for item in batch.inserts])
            else:
                await conn.run_sync(commit_batch, batch.inserts, batch.updates, batch.touches,
                                    link=self._link, chain=self._link and bool(batch.updates))
        except Exception as exc:  # refused, broken, server gone: the writer decides
            await self._drop()
            self._failed(batch, exc)
        else:
            self._committed(batch, started)
        finally:
            self._in_flight = 0
            progressed, self._progress = self._progress, asyncio.Event()
            progressed.set()

    async def _connection(self) -> AsyncConnection:
        loop = asyncio.get_running_loop()
        if self._conn is not None and (
            self._conn_loop is not loop or self._conn.closed or self._conn.invalidated
        ):
            # A connection opened on another loop cannot be used from this one.
            await self._drop()
        if self._conn is None:
            # Held from the start, so that a cancellation while it is set up closes it too.
            self._conn = await self._engine.connect()
            self._conn_loop = loop
            await self._conn.exec_driver_sql(self._setup)
            await self._conn.commit()
            if self._records_only:
                self._conn = await self._conn.execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    async def _drop(self) -> None:
        # Closed whichever loop opened it: psycopg's close is libpq's PQfinish, no I/O
        # through the loop (the log engine is always psycopg: gateway.settings maps
        # +asyncpg to it). One left to the garbage collector warns (ResourceWarning).
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.invalidate()
            await conn.close()
        except Exception:  # already unusable: nothing more to release
            logger.debug("closing a broken log connection failed", exc_info=True)


async def insert_records(conn: AsyncConnection, rows: list[dict[str, Any]]) -> None:
    """One group of new records in one statement on the driver's connection (autocommit:
    atomic, committed when it returns)."""
    dialect = conn.dialect
    sql, params = json_insert(rows, dialect)
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    try:
        await driver.execute(sql, params)
    except dialect.loaded_dbapi.Error as exc:
        # As SQLAlchemy would raise it (a refusal is told apart from an outage by its
        # class: gateway.audit.refusal), without the rows (they hold a record's content).
        raise DBAPIError.instance(sql, params, exc, dialect.loaded_dbapi.Error,
                                  hide_parameters=True, dialect=dialect) from exc


def _by_columns(inserts: list[Insert]) -> list[list[Insert]]:
    groups: dict[tuple[str, ...], list[Insert]] = {}
    for item in inserts:
        groups.setdefault(tuple(sorted(item.row)), []).append(item)
    return list(groups.values())

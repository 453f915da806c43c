"""Where counters live: Redis when ``GATEWAY_REDIS_URL`` is set, else the shared database.

Both write a whole batch (``gateway.limits.batcher``) in one round trip, atomically, so
several gateway processes (or hosts) on the same store see one count. Keys are written in
sorted order: two processes' transactions on PostgreSQL lock the same rows in the same
order and cannot deadlock.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Connection, Dialect, Engine, Table, bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.db.base import utcnow
from gateway.db.direct import DirectStatement
from gateway.limits.batcher import CounterBatcher, Increments
from gateway.limits.models import UsageCounter

logger = logging.getLogger(__name__)

_TABLE = cast(Table, UsageCounter.__table__)

# What the enforcer talks to: the batcher in front of one of the backends below.
CounterStore = CounterBatcher


# One script for a whole batch: a script runs atomically like MULTI/EXEC, and one command
# with one reply costs redis-py ~30 % less CPU than the pipeline of INCRBY/EXPIRE/MGET.
# KEYS: the incremented counters, then the ones only read; ARGV: how many are incremented,
# then each one's amount and ttl. Returns every key's value, in KEYS order.
_REDIS_BATCH = """
local added = tonumber(ARGV[1])
local values = {}
for i = 1, added do
  values[i] = redis.call('INCRBY', KEYS[i], ARGV[2 * i])
  redis.call('EXPIRE', KEYS[i], ARGV[2 * i + 1], 'NX')
end
for i = added + 1, #KEYS do
  values[i] = tonumber(redis.call('GET', KEYS[i]) or '0')
end
return values
"""


class RedisCounters:
    """Counters in Redis: INCRBY with an expiry, GET for reads, one script call per batch."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # only needed when Redis is configured

        self._redis: Any = redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        # Loaded on first use, and again if the server lost it (NOSCRIPT).
        self._batch = self._redis.register_script(_REDIS_BATCH)

    async def write(self, increments: Increments, reads: Collection[str]) -> dict[str, int]:
        keys = sorted(increments)
        args: list[int] = [len(keys)]
        for key in keys:
            args += increments[key]
        keys += [key for key in reads if key not in increments]
        if not keys:
            return {}
        results = await self._batch(keys=keys, args=args)
        return {key: int(value) for key, value in zip(keys, results, strict=True)}

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseCounters:
    """Counters in the ``usage_counters`` table: one multi-row upsert per batch.

    The statements are built once (rebuilding the upsert was ~70 % of a request's counting,
    issue 19). On SQLite the write runs on the event loop, like the interaction log's: a
    local transaction of a few rows, no thread hand-off, and no second writer in this
    process to wait on SQLite's lock; it waits for nothing (``busy_timeout = 0``), and when
    another process holds the lock the batch goes to a thread that may wait. On PostgreSQL
    (a network round trip) the write always runs in that thread.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._on_loop = engine.dialect.name == "sqlite"
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        upsert = insert(_TABLE)
        self._upsert = upsert.on_conflict_do_update(
            index_elements=[_TABLE.c.key], set_={"value": _TABLE.c.value + upsert.excluded.value}
        ).returning(_TABLE.c.key, _TABLE.c.value)
        self._select = select(_TABLE.c.key, _TABLE.c.value).where(
            _TABLE.c.key.in_(bindparam("keys", expanding=True)),
            _TABLE.c.expires_at > bindparam("now", type_=_TABLE.c.expires_at.type),
        )
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counters")
        self._loop_conn: Connection | None = None

    async def write(self, increments: Increments, reads: Collection[str]) -> dict[str, int]:
        if self._on_loop:
            try:
                return self._write(self._loop_connection(), increments, reads)
            except Exception as exc:  # locked by another process: the thread may wait
                self._drop_loop_connection()
                logger.debug("counters written by their thread: %s", type(exc).__name__)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self._write_pooled, increments, reads)

    def _write_pooled(self, increments: Increments, reads: Collection[str]) -> dict[str, int]:
        with self._engine.connect() as connection:
            return self._write(connection, increments, reads)

    def _write(
        self, connection: Connection, increments: Increments, reads: Collection[str]
    ) -> dict[str, int]:
        now = utcnow()
        rows = [
            {"key": key, "value": increments[key][0], "expires_at": _expiry(now, increments[key])}
            for key in sorted(increments)
        ]
        values: dict[str, int] = {}
        direct = connection.dialect.name == "sqlite"
        with connection.begin():
            if rows and direct:
                for start in range(0, len(rows), _DIRECT_ROWS):
                    part = rows[start:start + _DIRECT_ROWS]
                    params = {f"{name}_{i}": value for i, row in enumerate(part)
                              for name, value in row.items()}
                    for key, value in _direct_upsert(len(part), connection.dialect).fetch(
                            connection, params):
                        values[key] = int(value)
            elif rows:
                for row in connection.execute(self._upsert, rows):
                    values[row[0]] = int(row[1])
            missing = [key for key in reads if key not in values]
            if missing and direct:
                for start in range(0, len(missing), _DIRECT_ROWS):
                    keys = missing[start:start + _DIRECT_ROWS]
                    params = {"now": now, **{f"key_{i}": key for i, key in enumerate(keys)}}
                    found = dict(_direct_select(len(keys), connection.dialect).fetch(
                        connection, params))
                    values.update({key: int(found.get(key, 0)) for key in keys})
            elif missing:
                params = {"keys": missing, "now": now}
                found = {row[0]: int(row[1]) for row in connection.execute(self._select, params)}
                values.update({key: found.get(key, 0) for key in missing})
        return values

    def _loop_connection(self) -> Connection:
        if self._loop_conn is None or self._loop_conn.closed or self._loop_conn.invalidated:
            connection = self._engine.connect()
            connection.exec_driver_sql("PRAGMA busy_timeout = 0")
            # The WAL is checkpointed by a thread (gateway.db.checkpoint), never on the loop.
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            connection.commit()
            self._loop_conn = connection
        return self._loop_conn

    def _drop_loop_connection(self) -> None:
        if self._loop_conn is not None:
            try:
                self._loop_conn.invalidate()
                self._loop_conn.close()
            except Exception:  # already unusable: nothing more to release
                logger.debug("closing the counters' connection failed", exc_info=True)
            self._loop_conn = None

    def purge_expired(self) -> int:
        with self._engine.begin() as connection:
            result = connection.execute(delete(_TABLE).where(_TABLE.c.expires_at < utcnow()))
        return result.rowcount or 0

    async def close(self) -> None:
        self._drop_loop_connection()
        self._thread.shutdown(wait=True)


# SQLite: a batch's rows per statement on the driver's cursor (3 parameters a row; SQLite
# takes 32,766 at most).
_DIRECT_ROWS = 500


@functools.lru_cache(maxsize=64)
def _direct_upsert(count: int, dialect: Dialect) -> DirectStatement:
    """SQLite: the upsert of ``count`` counters as one statement on the driver's cursor
    (gateway.db.direct): an ``executemany`` cannot return the values."""
    upsert = sqlite.insert(_TABLE).values([
        {name: bindparam(f"{name}_{i}", type_=_TABLE.c[name].type)
         for name in ("key", "value", "expires_at")}
        for i in range(count)
    ])
    statement = upsert.on_conflict_do_update(
        index_elements=[_TABLE.c.key], set_={"value": _TABLE.c.value + upsert.excluded.value}
    ).returning(_TABLE.c.key, _TABLE.c.value)
    return DirectStatement(statement, dialect)


@functools.lru_cache(maxsize=64)
def _direct_select(count: int, dialect: Dialect) -> DirectStatement:
    """SQLite: the values of ``count`` counters still in their window."""
    keys = [bindparam(f"key_{i}", type_=_TABLE.c.key.type) for i in range(count)]
    statement = select(_TABLE.c.key, _TABLE.c.value).where(
        _TABLE.c.key.in_(keys),
        _TABLE.c.expires_at > bindparam("now", type_=_TABLE.c.expires_at.type),
    )
    return DirectStatement(statement, dialect)


def _expiry(now: datetime, increment: tuple[int, int]) -> datetime:
    return now + timedelta(seconds=increment[1])

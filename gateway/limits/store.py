"""Where counters live: Redis when ``GATEWAY_REDIS_URL`` is set, else the shared database.

Both apply a request's increments and reads in one round trip, atomically per counter, so
several gateway processes (or hosts) on the same store see one count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import Any, Protocol, cast

import anyio.to_thread
from sqlalchemy import Engine, Table, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.db.base import utcnow
from gateway.limits.models import UsageCounter

_TABLE = cast(Table, UsageCounter.__table__)


class CounterStore(Protocol):
    async def apply(
        self, increments: Mapping[str, tuple[int, int]], reads: Sequence[str]
    ) -> dict[str, int]:
        """Add ``amount`` to each ``key: (amount, ttl_seconds)``; return new and read values."""
        ...

    async def close(self) -> None: ...


class RedisCounters:
    """Counters in Redis: INCRBY with an expiry, MGET for reads, one pipeline per call."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis  # only needed when Redis is configured

        self._redis: Any = redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    async def apply(
        self, increments: Mapping[str, tuple[int, int]], reads: Sequence[str]
    ) -> dict[str, int]:
        async with self._redis.pipeline(transaction=True) as pipe:
            for key, (amount, ttl) in increments.items():
                pipe.incrby(key, amount)
                pipe.expire(key, ttl, nx=True)
            if reads:
                pipe.mget(list(reads))
            results = await pipe.execute()
        values: dict[str, int] = {}
        for index, key in enumerate(increments):
            values[key] = int(results[index * 2])
        if reads:
            for key, raw in zip(reads, results[-1], strict=True):
                values[key] = int(raw or 0)
        return values

    async def close(self) -> None:
        await self._redis.aclose()


class DatabaseCounters:
    """Counters in the ``usage_counters`` table, with an atomic upsert per increment."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        dialect = engine.dialect.name
        self._insert = postgresql.insert if dialect == "postgresql" else sqlite.insert

    async def apply(
        self, increments: Mapping[str, tuple[int, int]], reads: Sequence[str]
    ) -> dict[str, int]:
        return await anyio.to_thread.run_sync(self._apply, dict(increments), list(reads))

    def _apply(self, increments: dict[str, tuple[int, int]], reads: list[str]) -> dict[str, int]:
        now = utcnow()
        values: dict[str, int] = {}
        with self._engine.begin() as connection:
            for key, (amount, ttl) in increments.items():
                upsert = self._insert(_TABLE).values(
                    key=key, value=amount, expires_at=now + timedelta(seconds=ttl)
                ).on_conflict_do_update(
                    index_elements=["key"], set_={"value": _TABLE.c.value + amount}
                )
                values[key] = int(
                    connection.execute(upsert.returning(_TABLE.c.value)).scalar_one()
                )
            if reads:
                rows = connection.execute(
                    select(_TABLE.c.key, _TABLE.c.value).where(
                        _TABLE.c.key.in_(reads), _TABLE.c.expires_at > now
                    )
                )
                found = {row.key: int(row.value) for row in rows}
                values.update({key: found.get(key, 0) for key in reads})
        return values

    def purge_expired(self) -> int:
        with self._engine.begin() as connection:
            result = connection.execute(delete(_TABLE).where(_TABLE.c.expires_at < utcnow()))
        return result.rowcount or 0

    async def close(self) -> None:
        return None

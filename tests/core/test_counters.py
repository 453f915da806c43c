"""Budget and rate-limit counters: one write per batch, exact counts, on the real stores."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import sqlite3
import threading
from collections.abc import Collection, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, create_engine, select

from gateway.db import migrate
from gateway.db.engine import build_engine
from gateway.limits.batcher import CounterBackend, CounterBatcher, Increments
from gateway.limits.models import UsageCounter
from gateway.limits.store import DatabaseCounters, RedisCounters
from gateway.settings import Settings
from tests.conftest import SECRET, Databases

REDIS_URL = os.environ.get("GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


class Counted:
    """A real backend, counting the writes that reach it."""

    def __init__(self, backend: CounterBackend) -> None:
        self.backend = backend
        self.writes: list[tuple[dict[str, tuple[int, int]], set[str]]] = []

    async def write(self, increments: Increments, reads: Collection[str]) -> dict[str, int]:
        self.writes.append((dict(increments), set(reads)))
        return await self.backend.write(increments, reads)

    async def close(self) -> None:
        await self.backend.close()


@pytest.fixture(scope="module")
def engine(databases: Databases) -> Iterator[Engine]:
    url = databases.new("counters")
    migrate.upgrade(url)
    built = build_engine(Settings(database_url=url, secret_key=SECRET))
    yield built
    built.dispose()


def stored(engine: Engine, key: str) -> int | None:
    with engine.connect() as connection:
        value = connection.execute(
            select(UsageCounter.value).where(UsageCounter.key == key)
        ).scalar_one_or_none()
    return value


def backend_for(kind: str, engine: Engine) -> CounterBackend:
    return DatabaseCounters(engine) if kind == "database" else RedisCounters(REDIS_URL)


@pytest.mark.parametrize("kind", ["database", "redis"])
async def test_concurrent_admissions_share_writes_and_count_exactly(
    engine: Engine, kind: str
) -> None:
    counted = Counted(backend_for(kind, engine))
    batcher = CounterBatcher(counted)
    key = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    results = await asyncio.gather(*(batcher.apply({key: (1, 120)}, []) for _ in range(40)))
    # Each request sees the count its own increment made, as if counted one by one.
    assert sorted(r[key] for r in results) == list(range(1, 41))
    assert len(counted.writes) < 40
    assert sum(write[0][key][0] for write in counted.writes) == 40
    if kind == "database":
        assert stored(engine, key) == 40
    await batcher.close()


@pytest.mark.parametrize("kind", ["database", "redis"])
async def test_charges_ride_with_the_next_admission(engine: Engine, kind: str) -> None:
    counted = Counted(backend_for(kind, engine))
    batcher = CounterBatcher(counted, charge_linger_s=30)
    tokens = f"gw:test:user:{secrets.token_hex(4)}:tok:1"
    rpm = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    await batcher.apply({rpm: (1, 120)}, [tokens])
    first = len(counted.writes)
    for amount in (10, 20, 30):
        batcher.charge({tokens: (amount, 3600)})
    assert len(counted.writes) == first  # nothing written for the charges alone
    seen = await batcher.apply({rpm: (1, 120)}, [tokens])
    assert seen == {rpm: 2, tokens: 60}
    assert len(counted.writes) == first + 1
    assert counted.writes[-1][0][tokens] == (60, 3600)  # three charges, one increment
    await batcher.close()


@pytest.mark.parametrize("kind", ["database", "redis"])
async def test_charges_alone_are_written_after_the_linger_and_on_drain(
    engine: Engine, kind: str
) -> None:
    backend = backend_for(kind, engine)
    batcher = CounterBatcher(backend, charge_linger_s=0.01)
    key = f"gw:test:department:{secrets.token_hex(4)}:eur:1"
    batcher.charge({key: (5, 3600)})
    for _ in range(500):  # the linger ends the wait, whatever the machine's load
        if (await backend.write({}, [key]))[key] == 5:
            break
        await asyncio.sleep(0.01)
    assert (await backend.write({}, [key]))[key] == 5
    batcher.charge({key: (7, 3600)})
    await batcher.drain()
    assert (await backend.write({}, [key]))[key] == 12
    await batcher.close()


async def test_two_stores_on_one_database_keep_one_count(engine: Engine) -> None:
    """Two batchers with their own engines, as two gateway processes would have."""
    second_engine = create_engine(engine.url, hide_parameters=True)
    first = CounterBatcher(DatabaseCounters(engine))
    second = CounterBatcher(DatabaseCounters(second_engine))
    key = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    results = await asyncio.gather(
        *(store.apply({key: (1, 120)}, []) for _ in range(25) for store in (first, second))
    )
    assert sorted(r[key] for r in results) == list(range(1, 51))
    assert stored(engine, key) == 50
    await first.close()
    await second.close()
    second_engine.dispose()


async def test_sqlite_locked_by_another_process_waits_in_the_thread(
    engine: Engine, databases: Databases
) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single writer lock")
    path = str(engine.url.database)
    holder = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing: the write lock is taken
    batcher = CounterBatcher(DatabaseCounters(engine))
    key = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    release = threading.Timer(0.3, holder.execute, ("COMMIT",))
    release.start()
    result = await batcher.apply({key: (1, 120)}, [])  # does not fail on the loop's lock
    assert result == {key: 1}
    assert stored(engine, key) == 1
    release.join()
    holder.close()
    await batcher.close()


async def test_a_failed_write_fails_its_admissions_and_not_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A Redis nobody listens on: a real connection failure.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    batcher = CounterBatcher(RedisCounters(f"redis://127.0.0.1:{closed_port}/0"))
    key = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    batcher.charge({f"{key}:tok": (3, 60)})
    with pytest.raises(Exception) as failed:
        await batcher.apply({key: (1, 60)}, [])
    assert "onnect" in type(failed.value).__name__ + str(failed.value)
    assert "could not charge usage to budgets" in caplog.text
    await batcher.backend.close()
    batcher.backend = RedisCounters(REDIS_URL)  # the store is back
    assert await batcher.apply({key: (1, 60)}, []) == {key: 1}
    await batcher.close()


async def test_redis_reloads_its_script_after_a_flush() -> None:
    import redis.asyncio as redis

    counters = RedisCounters(REDIS_URL)
    key = f"gw:test:user:{secrets.token_hex(4)}:rpm:1"
    assert await counters.write({key: (2, 60)}, [f"{key}:absent"]) == {key: 2, f"{key}:absent": 0}
    admin = redis.from_url(REDIS_URL)
    await admin.script_flush()  # a restarted or failed-over server has no script cache
    assert await counters.write({key: (3, 60)}, []) == {key: 5}
    assert 0 < await admin.ttl(key) <= 60
    await admin.aclose()
    await counters.close()


async def test_a_batch_past_one_statement_and_expired_reads(engine: Engine) -> None:
    # On SQLite the rows go as multi-row statements of at most 500 counters (gateway/db/
    # direct.py); reads of expired counters count 0 on every backend.
    counters = DatabaseCounters(engine)
    tag = secrets.token_hex(3)
    increments = {f"{tag}:{i:04d}": (i + 1, 60) for i in range(1200)}
    try:
        first = await counters.write(increments, [f"{tag}:read"])
        assert first == {**{key: amount for key, (amount, _) in increments.items()},
                         f"{tag}:read": 0}
        again = await counters.write({f"{tag}:0001": (5, 60)}, [f"{tag}:0002", f"{tag}:gone"])
        assert again == {f"{tag}:0001": 7, f"{tag}:0002": 3, f"{tag}:gone": 0}
        with engine.begin() as connection:
            connection.execute(UsageCounter.__table__.update().where(
                UsageCounter.key == f"{tag}:0004").values(expires_at=datetime(2000, 1, 1, tzinfo=UTC)))
        assert await counters.write({}, [f"{tag}:0004", f"{tag}:0005"]) == {
            f"{tag}:0004": 0, f"{tag}:0005": 6}
    finally:
        await counters.close()

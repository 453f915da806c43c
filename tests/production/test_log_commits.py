"""PostgreSQL: which interaction-log commits wait for the disk (``pg_synchronous_commit``).

A trigger notes the session's ``synchronous_commit`` for every write the gateway makes to
the log, so the test sees what each kind of write really ran with on the server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.audit.log_stream import insert_records
from gateway.audit.seal import Sealer
from gateway.audit.writer import AuditWriter
from gateway.db import migrate
from gateway.db.engine import build_log_engine
from gateway.metrics import Metrics
from gateway.settings import Settings
from tests.conftest import SECRET, Databases
from tests.fakes.openai_provider import FakeOpenAIProvider

from ._helpers import new_key, record
from .test_database import chat, gateway

WATCH = """
CREATE TABLE commit_modes (kind text NOT NULL, mode text NOT NULL);
CREATE FUNCTION note_commit_mode() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO commit_modes VALUES ('record', current_setting('synchronous_commit'));
    RETURN NEW;
  END IF;
  -- A completion is written with its link, in one UPDATE: both are noted.
  IF OLD.state = 'pending' AND NEW.state <> 'pending' THEN
    INSERT INTO commit_modes VALUES ('completion', current_setting('synchronous_commit'));
  END IF;
  IF OLD.seq IS NULL AND NEW.seq IS NOT NULL THEN
    INSERT INTO commit_modes VALUES ('chain', current_setting('synchronous_commit'));
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER note_commit_mode BEFORE INSERT OR UPDATE ON interactions
  FOR EACH ROW EXECUTE FUNCTION note_commit_mode();
"""


@dataclass
class PostgresLog:
    """A migrated PostgreSQL database of its own: its URL, a sync engine to read it, and
    the async engine the gateway's log writes with."""

    url: str
    engine: Engine
    log_engine: AsyncEngine


@pytest.fixture
def pg_log(databases: Databases) -> Iterator[PostgresLog]:
    if databases.backend != "postgresql":
        pytest.skip("the log's commit modes and async engine are PostgreSQL's")
    url = databases.new("log")
    migrate.upgrade(url)
    log_engine = build_log_engine(Settings(database_url=url, secret_key=SECRET))
    assert log_engine is not None
    engine = create_engine(url)
    yield PostgresLog(url, engine, log_engine)
    engine.dispose()


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("records", {"record": "on", "completion": "off", "chain": "off"}),
        ("on", {"record": "on", "completion": "on", "chain": "on"}),
        ("off", {"record": "off", "completion": "off", "chain": "off"}),
    ],
)
def test_each_kind_of_log_write_commits_as_the_setting_says(
    pg_log: PostgresLog, fake_openai: FakeOpenAIProvider, tmp_path: Path,
    setting: str, expected: dict[str, str],
) -> None:
    # SQLite runs WAL with synchronous=NORMAL: the setting is PostgreSQL's alone.
    url, engine = pg_log.url, pg_log.engine
    with engine.begin() as connection:
        connection.exec_driver_sql(WATCH)
    key = new_key(engine)
    with gateway(url, tmp_path, fake_openai, pg_synchronous_commit=setting) as base:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: chat(base, key), range(24)))
        assert [answer.status_code for answer in answers] == [200] * 24
        for answer in answers:
            rec = record(engine, answer.headers["x-gateway-interaction-id"])
            assert rec["state"] == "complete"
        assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200  # links the chain
    with engine.connect() as connection:
        seen = connection.execute(
            text("SELECT kind, mode, count(*) FROM commit_modes GROUP BY kind, mode")
        ).all()
    counts = {(kind, mode): count for kind, mode, count in seen}
    assert counts == {
        ("record", expected["record"]): 24,
        ("completion", expected["completion"]): 24,
        ("chain", expected["chain"]): 24,
    }


def _row(record_id: str) -> dict[str, object]:
    return {
        "id": record_id, "created_at": datetime.now(UTC), "state": "pending",
        "user_email": "a@exemple.fr", "department": "ventes", "role": "employee",
        "tool": "curl", "endpoint": "chat", "decision": "allowed",
    }


def test_a_group_commit_of_new_records_is_all_or_nothing(pg_log: PostgresLog) -> None:
    """New records go in autocommit, one statement per group commit: a refused row (here a
    duplicate id) must leave none of its group behind, or the writer's retry of the group
    would find some rows already there and refuse requests whose records exist. Written as
    the records stream writes them (on psycopg's connection), the refusal is raised as
    SQLAlchemy's IntegrityError: the writer tells a refusal from an outage by its class."""
    log_engine = pg_log.log_engine

    async def write(rows: list[dict[str, object]]) -> None:
        async with log_engine.connect() as connection:
            conn = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await insert_records(conn, rows)

    async def scenario() -> list[str]:
        with pytest.raises(IntegrityError):
            await write([_row("r1"), _row("r2"), _row("r3"), _row("r1")])
        await write([_row("r4"), _row("r5")])
        async with log_engine.connect() as connection:
            ids = (await connection.execute(text("SELECT id FROM interactions"))).scalars()
            found = sorted(ids)
        await log_engine.dispose()
        return found

    assert asyncio.run(scenario()) == ["r4", "r5"]


def test_new_records_wait_while_completions_are_behind(pg_log: PostgresLog) -> None:
    """Flow control on the loop: the completions nobody waits for must not pile up behind
    the awaited inserts (a soak at full load grew by 45 MB every 30 s before it), and no
    transaction carries more than ``batch_max`` writes."""
    engine, log_engine = pg_log.engine, pg_log.log_engine
    metrics = Metrics()
    writer = AuditWriter(engine, metrics, batch_max=4, log_engine=log_engine)
    writer.start()

    async def scenario() -> int:
        await asyncio.gather(*(writer.insert(_row(f"r{i}")) for i in range(60)))
        for i in range(60):
            writer.update(f"r{i}", {"state": "complete", "status_code": 200})
        await writer.insert(_row("late"))  # waits until the completions have caught up
        behind = writer.queue_depth()
        await writer.aclose()
        await log_engine.dispose()
        return behind

    assert asyncio.run(scenario()) <= 2 * 4
    with engine.connect() as connection:
        states = dict(connection.execute(
            text("SELECT state, count(*) FROM interactions GROUP BY state")).all())
    assert states == {"complete": 60, "pending": 1}
    assert _largest_batch(metrics) <= 4


def _largest_batch(metrics: Metrics) -> float:
    """The smallest histogram bucket holding every group commit's size."""
    for family in metrics.registry.collect():
        if family.name != "gateway_audit_batch_size":
            continue
        buckets = [s for s in family.samples if s.name.endswith("_bucket")]
        total = max(s.value for s in buckets)
        return min(float(s.labels["le"]) for s in buckets if s.value == total)
    raise AssertionError("no batch-size histogram")


def test_the_log_streams_leave_no_connection_to_the_garbage_collector(
    pg_log: PostgresLog,
) -> None:
    """A connection of the log left open is closed by the garbage collector, which cannot
    on an async driver: psycopg warns (``BaseConnection.__del__``, a ResourceWarning that
    failed a loaded CI run). A completion written after the writer closed (a request
    ending during shutdown) and a connection opened on an earlier event loop were left so;
    each is now committed and closed, and no connection stays checked out."""
    engine, log_engine = pg_log.engine, pg_log.log_engine
    writer = AuditWriter(engine, Metrics(), log_engine=log_engine)
    writer.start()
    # Opened on a first loop, then used and closed on a second one.
    asyncio.run(writer.insert(_row("first")))

    async def scenario() -> None:
        await writer.insert(_row("late"))
        await writer.aclose()
        writer.update("late", {"state": "complete", "status_code": 200})
        await asyncio.sleep(0)  # the flush the update scheduled starts the stream's commit
        await asyncio.gather(*asyncio.all_tasks() - {asyncio.current_task()})

    asyncio.run(scenario())
    checked_out = log_engine.sync_engine.pool.checkedout()  # type: ignore[attr-defined]
    with engine.connect() as connection:
        state = connection.execute(
            text("SELECT state FROM interactions WHERE id = 'late'")).scalar()
    asyncio.run(log_engine.dispose())
    assert checked_out == 0
    assert state == "complete"


COUNT_UPDATES = """
CREATE TABLE update_statements (rows integer NOT NULL);
CREATE FUNCTION note_update_statement() RETURNS trigger AS $$
BEGIN
  INSERT INTO update_statements SELECT count(*) FROM changed;
  RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER note_update_statement AFTER UPDATE ON interactions
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION note_update_statement();
"""


def test_a_group_commit_of_completions_is_one_statement(pg_log: PostgresLog) -> None:
    """Completions of the same columns go as one ``UPDATE … FROM`` their JSON rows, not one
    statement each: the server planned the single-row update once per connection, on a
    near-empty table, through the index of the records waiting for their link, and then
    read all of them for every completion (gateway.audit.json_rows). Each value is stored
    as the column types it."""
    engine, log_engine = pg_log.engine, pg_log.log_engine
    with engine.begin() as connection:
        connection.exec_driver_sql(COUNT_UPDATES)
    # Sealed, as the gateway writes: each completion carries its chain link.
    writer = AuditWriter(engine, Metrics(), log_engine=log_engine,
                         sealer=Sealer(SECRET.encode()))
    writer.start()
    done = datetime(2026, 12, 7, 23, 0, 1, 250000, tzinfo=UTC)

    async def scenario() -> None:
        # Every field a record begins with, as the gateway's (what its link needs).
        await asyncio.gather(*(
            writer.insert({**_row(f"r{i}"), "rule_ids": [], "pii_findings": {}, "stream": False})
            for i in range(12)))
        for i in range(12):
            writer.update(f"r{i}", {
                "state": "complete", "status_code": 200, "completed_at": done,
                "cost": 0.25 * i, "prompt_tokens": i, "response": f"réponse « {i} »",
                "pii_findings": {"PERSON": i, "EMAIL_ADDRESS": 1}, "stream": True,
            })
        await writer.aclose()
        await log_engine.dispose()

    asyncio.run(scenario())
    with engine.connect() as connection:
        statements = connection.execute(text("SELECT rows FROM update_statements")).scalars()
        sizes = sorted(statements)
        rows = connection.execute(text(
            "SELECT id, state, status_code, completed_at, cost, prompt_tokens, response,"
            " pii_findings, stream FROM interactions ORDER BY prompt_tokens")).all()
    assert sizes == [12]
    assert [tuple(row) for row in rows] == [
        (f"r{i}", "complete", 200, done, 0.25 * i, i, f"réponse « {i} »",
         {"PERSON": i, "EMAIL_ADDRESS": 1}, True)
        for i in range(12)
    ]

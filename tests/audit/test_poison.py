"""A log no value can poison (issue 16), on each backend under test.

Random values (NUL, lone surrogates, the escape mark, strings far past their column) go
through the real writer (on PostgreSQL its async streams, as the gateway runs it): every
record is stored, reads back as given (or cut within its column's declared length, saying
so), is final and chained, and the chain verifies. A write the database still refuses (a
trigger here) is recorded in its minimal form once, never retried, and holds back neither
the chain nor the records beside it.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, create_engine, select, text

from gateway.audit.integrity import INTERACTIONS_TABLE
from gateway.audit.models import COMPLETE
from gateway.audit.reading.records import to_record
from gateway.audit.refusal import RecordRefused
from gateway.audit.storable import LIMITS, MARK, restore, storable
from gateway.audit.verify import verify
from gateway.audit.writer import AuditWriter
from gateway.db import migrate
from gateway.db.base import utcnow
from gateway.db.engine import build_log_engine
from gateway.metrics import Metrics
from gateway.settings import Settings
from tests.audit._helpers import SEALER, pending_row
from tests.conftest import SECRET, Databases

HOSTILE = st.sampled_from(["\x00", "\ud800", "\udfff", "\\", "\\0", "\\u0000", MARK, "…",
                           "\\…12:0123456789abcdef", "é", "😀", "a"])
TEXTS = st.one_of(
    st.text(max_size=40),
    st.lists(HOSTILE, max_size=30).map("".join),
    st.builds(lambda base, n: base * n, st.sampled_from(["x", "\x00", "é\\"]),
              st.integers(min_value=150, max_value=5000)),
)


@pytest.fixture(scope="module")
def log_db(databases: Databases) -> Iterator[tuple[str, Engine]]:
    url = databases.new("poison")
    migrate.upgrade(url)
    engine = create_engine(url)
    yield url, engine
    engine.dispose()


def _writer(url: str, engine: Engine, metrics: Metrics) -> AuditWriter:
    log_engine = build_log_engine(Settings(database_url=url, secret_key=SECRET))
    writer = AuditWriter(engine, metrics, log_engine=log_engine, sealer=SEALER)
    writer.start()
    return writer


async def _close(writer: AuditWriter) -> None:
    await writer.flush()
    await writer.aclose()
    log_engine = writer._streams[0]._engine if writer._streams else None
    if log_engine is not None:
        await log_engine.dispose()


def _expected(value: str, column: str) -> str:
    limit = LIMITS.get(column)
    return value if limit is None or len(storable(value)) <= limit else restore(
        storable(value, limit))


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(model=TEXTS, prompt=TEXTS, response=TEXTS, error=TEXTS, finding=TEXTS)
def test_random_values_are_stored_read_back_and_chained(
    log_db: tuple[str, Engine], model: str, prompt: str, response: str, error: str,
    finding: str,
) -> None:
    url, engine = log_db
    metrics = Metrics()
    writer = _writer(url, engine, metrics)
    begun, refused = str(uuid.uuid4()), str(uuid.uuid4())

    async def scenario() -> None:
        await writer.insert(pending_row(begun, model=model, prompt=prompt))
        writer.update(begun, {"state": COMPLETE, "completed_at": utcnow(),
                              "status_code": 200, "response": response, "error": error})
        # A refused request: inserted final, with hostile values in every free field.
        await writer.insert(pending_row(refused, state=COMPLETE, model=model, prompt=prompt,
                                        error=error, completed_at=utcnow(), status_code=404,
                                        pii_findings={finding: 1}, rule_ids=[finding]))
        await _close(writer)

    asyncio.run(scenario())
    assert writer.last_error is None
    with engine.connect() as connection:
        rows = {row.id: to_record(row) for row in connection.execute(
            select(INTERACTIONS_TABLE).where(INTERACTIONS_TABLE.c.id.in_([begun, refused])))}
    assert rows[begun]["model"] == _expected(model, "model")
    assert (rows[begun]["prompt"], rows[begun]["response"], rows[begun]["error"]) == (
        prompt, response, error)
    assert rows[refused]["pii_findings"] == {finding: 1}
    assert rows[refused]["rule_ids"] == [finding]
    for record in rows.values():
        assert record["state"] == COMPLETE and record["seq"] is not None
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.as_dict()
    assert report.seals is not None and report.seals >= 2
    assert _sample(metrics, "gateway_audit_refused_writes_total") == 0


REFUSE = {
    "sqlite": [
        """CREATE TRIGGER refuse_poison BEFORE UPDATE OF response ON interactions
           WHEN NEW.response LIKE '%poison%'
           BEGIN SELECT RAISE(ABORT, 'poisoned answer'); END""",
        """CREATE TRIGGER refuse_poison_prompt BEFORE INSERT ON interactions
           WHEN NEW.prompt LIKE '%poison%'
           BEGIN SELECT RAISE(ABORT, 'poisoned prompt'); END""",
    ],
    "postgresql": [
        """CREATE FUNCTION refuse_poison() RETURNS trigger AS $$
           BEGIN
             IF strpos(NEW.response, 'poison') > 0 OR strpos(NEW.prompt, 'poison') > 0 THEN
               RAISE EXCEPTION 'poisoned' USING ERRCODE = 'check_violation';
             END IF;
             RETURN NEW;
           END $$ LANGUAGE plpgsql""",
        """CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON interactions
           FOR EACH ROW EXECUTE FUNCTION refuse_poison()""",
    ],
}


def test_a_refused_write_is_recorded_minimal_once_and_holds_nothing_back(
    databases: Databases,
) -> None:
    url = databases.new("refused")
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in REFUSE[databases.backend]:
            connection.exec_driver_sql(statement)
    metrics = Metrics()
    writer = _writer(url, engine, metrics)
    ids = [str(uuid.uuid4()) for _ in range(4)]

    async def scenario() -> BaseException | None:
        await asyncio.gather(*(writer.insert(pending_row(i)) for i in ids[:3]))
        for record_id, answer in zip(ids[:3], ("bien", "poison !", "bien aussi"), strict=True):
            writer.update(record_id, {"state": COMPLETE, "completed_at": utcnow(),
                                      "status_code": 200, "response": answer})
        try:  # a new record the database refuses: the request must not be forwarded
            await writer.insert(pending_row(ids[3], prompt="poison"))
        except RecordRefused as exc:
            refused: BaseException | None = exc
        else:
            refused = None
        await _close(writer)
        return refused

    refused = asyncio.run(scenario())
    assert isinstance(refused, RecordRefused)
    assert writer.last_error is None  # the log works: /readyz stays ready
    with engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(select(INTERACTIONS_TABLE))}
    assert [rows[i].response for i in ids] == ["bien", None, "bien aussi", None]
    assert rows[ids[1]].error.startswith("log_refused:") and rows[ids[1]].state == COMPLETE
    assert rows[ids[3]].status_code == 503 and rows[ids[3]].prompt is None
    assert rows[ids[3]].error.startswith("log_refused:")
    assert all(rows[i].seq is not None for i in ids), "every record final and chained"
    assert all(rows[i].begin_seal and rows[i].end_seal for i in ids), "minimal forms sealed"
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.as_dict()
    engine.dispose()
    assert _sample(metrics, "gateway_audit_refused_writes_total") == 2


def test_nothing_refused_by_postgresql_reaches_it(databases: Databases) -> None:
    """The stored form is accepted as is: no NUL, no surrogate, within every column."""
    if databases.backend != "postgresql":
        pytest.skip("PostgreSQL's own refusals")
    url = databases.new("pgraw")
    migrate.upgrade(url)
    engine = create_engine(url)
    hostile = "a\x00b\ud83d" + MARK + "\\0" + "x" * 600
    with engine.begin() as connection:
        connection.execute(INTERACTIONS_TABLE.insert(), pending_row(
            "raw", **{name: storable(hostile, LIMITS.get(name))
                      for name in ("model", "tool", "prompt", "upstream_model")}))
        stored = connection.execute(text("SELECT model, prompt FROM interactions")).one()
    engine.dispose()
    assert len(stored.model) == LIMITS["model"] == 400
    assert restore(stored.prompt) == hostile
    assert restore(stored.model).startswith("a\x00b\ud83d" + MARK + "\\0xxx")


def _sample(metrics: Metrics, name: str) -> float:
    for family in metrics.registry.collect():
        for sample in family.samples:
            if sample.name == name:
                return sample.value
    raise AssertionError(f"no sample {name}")

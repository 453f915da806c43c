"""Records linked to the integrity chain by the write that makes them final (issue 19).

The writer's group commit links a completion (and a record inserted final, a refusal's)
from the values it holds, in the same ``UPDATE`` or ``INSERT``, instead of reading every
record back later. These go through :func:`gateway.audit.batch.commit_batch` as the writer
calls it, with the writer's seals, on each backend under test.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, event, select, text

from gateway.audit.batch import Insert, commit_batch
from gateway.audit.integrity import INTERACTIONS_TABLE, chain_finished
from gateway.audit.models import COMPLETE
from gateway.audit.seal import RecordSeals
from gateway.audit.verify import verify
from gateway.db import migrate
from gateway.db.base import utcnow
from tests.audit._helpers import SEALER, pending_row
from tests.conftest import Databases


@pytest.fixture()
def engine(databases: Databases) -> Iterator[Engine]:
    url = databases.new(f"linked_{secrets.token_hex(3)}")
    migrate.upgrade(url)
    engine = create_engine(url)
    yield engine
    engine.dispose()


# A request with a name redacted in it, as most are.
_REDACTED = {"user_email": "lea@exemple.fr", "decision": "redacted", "rule_ids": ["pii-redact"],
             "pii_findings": {"PERSON": 2},
             "prompt": '[{"role":"user","content":"Bonjour <PERSON_1>"}]'}


def _begun(record_id: str, **values: Any) -> dict[str, Any]:
    return pending_row(record_id, **{**_REDACTED, **values})


def _completion(**values: Any) -> dict[str, Any]:
    return {
        "state": COMPLETE, "completed_at": utcnow(), "status_code": 200,
        "response": "Bonjour Léa, voici la note.", "prompt_tokens": 12,
        "completion_tokens": 30, "cost": 0.000123, "latency_ms": 812.5,
        "upstream_latency_ms": 790.25, "error": None, "decision": "redacted", **values,
    }


def _insert(seals: RecordSeals, row: dict[str, Any]) -> Insert:
    loop = asyncio.new_event_loop()
    try:
        return Insert(seals.insert(row), loop.create_future(), loop)
    finally:
        loop.close()


def _records(engine: Engine) -> dict[str, dict[str, Any]]:
    table = INTERACTIONS_TABLE
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.seq, table.c.state,
                                         table.c.hash)).mappings()
        return {row["id"]: dict(row) for row in rows}


def _head(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(
            "SELECT seq FROM audit_chain_heads WHERE name = 'interactions'")).scalar_one())


def test_a_completion_and_a_refusal_are_linked_by_their_own_writes(engine: Engine) -> None:
    seals = RecordSeals(SEALER)
    begun, refused = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.connect() as connection:
        commit_batch(connection, [_insert(seals, _begun(begun))], [], {}, link=True)
        assert _records(engine)[begun]["seq"] is None  # pending: never linked
        # A refusal is inserted final, and a completion makes the first record final: both
        # are linked in the same transaction, no chain step.
        final = _begun(refused, state=COMPLETE, completed_at=utcnow(), decision="blocked",
                       status_code=403, error="policy_violation: NIR", latency_ms=3.5)
        commit_batch(connection, [_insert(seals, final)],
                     [seals.update(begun, _completion())], {}, link=True)
    records = _records(engine)
    assert records[refused]["seq"] == 1 and records[begun]["seq"] == 2
    assert _head(engine) == 2
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.broken
    assert report.chains[0].checked == 2 and report.seals == 2


def test_without_linking_the_chain_step_links_them(engine: Engine) -> None:
    """What the thread and the tools do: the write leaves the link to the chain step."""
    seals = RecordSeals(SEALER)
    record = str(uuid.uuid4())
    with engine.connect() as connection:
        commit_batch(connection, [_insert(seals, _begun(record))], [], {})
        commit_batch(connection, [], [seals.update(record, _completion())], {})
        assert _records(engine)[record]["seq"] is None
        with connection.begin():
            assert chain_finished(connection) == 1
    assert verify(engine, sealer=SEALER).intact


def test_a_record_chained_meanwhile_is_neither_linked_twice_nor_rewritten(
    engine: Engine,
) -> None:
    """A record marked interrupted and chained by a sweep before its late completion: the
    completion must not rewrite it, nor take a seq the chain would then miss; the other
    completion of the same batch is written all the same and linked by the next step."""
    seals = RecordSeals(SEALER)
    swept, other = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.connect() as connection:
        commit_batch(connection, [_insert(seals, _begun(swept)), _insert(seals, _begun(other))],
                     [], {}, link=True)
        with connection.begin():
            connection.execute(text(
                "UPDATE interactions SET state = 'interrupted', decision = 'error', "
                "completed_at = created_at WHERE id = :id"), {"id": swept})
            assert chain_finished(connection) == 1
        late = seals.update(swept, _completion())
        commit_batch(connection, [], [late, seals.update(other, _completion())], {}, link=True)
        records = _records(engine)
        assert records[swept]["state"] == "interrupted" and records[swept]["seq"] == 1
        assert records[other]["state"] == COMPLETE and records[other]["seq"] is None
        assert _head(engine) == 1
        with connection.begin():
            assert chain_finished(connection) == 1
    assert _records(engine)[other]["seq"] == 2
    report = verify(engine)  # the sweep here was written by hand: no seal to check
    assert report.intact, report.broken
    assert report.chains[0].checked == 2


def test_a_record_without_its_written_values_is_left_to_the_chain_step(engine: Engine) -> None:
    """A completion whose record this writer did not insert (another process's) carries no
    base: it is written unlinked, never hashed from values the writer does not hold."""
    seals, others = RecordSeals(SEALER), RecordSeals(SEALER)
    record = str(uuid.uuid4())
    with engine.connect() as connection:
        commit_batch(connection, [_insert(others, _begun(record))], [], {}, link=True)
        commit_batch(connection, [], [seals.update(record, _completion())], {}, link=True)
        assert _records(engine)[record]["seq"] is None
        with connection.begin():
            assert chain_finished(connection) == 1
    assert _records(engine)[record]["seq"] == 1
    assert verify(engine).intact


def test_an_amendment_and_the_completion_after_it_land_in_order(engine: Engine) -> None:
    """A fallback amends its pending record (the provider that answered), then the answer
    completes it, in the same transaction as another record's completion: grouped by
    columns alone, the completion (which links the record) ran before the amendment and
    shut it out."""
    seals = RecordSeals(SEALER)
    first, fallback = str(uuid.uuid4()), str(uuid.uuid4())
    with engine.connect() as connection:
        commit_batch(connection, [_insert(seals, _begun(first)), _insert(seals, _begun(fallback))],
                     [], {}, link=True)
        amended = {"provider": "mistral", "upstream_model": "mistral-small",
                   "rule_ids": ["pii-redact", "fallback:mistral-small"]}
        commit_batch(connection, [], [
            seals.update(first, _completion()), seals.update(fallback, amended),
            seals.update(fallback, _completion()),
        ], {}, link=True)
    table = INTERACTIONS_TABLE
    with engine.connect() as connection:
        row = connection.execute(select(table.c.provider, table.c.rule_ids, table.c.seq)
                                 .where(table.c.id == fallback)).one()
    assert row.provider == "mistral" and "fallback:mistral-small" in row.rule_ids
    assert row.seq == 2
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.broken


def test_a_chain_step_locks_the_head_once(engine: Engine) -> None:
    """The step's completions are linked, then the other finished records, under one lock of
    the head taken by the first (a second lock cost a statement, a round trip on
    PostgreSQL, per step)."""
    seals = RecordSeals(SEALER)
    mine, theirs = str(uuid.uuid4()), str(uuid.uuid4())
    locks: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sql = " ".join(statement.split()).upper()
        if "AUDIT_CHAIN_HEADS" in sql and ("FOR UPDATE" in sql or "RETURNING" in sql):
            locks.append(sql)

    with engine.connect() as connection:
        commit_batch(connection, [_insert(seals, _begun(mine)), _insert(seals, _begun(theirs))],
                     [], {}, link=True)
        with connection.begin():  # finished elsewhere (another process): not linked yet
            connection.execute(text(
                "UPDATE interactions SET state = 'interrupted', decision = 'error', "
                "completed_at = created_at WHERE id = :id"), {"id": theirs})
        event.listen(engine, "before_cursor_execute", note)
        try:
            commit_batch(connection, [], [seals.update(mine, _completion())], {},
                         chain=True, link=True)
        finally:
            event.remove(engine, "before_cursor_execute", note)
    records = _records(engine)
    assert records[mine]["seq"] == 1 and records[theirs]["seq"] == 2 and _head(engine) == 2
    assert len(locks) == 1, locks
    assert verify(engine).intact

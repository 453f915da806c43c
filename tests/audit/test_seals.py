"""Record seals: a record edited in the database before its link is caught by ``verify``.

A gateway of its own per test (the edits would break the shared one's log), on each backend,
with a provider that takes its time so the record stays pending while the test edits it.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from sqlalchemy import Engine, create_engine, event, insert, select, text
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.audit import liveness
from gateway.audit.integrity import (
    INTERACTION_FIELDS,
    INTERACTIONS_TABLE,
    chain_finished,
    interaction_digest,
)
from gateway.audit.liveness import INTERRUPTED_ERROR
from gateway.audit.maintenance import mark_interrupted
from gateway.audit.models import Interaction
from gateway.audit.seal import Sealer
from gateway.audit.verify import Report, verify
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.settings import Settings
from tests.audit._helpers import chained_db
from tests.audit._helpers import row as audit_row
from tests.conftest import (
    SECRET,
    UPSTREAM_KEY,
    UPSTREAM_KEY_ENV,
    Databases,
    catalogue_for,
    gateway_env,
)
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.server import ServerThread
from tests.support.processes import run_cli

SEALER = Sealer(SECRET.encode())


@dataclass
class Sealed:
    url: str
    engine: Engine
    token: str
    env: dict[str, str]

    def send(self, model: str, content: str = "bonjour") -> httpx.Response:
        with httpx.Client(base_url=self.url, timeout=30, headers={
                "Authorization": f"Bearer {self.token}", "User-Agent": "curl/8.5.0"}) as client:
            return client.post("/v1/chat/completions", json={
                "model": model, "messages": [{"role": "user", "content": content}]})

    def row(self, record_id: str) -> dict[str, Any]:
        with Session(self.engine) as session:
            found = session.get(Interaction, record_id)
            assert found is not None
            return {c.key: getattr(found, c.key) for c in Interaction.__table__.columns}

    def pending(self, timeout: float = 10.0) -> str:
        """The id of the record of the request in flight, once committed."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.engine.connect() as connection:
                found = connection.execute(
                    select(Interaction.id).where(Interaction.state == "pending")).scalar()
            if found is not None:
                return str(found)
            time.sleep(0.02)
        raise AssertionError("no pending record")

    def chained(self, record_id: str, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            row = self.row(record_id)
            if row["seq"] is not None:
                return row
            time.sleep(0.05)
        raise AssertionError(f"record {record_id} never chained")

    def sql(self, statement: str, **params: Any) -> None:
        with self.engine.begin() as connection:
            connection.execute(text(statement), params)


@pytest.fixture
def sealed(databases: Databases, _fake_openai_server: FakeOpenAIProvider, tmp_path: Path,
           monkeypatch: pytest.MonkeyPatch) -> Iterator[Sealed]:
    monkeypatch.setenv(UPSTREAM_KEY_ENV, UPSTREAM_KEY)
    catalogue = catalogue_for(_fake_openai_server.url)
    for entry in catalogue["models"]:
        if entry["name"] == "fake-error-500":
            entry["fallbacks"] = ["gpt-test"]
    models = tmp_path / "models.yaml"
    models.write_text(yaml.safe_dump(catalogue))
    policies = tmp_path / "policies"
    policies.mkdir()
    (policies / "open.yaml").write_text("description: open\ndefaults: {action: allow}\n")
    url = databases.new(f"seals_{uuid.uuid4().hex[:8]}")
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        _, token = create_key(session, SECRET.encode(), user="scelle@exemple.fr",
                              department="ventes")
    settings = Settings(database_url=url, secret_key=SECRET, models_file=models,
                        policies_dir=policies, redaction_enabled=False, upstream_retries=0)
    env = gateway_env(url, models)
    env["GATEWAY_POLICIES_DIR"] = str(policies)
    try:
        with ServerThread(create_app(settings)) as server:
            yield Sealed(server.url, engine, token, env)
    finally:
        engine.dispose()


def _broken(report: Report, sealed: Sealed | None = None, record_id: str = "") -> tuple[
        str, str | None]:
    if report.broken is None and sealed is not None and record_id:
        row = sealed.row(record_id)
        raise AssertionError(f"verify says intact: {report} ; record {row}")
    assert report.broken is not None, "verify says intact"
    return report.broken.reason, report.broken.id


def test_a_sealed_log_verifies_with_and_without_the_secret(sealed: Sealed) -> None:
    ids = [sealed.send(model).headers["x-gateway-interaction-id"]
           for model in ("gpt-test", "echo", "fake-error-500", "nope")]
    rows = [sealed.chained(i) for i in ids]
    assert all(r["begin_seal"] and r["end_seal"] for r in rows)
    # The fallback changed the pending record's provider: its seal was made again.
    fallback = rows[2]
    assert "fallback:gpt-test" in fallback["rule_ids"] and fallback["status_code"] == 200
    report = verify(sealed.engine, sealer=SEALER)
    assert report.intact, report.broken
    assert report.seals == len(ids)
    assert verify(sealed.engine).seals is None  # without the secret: the chain alone


def test_a_pending_record_edited_before_its_link_is_caught(sealed: Sealed) -> None:
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(sealed.send, "fake-slow", "le budget 2027")
        victim = sealed.pending()
        # An insider with write access to the database rewrites what was asked, and who
        # asked, while the request is still with the provider.
        sealed.sql("UPDATE interactions SET prompt = :p, department = 'direction' "
                   "WHERE id = :id", p='[{"role":"user","content":"rien"}]', id=victim)
        assert _broken(verify(sealed.engine, sealer=SEALER)) == ("sealed", victim)
        assert answer.result().status_code == 200
    row = sealed.chained(victim)
    # The writer links a record from the values it wrote, not from what the database holds
    # by then: the chain alone catches the edit as well.
    alone = verify(sealed.engine)
    assert alone.broken is not None and alone.broken.id == victim
    assert alone.broken.seq == row["seq"]
    report = verify(sealed.engine, sealer=SEALER)
    assert report.broken is not None, "verify says intact"
    assert report.broken.id == victim and report.broken.reason in ("content", "sealed")
    assert report.broken.seq == row["seq"] and "prompt" in report.broken.message
    # The CLI checks the seals with the server secret from the environment.
    cli = run_cli("audit", "verify", "--json", env=sealed.env, check=False)
    assert cli.returncode == 1
    assert json.loads(cli.stdout)["broken"]["reason"] in ("content", "sealed")


def test_a_removed_seal_is_caught(sealed: Sealed) -> None:
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(sealed.send, "fake-slow")
        victim = sealed.pending()
        assert verify(sealed.engine, sealer=SEALER).intact  # in flight, untouched
        # Clearing the seal does not make the record editable unseen.
        sealed.sql("UPDATE interactions SET begin_seal = NULL, model = 'echo' WHERE id = :id",
                   id=victim)
        assert _broken(verify(sealed.engine, sealer=SEALER), sealed, victim) == (
            "unsealed", victim)
        assert answer.result().status_code == 200
    assert _broken(verify(sealed.engine, sealer=SEALER), sealed, victim) == ("unsealed", victim)


def test_an_outcome_rewritten_with_its_link_is_caught(sealed: Sealed) -> None:
    """An insider who edits an answer's figures and recomputes the link (the last one, so
    only the head moves) fools the chain, not the seal keyed by the server secret."""
    done = sealed.send("gpt-test").headers["x-gateway-interaction-id"]
    row = {**sealed.chained(done), "completion_tokens": 1}
    with sealed.engine.connect() as connection:
        raw = connection.execute(select(*(INTERACTIONS_TABLE.c[name]
                                          for name in INTERACTION_FIELDS))
                                 .where(INTERACTIONS_TABLE.c.id == done)).one()
    forged = interaction_digest([1 if name == "completion_tokens" else value
                                 for name, value in zip(INTERACTION_FIELDS, raw, strict=True)])
    sealed.sql("UPDATE interactions SET completion_tokens = 1, hash = :h WHERE id = :id",
               h=forged, id=done)
    sealed.sql("UPDATE audit_chain_heads SET hash = :h WHERE name = 'interactions'", h=forged)
    assert verify(sealed.engine).intact, "the chain alone is fooled"
    report = verify(sealed.engine, sealer=SEALER)
    assert _broken(report) == ("sealed", done) and report.broken is not None
    assert report.broken.seq == row["seq"]


def test_a_record_forged_with_an_old_date_is_caught(sealed: Sealed) -> None:
    """Records without seals pass only if the audit.sealing event names them as written
    before sealing began: a date before the migration does not make a forgery legacy."""
    done = sealed.send("gpt-test").headers["x-gateway-interaction-id"]
    forged = {**sealed.chained(done), "id": str(uuid.uuid4()), "seq": None, "prev_hash": None,
              "hash": None, "begin_seal": None, "end_seal": None,
              "created_at": datetime(2020, 1, 1, tzinfo=UTC), "prompt": "[]"}
    with sealed.engine.begin() as connection:
        connection.execute(insert(Interaction), [forged])
    assert _broken(verify(sealed.engine, sealer=SEALER), sealed, forged["id"]) == (
        "unsealed", forged["id"])
    # Once the writer has linked it (it links every finished record), still caught.
    sealed.send("echo")
    sealed.chained(forged["id"])
    assert _broken(verify(sealed.engine, sealer=SEALER), sealed, forged["id"]) == (
        "unsealed", forged["id"])


def test_a_crash_faked_in_the_database_is_caught(sealed: Sealed) -> None:
    """Marking a pending record interrupted by hand (what a crash sweep writes) hides its
    outcome: the gateway's own sweeps seal their mark, a hand-written one has none."""
    with ThreadPoolExecutor(1) as pool:
        answer = pool.submit(sealed.send, "fake-slow")
        victim = sealed.pending()
        sealed.sql("UPDATE interactions SET state = 'interrupted', decision = 'error', "
                   "error = :e WHERE id = :id", e=INTERRUPTED_ERROR, id=victim)
        assert _broken(verify(sealed.engine, sealer=SEALER), sealed, victim) == (
            "unsealed", victim)
        answer.result()
    # The late answer completed it (it was not linked yet): sealed again, intact.
    assert sealed.chained(victim)["state"] == "complete"
    assert verify(sealed.engine, sealer=SEALER).intact


def test_the_sweeps_seal_the_records_of_a_dead_process(databases: Databases) -> None:
    engine = chained_db(databases, "sweeps", 3)
    orphans = [audit_row(10 + i, state="pending", response=None, completed_at=None,
                         prompt_tokens=None, completion_tokens=None, cost=None,
                         latency_ms=None, upstream_latency_ms=None, status_code=None,
                         boot_id=boot) for i, boot in enumerate(("dead0", None))]
    with engine.begin() as connection:  # as the dead process's writer wrote them
        connection.execute(insert(INTERACTIONS_TABLE), [SEALER.seal_insert(r) for r in orphans])
    me = liveness.register(engine)
    assert liveness.sweep(engine, me, 60.0, SEALER) == 1  # its process is not registered
    assert mark_interrupted(engine, 0.0, SEALER) == 1  # written before processes were tracked
    with engine.connect() as connection:
        marks = connection.execute(select(INTERACTIONS_TABLE.c.state, INTERACTIONS_TABLE.c.end_seal)
                                   .where(INTERACTIONS_TABLE.c.id.in_([r["id"] for r in orphans]))
                                   ).all()
    assert [state for state, _ in marks] == ["interrupted", "interrupted"]
    assert all(seal for _, seal in marks)
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.broken
    engine.dispose()


def test_verify_reads_one_snapshot(databases: Databases) -> None:
    """A record written while verify runs is not half seen: the chain walk and the pass over
    unchained records read the same snapshot (on SQLite the driver began none for reads, and
    a record linked between the two was checked by neither)."""
    engine = chained_db(databases, "snapshot", 5)
    other = create_engine(engine.url)
    if databases.backend == "sqlite":  # as the gateway runs it: readers never block writers
        with other.connect() as connection:
            connection.exec_driver_sql("PRAGMA journal_mode=WAL")
    written: list[str] = []

    def write_meanwhile(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if written or not statement.lstrip().upper().startswith("SELECT"):
            return
        forged = audit_row(99, created_at=datetime(2020, 1, 1, tzinfo=UTC))
        with other.begin() as connection:  # unsealed: verify would name it
            connection.execute(insert(INTERACTIONS_TABLE), [forged])
        written.append(forged["id"])

    event.listen(engine, "after_cursor_execute", write_meanwhile)
    try:
        report = verify(engine, sealer=SEALER)
    finally:
        event.remove(engine, "after_cursor_execute", write_meanwhile)
    assert written and report.intact, report.broken
    assert _broken(verify(engine, sealer=SEALER)) == ("unsealed", written[0])
    other.dispose()
    engine.dispose()


def test_records_written_while_downgraded_are_named_by_the_next_upgrade(
    databases: Databases,
) -> None:
    """A downgrade below 0012 and an upgrade again: what the older version wrote meanwhile
    (no seal columns then) is named by the second audit.sealing event, not called forged."""
    engine = chained_db(databases, "cycle", 3)
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    migrate.downgrade(url, "0009_chain_format")
    engine = create_engine(url)
    with engine.begin() as connection:  # the older writer: no seal columns to fill
        connection.execute(insert(INTERACTIONS_TABLE), [audit_row(50), audit_row(51)])
        chain_finished(connection)
        connection.execute(insert(INTERACTIONS_TABLE), [audit_row(52, state="pending")])
    engine.dispose()
    migrate.upgrade(url)
    engine = create_engine(url)
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.broken
    # The downgrade dropped the seal columns, and the seals of the first three with them.
    assert (report.seals, report.chains[0].checked) == (0, 5)
    engine.dispose()

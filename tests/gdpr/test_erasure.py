"""Erasing a person: four eyes, refused under a legal hold, the chain still verifying, and no
byte of their e-mail or prompt left in the database files (issue 20)."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from gateway.audit.reading.journal import CommandLine, record_access
from gateway.audit.verify import verify
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.db.base import utcnow
from gateway.errors import ConflictError
from gateway.gdpr import erasure
from gateway.review.service import Reviewer, decide
from tests.audit._helpers import add_records, row, sql
from tests.conftest import Databases
from tests.support.processes import run_cli

VICTIM = "camille.victime@exemple.fr"
SECRET_TEXT = "Le dossier Zorglub-4471 concerne la mutation de Camille"
ANSWER = "Réponse sur le dossier Zorglub-4471"


def _build(engine: Engine) -> None:
    """Records of the victim and of others; a key, a review, a search for the victim."""
    mine = [row(i, user_email=VICTIM, prompt=f"{SECRET_TEXT} ({i})", response=ANSWER)
            for i in range(0, 8)]
    mine[2].update(decision="held")
    others = [row(i) for i in range(8, 20)]
    add_records(engine, mine + others)
    # A record completed like the gateway does: inserted pending, then completed.
    add_records(engine, [row(30, user_email=VICTIM, state="pending", prompt=SECRET_TEXT,
                             response=None)])
    sql(engine, "UPDATE interactions SET state = 'complete', response = :r WHERE seq IS NULL",
        r=ANSWER)
    add_records(engine, [])
    with Session(engine) as session, session.begin():
        create_key(session, b"s" * 32, user=VICTIM, department="rh")
        create_key(session, b"s" * 32, user="autre@exemple.fr", department="rh")
        decide(session, mine[2]["id"], "approved", reviewer=Reviewer("relecteur@exemple.fr"),
               comment=f"Accordé pour {VICTIM}", now=utcnow(), approval_ttl_s=60)
        record_access(session, CommandLine("cli:dpo"), "cli logs export",
                      filters={"user": VICTIM}, record_ids=[mine[0]["id"]],
                      reason=f"demande de {VICTIM}")


@pytest.fixture
def log(databases: Databases) -> Iterator[tuple[str, Engine]]:
    url = databases.new(f"erase_{secrets.token_hex(3)}")
    migrate.upgrade(url)
    engine = create_engine(url)
    _build(engine)
    assert verify(engine).intact
    yield url, engine
    engine.dispose()


def _cli(url: str, *args: str, check: bool = True) -> dict:  # type: ignore[type-arg]
    env = {**os.environ, "GATEWAY_DATABASE_URL": url, "GATEWAY_SECRET_KEY": "s" * 40}
    result = run_cli("gdpr", *args, "--json", env=env, check=check)
    return {"code": result.returncode, **json.loads(result.stdout)}


def _traces(engine: Engine, url: str) -> list[str]:
    """Where the e-mail or the prompt still is, read from the files (SQLite) or rows
    and relation files (PostgreSQL)."""
    needles = (VICTIM.encode(), b"Zorglub-4471")
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "")
        found = []
        for file in (path, Path(f"{path}-wal"), Path(f"{path}-journal")):
            if file.exists():
                data = file.read_bytes()
                found += [f"{file.name}: {n.decode()}" for n in needles if n in data]
        return found
    found = []
    with engine.connect() as connection:
        tables = connection.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars().all()
        for table in tables:
            hits = connection.execute(text(
                f'SELECT count(*) FROM "{table}" t WHERE row_to_json(t)::text LIKE :a '
                "OR row_to_json(t)::text LIKE :b"), {"a": f"%{VICTIM}%", "b": "%Zorglub-4471%"}
            ).scalar()
            if hits:
                found.append(f"rows of {table}")
        relations = connection.execute(text(
            "SELECT c.relname, pg_relation_filepath(c.oid) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind IN ('r', 'i', "
            "'t') AND pg_relation_filepath(c.oid) IS NOT NULL")).all()
        for name, filepath in relations:
            data = connection.execute(text("SELECT pg_read_binary_file(:p, 0, "
                                           "(pg_stat_file(:p)).size)"), {"p": filepath}).scalar()
            found += [f"file of {name}: {n.decode()}" for n in needles if n in bytes(data)]
    return found


def test_erasure_forgets_the_person_and_the_chain_verifies(log: tuple[str, Engine]) -> None:
    url, engine = log
    engine.dispose()
    assert _traces(engine, url)  # the needles are there to begin with
    asked = _cli(url, "erase", "--user", VICTIM, "--reason", "Demande art. 17 du 2026-12-01",
                 "--by", "dpo@exemple.fr")
    assert asked["status"] == "pending"
    same = _cli(url, "erase", "--confirm", asked["id"], "--by", "DPO@exemple.fr", check=False)
    assert same["code"] == 1 and "Quatre yeux" in same["error"]["message"]
    done = _cli(url, "erase", "--confirm", asked["id"], "--by", "rssi@exemple.fr",
                "--vacuum", "full")
    assert done["status"] == "done" and done["result"]["records"] == 9
    report = verify(engine)
    assert report.intact, report.broken
    records = report.chains[0]
    assert (records.checked, records.erased) == (21, 9)
    assert _traces(engine, url) == []


def test_the_other_people_stay_checked(log: tuple[str, Engine]) -> None:
    _, engine = log
    with Session(engine) as session, session.begin():
        asked = erasure.request(session, VICTIM, "Demande art. 17", erasure.Admin("a@x.fr"),
                                legal_hold=False)
        erasure.confirm(session, asked.id, erasure.Admin("b@x.fr"), legal_hold=False)
    assert verify(engine).intact
    sql(engine, "UPDATE interactions SET prompt = 'autre' WHERE seq = 15")
    report = verify(engine)
    assert report.broken is not None and report.broken.reason == "content"


def test_erasure_is_refused_under_a_legal_hold(log: tuple[str, Engine]) -> None:
    url, engine = log
    held = _cli(url, "hold", "--user", VICTIM, "--by", "juriste@exemple.fr")
    assert held["legal_hold"] is True
    refused = _cli(url, "erase", "--user", VICTIM, "--reason", "Demande", "--by", "a@x.fr",
                   check=False)
    assert refused["code"] == 1 and "legal hold" in refused["error"]["message"]
    _cli(url, "hold", "--user", VICTIM, "--release", "--by", "juriste@exemple.fr")
    with Session(engine) as session, session.begin():
        asked = erasure.request(session, VICTIM, "Demande", erasure.Admin("a@x.fr"),
                                legal_hold=False).id
    with Session(engine) as session, session.begin(), pytest.raises(ConflictError):
        # GATEWAY_LEGAL_HOLD: the whole gateway is on hold, a pending request waits.
        erasure.confirm(session, asked, erasure.Admin("b@x.fr"), legal_hold=True)
    assert verify(engine).intact

"""Retention erases content and deletes a prefix of the chain; verification still holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import Engine, func, select, text

from gateway.audit.integrity import INTERACTIONS_TABLE
from gateway.audit.retention import purge
from gateway.audit.verify import verify
from gateway.db.base import utcnow
from tests.audit._helpers import T0, add_records, broken, chained_db, row, sql
from tests.conftest import Databases, Gateway

NOW = T0 + timedelta(days=400)


@pytest.fixture
def log(databases: Databases) -> Iterator[Engine]:
    engine = chained_db(databases, "retention", 0)
    # 10 records a year old, 10 two months old, 10 from today.
    add_records(engine, [row(i, T0 + timedelta(minutes=i)) for i in range(10)]
                + [row(i, NOW - timedelta(days=100, minutes=-i)) for i in range(10, 20)]
                + [row(i, NOW - timedelta(minutes=i)) for i in range(20, 30)])
    yield engine
    engine.dispose()


def test_purge_erases_then_deletes_and_the_log_still_verifies(log: Engine) -> None:
    result = purge(log, content_days=90, metadata_days=365, now=NOW, batch=4)
    assert result.contents_erased == 20 and result.deleted["interactions"] == 10
    with log.connect() as connection:
        kept = connection.execute(select(func.count()).select_from(INTERACTIONS_TABLE)).scalar()
        erased = connection.execute(select(func.count()).select_from(INTERACTIONS_TABLE).where(
            INTERACTIONS_TABLE.c.prompt.is_(None), INTERACTIONS_TABLE.c.prompt_hash.is_not(None),
        )).scalar()
    assert (kept, erased) == (20, 10)
    report = verify(log)
    assert report.intact, report.broken
    assert report.chains[0].anchor_seq == 10 and report.chains[0].first_seq == 11
    assert report.chains[0].purged == 10  # kept records whose content a chained marker covers
    # When sealing began (migration), the content marker, the purge event.
    assert report.chains[1].checked == 3
    # Running again changes nothing and stays valid.
    again = purge(log, content_days=90, metadata_days=365, now=NOW)
    assert again.contents_erased == 0 and again.deleted["interactions"] == 0
    assert verify(log).intact


def test_content_emptied_past_the_purge_marker_is_caught(log: Engine) -> None:
    """A NULL prompt is never taken for a purge: only the records the marker covers."""
    purge(log, content_days=90, metadata_days=365, now=NOW)
    assert verify(log).intact
    sql(log, "UPDATE interactions SET prompt = NULL WHERE seq = 25")
    assert broken(log)[:2] == ("content_removed", 25)


def test_a_forged_anchor_is_caught(log: Engine) -> None:
    purge(log, content_days=90, metadata_days=365, now=NOW)
    sql(log, "DELETE FROM interactions WHERE seq <= 12")
    with log.connect() as connection:
        digest = connection.execute(text("SELECT hash FROM interactions WHERE seq = 12")).scalar()
    sql(log, "UPDATE audit_chain_heads SET anchor_seq = 12, anchor_hash = :h "
        "WHERE name = 'interactions'", h=digest or "x")
    assert broken(log)[0] in ("anchor", "link")


def test_purge_stops_at_a_gap(log: Engine) -> None:
    sql(log, "DELETE FROM interactions WHERE seq = 5")
    purge(log, content_days=90, metadata_days=365, now=NOW)
    assert broken(log)[:2] == ("missing", 5)


def test_purge_and_verify_commands(gw: Gateway, databases: Databases) -> None:
    engine = chained_db(databases, "cli", 0)
    try:
        old = utcnow() - timedelta(days=400)
        add_records(engine, [row(i, old + timedelta(minutes=i)) for i in range(5)])
        env = {**gw.env, "GATEWAY_DATABASE_URL": engine.url.render_as_string(hide_password=False)}
        gateway = Gateway(gw.url, gw.settings, engine, env, gw.fake)
        out = json.loads(gateway.cli("audit", "verify", "--json").stdout)
        assert out["intact"] and out["chains"][0]["checked"] == 5
        purged = json.loads(gateway.cli("retention", "purge", "--json").stdout)
        assert purged["deleted"]["interactions"] == 5
        assert "Intact" in gateway.cli("audit", "verify").stdout
        sql(engine, "UPDATE audit_events SET kind = 'x'")
        failed = gateway.cli("audit", "verify", "--json", check=False)
        assert failed.returncode == 1
        assert json.loads(failed.stdout)["broken"]["reason"] == "altered"
    finally:
        engine.dispose()

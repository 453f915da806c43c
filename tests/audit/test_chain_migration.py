"""Migration 0009_chain_format: a log written in format 1 is moved to format 2 and verifies.

The log is built at the previous head revision (0007_identity) with format 1's own code
(tests/audit/_format1.py: e-mails in clear, plain SHA-256 of the content), then upgraded
through Alembic like ``gateway db upgrade`` does.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, select, text

from gateway.audit import integrity
from gateway.audit.verify import verify
from gateway.db import migrate
from tests.audit import _format1 as format1
from tests.audit._helpers import T0, broken, id_at, row, sql
from tests.conftest import Databases

PREVIOUS = "0007_identity"
REVIEWER = "relectrice@exemple.fr"


def _format1_row(i: int, **extra: Any) -> dict[str, Any]:
    record = row(i, **extra)
    for name in ("subject_id", "user_hash"):
        record.pop(name, None)
    return record


def _build_format1(engine: Engine, count: int = 12) -> None:
    """Records (two emptied by a format-1 purge, one held then approved) and key events."""
    rows = [_format1_row(i) for i in range(count)]
    rows[3].update(decision="held")
    with engine.begin() as connection:
        connection.execute(insert(format1.INTERACTIONS_TABLE), rows)
        format1.chain_finished(connection)
        format1.append_event(connection, "key.created", key_id="key_test", detail={
            "user": "user1@exemple.fr", "department": "ventes", "role": "employee"})
        # A review as format 1 chained it: the reviewer's e-mail in the detail.
        connection.execute(text(
            "INSERT INTO review_decisions (interaction_id, action, comment, reviewer, "
            "decided_at, user_email) VALUES (:i, 'approved', 'ok pour ce client', :r, :t, :u)"),
            {"i": rows[3]["id"], "r": REVIEWER, "t": T0, "u": rows[3]["user_email"]})
        format1.append_event(connection, "review.approved", detail={
            "interaction_id": rows[3]["id"], "reviewer": REVIEWER, "previous_decision": "held"})
        connection.execute(text("UPDATE interactions SET decision = 'approved' WHERE id = :i"),
                           {"i": rows[3]["id"]})
        # Retention in format 1: content emptied, its plain hash kept.
        connection.execute(text("UPDATE interactions SET prompt = NULL, response = NULL "
                                "WHERE seq IN (1, 2)"))


@pytest.fixture
def format1_log(databases: Databases) -> Iterator[tuple[str, Engine]]:
    url = databases.new(f"format1_{secrets.token_hex(3)}")
    migrate.upgrade(url, PREVIOUS)
    engine = create_engine(url)
    _build_format1(engine)
    yield url, engine
    engine.dispose()


def _migrated_event(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        detail = connection.execute(select(integrity.EVENTS_TABLE.c.detail).where(
            integrity.EVENTS_TABLE.c.kind == "chain.migrated")).scalar_one()
    return dict(detail)


def test_a_format1_log_verifies_after_the_migration(format1_log: tuple[str, Engine]) -> None:
    url, engine = format1_log
    migrate.upgrade(url)
    report = verify(engine)
    assert report.intact, report.broken
    interactions, events = report.chains
    assert (interactions.checked, interactions.last_seq, interactions.purged) == (12, 12, 2)
    # key.created, review.approved, the marker of the format-1 purge, chain.migrated,
    # audit.sealing (the next migration)
    assert events.checked == 5
    migrated = _migrated_event(engine)
    assert migrated["interactions"]["format_1_intact"] is True
    assert migrated["events"]["format_1_intact"] is True
    assert migrated["interactions"]["format_1_head_seq"] == 12
    with engine.connect() as connection:
        details = " ".join(str(d) for d in connection.execute(
            select(integrity.EVENTS_TABLE.c.detail)).scalars())
        hashes = connection.execute(text(
            "SELECT user_hash, prompt_hash, subject_id, prompt FROM interactions WHERE seq = 5"
        )).one()
    # No e-mail left in the chain, and no plain hash of a content.
    assert "@" not in details
    assert hashes.prompt_hash != format1.content_hash(hashes.prompt)
    assert hashes.user_hash and hashes.subject_id.startswith("sub_")


def test_the_migrated_log_still_catches_tampering(format1_log: tuple[str, Engine]) -> None:
    url, engine = format1_log
    migrate.upgrade(url)
    victim = id_at(engine, 6)
    sql(engine, "UPDATE interactions SET user_email = 'autre@exemple.fr' WHERE id = :id",
        id=victim)
    assert broken(engine) == ("content", 6, victim)


def test_a_broken_format1_log_is_migrated_and_says_so(format1_log: tuple[str, Engine]) -> None:
    url, engine = format1_log
    sql(engine, "UPDATE interactions SET cost = 42 WHERE seq = 8")
    migrate.upgrade(url)
    migrated = _migrated_event(engine)
    assert migrated["interactions"]["format_1_intact"] is False
    assert "seq 8" in migrated["interactions"]["format_1_break"]


def test_a_new_database_starts_in_format_2(databases: Databases) -> None:
    url = databases.new(f"fresh_{secrets.token_hex(3)}")
    migrate.upgrade(url)
    engine = create_engine(url)
    try:
        assert verify(engine).intact
        with engine.connect() as connection:
            kinds = connection.execute(text("SELECT kind FROM audit_events")).scalars().all()
        assert kinds == ["audit.sealing"]  # no chain.migrated: nothing to migrate
    finally:
        engine.dispose()


def test_records_emptied_after_the_migration_need_a_new_marker(
    format1_log: tuple[str, Engine],
) -> None:
    url, engine = format1_log
    migrate.upgrade(url)
    sql(engine, "UPDATE interactions SET response = NULL WHERE seq = 9")
    assert broken(engine)[:2] == ("content_removed", 9)



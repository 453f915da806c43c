"""Every kind of tampering is caught by ``verify``, which names the first broken record."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, select

from gateway.audit import integrity, subjects
from gateway.audit.integrity import INTERACTION_FIELDS, INTERACTIONS_TABLE
from gateway.audit.verify import verify
from tests.audit._helpers import T0, add_records, broken, chained_db, id_at, row, sql
from tests.conftest import Databases


@pytest.fixture
def log(databases: Databases) -> Iterator[Engine]:
    engine = chained_db(databases, "tamper", 20)
    yield engine
    engine.dispose()


def test_an_untouched_log_verifies(log: Engine) -> None:
    report = verify(log)
    assert report.intact, report.broken
    chain = report.chains[0]
    assert (chain.checked, chain.first_seq, chain.last_seq, chain.head_seq) == (20, 1, 20, 20)


def test_pending_records_are_not_chained_until_final(log: Engine) -> None:
    add_records(log, [row(100, state="pending", response=None)])
    report = verify(log)
    assert report.intact and report.chains[0].head_seq == 20
    sql(log, "UPDATE interactions SET state = 'complete' WHERE seq IS NULL")
    assert verify(log).chains[0].unchained == 1
    add_records(log, [])  # the next group commit links it
    report = verify(log)
    assert report.intact and report.chains[0].last_seq == 21


def test_an_edited_field_is_caught(log: Engine) -> None:
    victim = id_at(log, 7)
    sql(log, "UPDATE interactions SET decision = 'allowed' WHERE id = :id", id=victim)
    assert broken(log) == ("altered", 7, victim)


def test_edited_content_is_caught(log: Engine) -> None:
    victim = id_at(log, 3)
    sql(log, "UPDATE interactions SET response = 'autre chose' WHERE id = :id", id=victim)
    assert broken(log) == ("content", 3, victim)


@pytest.mark.parametrize("column", ["prompt", "response"])
def test_content_set_to_null_on_a_fresh_record_is_caught(log: Engine, column: str) -> None:
    """No retention marker covers it: a NULL is not taken for a purge."""
    victim = id_at(log, 12)
    sql(log, f"UPDATE interactions SET {column} = NULL WHERE id = :id", id=victim)
    assert broken(log) == ("content_removed", 12, victim)


def test_a_deleted_person_key_is_caught(log: Engine) -> None:
    """Deleting a person's key (the erasure's last step) without a chained erasure."""
    victim = id_at(log, 2)
    sql(log, "DELETE FROM audit_subjects WHERE id = "
        "(SELECT subject_id FROM interactions WHERE id = :id)", id=victim)
    assert broken(log)[0] == "subject"


def test_a_deleted_record_is_caught(log: Engine) -> None:
    sql(log, "DELETE FROM interactions WHERE seq = 9")
    assert broken(log) == ("missing", 9, None)


def test_a_deleted_last_record_is_caught(log: Engine) -> None:
    sql(log, "DELETE FROM interactions WHERE seq = 20")
    assert broken(log)[:2] == ("truncated", 20)


def _forge(connection: Connection, record: dict[str, Any], seq: int) -> dict[str, Any]:
    """A record linked as the gateway would link it at ``seq``, with its own person's key."""
    prev = connection.execute(
        select(INTERACTIONS_TABLE.c.hash).where(INTERACTIONS_TABLE.c.seq == seq - 1)).scalar_one()
    person = subjects.subject_for(connection, record["user_email"])
    record.update(seq=seq, prev_hash=prev, **integrity.commitments(
        person, record["id"], record["user_email"], record["prompt"], record["response"]))
    record["hash"] = integrity.interaction_digest([record.get(f) for f in INTERACTION_FIELDS])
    connection.execute(insert(INTERACTIONS_TABLE), record)
    return record


def test_an_appended_forgery_is_caught(log: Engine) -> None:
    """A well-formed link past the head: the head, locked by appends, does not name it."""
    with log.begin() as connection:
        forged = _forge(connection, row(500), 21)
    assert broken(log) == ("beyond_head", 21, forged["id"])


def test_a_record_inserted_in_the_middle_is_caught(log: Engine) -> None:
    """Renumbering to make room: the record after the forgery no longer links to it."""
    after = id_at(log, 11)
    sql(log, "UPDATE interactions SET seq = seq + 1000 WHERE seq >= 11")
    sql(log, "UPDATE interactions SET seq = seq - 999 WHERE seq >= 1011")
    with log.begin() as connection:
        _forge(connection, row(600, prompt=None, response=None), 11)
    assert broken(log) == ("link", 12, after)


@pytest.mark.parametrize("columns", ["seq", "seq, prev_hash, hash"])
def test_two_swapped_records_are_caught(log: Engine, columns: str) -> None:
    first, second = id_at(log, 5), id_at(log, 6)
    names = [c.strip() for c in columns.split(",")]
    with log.connect() as connection:
        values = {r.id: r for r in connection.execute(
            select(INTERACTIONS_TABLE.c.id, *(INTERACTIONS_TABLE.c[n] for n in names))
            .where(INTERACTIONS_TABLE.c.id.in_([first, second])))}
    sql(log, "UPDATE interactions SET seq = -1 WHERE id = :id", id=first)
    for target, source in ((second, first), (first, second)):
        assignments = ", ".join(f"{n} = :{n}" for n in names)
        sql(log, f"UPDATE interactions SET {assignments} WHERE id = :id", id=target,
            **{n: getattr(values[source], n) for n in names})
    reason, seq, named = broken(log)
    assert (seq, named) == (5, second) and reason in ("link", "altered")


def test_key_changes_are_chained_and_checked(log: Engine) -> None:
    from sqlalchemy.orm import Session

    from gateway.auth.keys import create_key, revoke_key

    with Session(log) as session, session.begin():
        key, _ = create_key(session, b"s" * 32, user="ana@exemple.fr", department="rh")
        key_id = key.id
    with Session(log) as session, session.begin():
        revoke_key(session, key_id)
    report = verify(log)
    # When sealing began (migration), the person the key was issued to, the key, its
    # revocation.
    assert report.intact and report.chains[1].checked == 4
    sql(log, "UPDATE audit_events SET detail = :d WHERE kind = 'key.created'",
        d='{"department": "rh", "role": "admin", "tool": null}')
    reason, seq, _ = broken(log)
    assert (reason, seq) == ("altered", 3)  # after audit.sealing and the person


def test_a_range_is_checked_from_its_first_record(log: Engine) -> None:
    report = verify(log, since=T0.replace(second=5), until=T0.replace(second=12))
    assert report.intact and (report.chains[0].first_seq, report.chains[0].last_seq) == (6, 12)
    victim = id_at(log, 15)
    sql(log, "UPDATE interactions SET cost = 99 WHERE id = :id", id=victim)
    assert verify(log, since=T0.replace(second=5), until=T0.replace(second=12)).intact
    assert broken(log, since=T0.replace(second=12)) == ("altered", 15, victim)

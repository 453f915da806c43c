"""Everything decided is in the chain, and ``verify`` holds the tables to it (issue 16).

Keys, people's roles, review decisions and the access journal live in tables of their own;
their chained events let ``verify`` catch an edit or a deletion made directly in the
database, which it reported as intact before.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.audit.reading.journal import CommandLine, record_access
from gateway.audit.retention import purge
from gateway.audit.verify import verify
from gateway.auth.keys import create_key
from gateway.db.base import utcnow
from gateway.identity.people import by_email, set_profile
from gateway.review.service import Reviewer, decide
from tests.audit._helpers import T0, add_records, broken, chained_db, id_at, row, sql
from tests.conftest import Databases

REVIEWER = "relectrice@exemple.fr"


@pytest.fixture
def log(databases: Databases) -> Iterator[Engine]:
    engine = chained_db(databases, "decided", 6)
    add_records(engine, [row(50, decision="held")])
    with Session(engine) as session, session.begin():
        create_key(session, b"s" * 32, user="ana@exemple.fr", department="rh")
        decide(session, id_at(engine, 7), "approved", reviewer=Reviewer(REVIEWER),
               comment="Validé : client connu.", now=utcnow(), approval_ttl_s=60)
        record_access(session, CommandLine("cli:auditeur"), "cli logs export",
                      filters={"user": "user1@exemple.fr"}, record_ids=[id_at(engine, 2)])
    assert verify(engine).intact, verify(engine).broken
    yield engine
    engine.dispose()


def test_a_key_turned_admin_in_the_table_is_caught(log: Engine) -> None:
    sql(log, "UPDATE api_keys SET role = 'admin'")
    reason, _, key_id = broken(log)
    assert reason == "key_altered" and key_id and key_id.startswith("key_")


def test_a_revocation_undone_in_the_table_is_caught(log: Engine) -> None:
    from gateway.auth.keys import list_keys, revoke_key

    with Session(log) as session, session.begin():
        revoke_key(session, list_keys(session)[0].id)
    assert verify(log).intact
    sql(log, "UPDATE api_keys SET revoked_at = NULL")
    assert broken(log)[0] == "key_altered"


def test_a_person_role_changed_in_the_table_is_caught(log: Engine) -> None:
    with Session(log) as session, session.begin():
        person = by_email(session, "ana@exemple.fr")
        assert person is not None
        set_profile(session, person, by="test", role="reviewer")
    assert verify(log).intact  # a change made by the gateway is chained
    sql(log, "UPDATE people SET role = 'admin'")
    assert broken(log)[0] == "person_altered"


# Rows written straight into a table, never issued, created or decided by the gateway.
INSERTED = {
    "a key": ("INSERT INTO api_keys (id, prefix, secret_hash, user_email, department, role, "
              "tags, created_at, kind) VALUES ('key_forged', 'gw-x', 'h', 'm@exemple.fr', "
              "'it', 'admin', '[]', :t, 'issued')", "key_unchained"),
    "a person": ("INSERT INTO people (id, email, department, role, active, source, "
                 "created_at, updated_at, legal_hold) VALUES ('per_forged', 'f@exemple.fr', "
                 "'it', 'admin', true, 'local', :t, :t, false)", "person_unchained"),
    "a review decision": ("INSERT INTO review_decisions (interaction_id, action, comment, "
                          "reviewer, decided_at, user_email) VALUES (:record, 'approved', "
                          "'ok', 'x@exemple.fr', :t, 'user1@exemple.fr')", "review_unchained"),
}


@pytest.mark.parametrize("what", list(INSERTED))
def test_a_row_inserted_by_hand_is_caught(log: Engine, what: str) -> None:
    statement, reason = INSERTED[what]
    sql(log, statement, t=utcnow(), record=id_at(log, 3))
    assert broken(log)[0] == reason


@pytest.mark.parametrize("column, value", [
    ("comment", "Validé sans réserve."), ("reviewer", "quelquun@exemple.fr")])
def test_a_review_decision_edited_is_caught(log: Engine, column: str, value: str) -> None:
    sql(log, f"UPDATE review_decisions SET {column} = :v", v=value)
    reason, _, named = broken(log)
    assert reason == "review_altered" and named == id_at(log, 7)


def test_a_review_decision_deleted_is_caught(log: Engine) -> None:
    sql(log, "DELETE FROM review_decisions")
    # The record says approved but no decision backs it, and the chained decision is gone.
    assert broken(log)[0] in ("altered", "review_missing")
    sql(log, "UPDATE interactions SET decision = 'held' WHERE id = :id", id=id_at(log, 7))
    assert broken(log)[0] == "review_missing"


def test_access_journal_rows_deleted_are_caught(log: Engine) -> None:
    sql(log, "DELETE FROM access_log")
    assert broken(log)[0] == "journal_missing"


def test_an_access_journal_row_edited_is_caught(log: Engine) -> None:
    sql(log, "UPDATE access_log SET record_count = 0, filters = '{}'")
    assert broken(log)[0] == "journal_altered"


def test_an_access_journal_row_inserted_is_caught(log: Engine) -> None:
    sql(log, "INSERT INTO access_log (created_at, user_email, role, endpoint, filters, "
        "record_ids, record_count) VALUES (:t, 'x@exemple.fr', 'auditor', 'GET /', '{}', "
        "'[]', 0)", t=utcnow())
    assert broken(log)[0] == "journal_unchained"


def test_the_journal_purged_by_retention_still_verifies(log: Engine) -> None:
    """The purge chains its marker first: its deletions are not taken for tampering."""
    purge(log, content_days=1, metadata_days=10_000, access_log_days=1,
          now=utcnow() + (utcnow() - T0))
    report = verify(log)
    assert report.intact, report.broken

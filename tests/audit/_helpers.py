"""Build chained logs directly in the database, and tamper with them."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text

from gateway.audit.integrity import INTERACTIONS_TABLE, chain_finished
from gateway.audit.models import COMPLETE, PENDING
from gateway.audit.seal import Sealer
from gateway.audit.verify import Report, verify
from gateway.db import migrate
from gateway.db.base import utcnow
from tests.conftest import SECRET, Databases

# These rows stand for records the gateway wrote: sealed with the tests' server secret, as
# its writer seals them, so verify with that secret (the CLI's) finds them intact.
SEALER = Sealer(SECRET.encode())

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def row(i: int, created_at: datetime | None = None, **extra: Any) -> dict[str, Any]:
    created = created_at or T0 + timedelta(seconds=i)
    return {
        "id": str(uuid.UUID(int=i + 1)), "created_at": created,
        "completed_at": created + timedelta(milliseconds=250), "state": COMPLETE,
        "key_id": "key_test", "user_email": f"user{i % 7}@exemple.fr", "department": "ventes",
        "role": "employee", "tool": "curl", "endpoint": "/v1/chat/completions",
        "model": "echo", "provider": "echo", "upstream_model": "echo", "decision": "redacted",
        "rule_ids": ["pii-redact"], "policy_version": "v1", "pii_findings": {"PERSON": 1},
        "prompt": f"question {i}", "response": f"réponse {i}", "prompt_tokens": 3,
        "completion_tokens": 5, "cost": 0.0001 * i, "latency_ms": 12.5,
        "upstream_latency_ms": 3.25, "status_code": 200, "error": None, "stream": False,
        **extra,
    }


def pending_row(record_id: str, **values: Any) -> dict[str, Any]:
    """A record as the writer inserts it when its request begins (pending, not yet
    chained), ``values`` over it."""
    return {
        "id": record_id, "created_at": utcnow(), "key_id": "k", "user_email": "a@exemple.fr",
        "department": "ventes", "role": "employee", "tool": "curl",
        "endpoint": "/v1/chat/completions", "model": "echo", "provider": "echo",
        "upstream_model": "echo", "decision": "allowed", "rule_ids": [],
        "policy_version": "v1", "pii_findings": {}, "stream": False, "state": PENDING,
        "prompt": "[]", "request_fingerprint": None, "prompt_encrypted": None,
        "content_key_id": None, **values,
    }


def chained_db(databases: Databases, label: str, count: int = 20) -> Engine:
    """A migrated database holding ``count`` chained records."""
    url = databases.new(f"{label}_{secrets.token_hex(3)}")
    migrate.upgrade(url)
    engine = create_engine(url)
    add_records(engine, [row(i) for i in range(count)])
    return engine


def add_records(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        if rows:
            connection.execute(insert(INTERACTIONS_TABLE), [SEALER.seal_insert(r) for r in rows])
        chain_finished(connection)


def id_at(engine: Engine, seq: int) -> str:
    with engine.connect() as connection:
        return str(connection.execute(
            select(INTERACTIONS_TABLE.c.id).where(INTERACTIONS_TABLE.c.seq == seq)).scalar_one())


def sql(engine: Engine, statement: str, **params: Any) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), params)


def broken(engine: Engine, **kwargs: Any) -> tuple[str, int, str | None]:
    report: Report = verify(engine, **kwargs)
    assert report.broken is not None, "verify found nothing"
    return report.broken.reason, report.broken.seq, report.broken.id


def chain_table_rows(engine: Engine) -> None:
    """Chain review decisions and journal entries a test inserted directly, as the gateway
    would have when writing them (their events hold the commitments verify checks)."""
    from sqlalchemy.orm import Session

    from gateway.audit import subjects
    from gateway.audit.crosscheck import ACCESS_KIND, access_digest
    from gateway.audit.integrity import append_event
    from gateway.audit.reading.models import AccessLogEntry
    from gateway.review.models import ReviewDecision
    from gateway.review.service import review_commitments

    with Session(engine) as session, session.begin():
        connection = session.connection()
        for decision in session.scalars(select(ReviewDecision)):
            append_event(connection, f"review.{decision.action}", detail={
                "interaction_id": decision.interaction_id,
                **review_commitments(connection, decision)})
        for entry in session.scalars(select(AccessLogEntry)):
            reader = subjects.subject_for(connection, entry.user_email)
            append_event(connection, ACCESS_KIND, detail={
                "access_id": entry.id, "reader_subject": reader.id,
                "digest": access_digest(reader.key, entry)})

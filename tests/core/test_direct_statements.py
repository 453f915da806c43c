"""Statements run on the driver's cursor store what SQLAlchemy would (gateway/db/direct.py).

The interaction log's group commit and the counters write through
:class:`gateway.db.direct.DirectStatement` on SQLite: the same row written both ways must
leave the same bytes in the database, and a refused value the same exception class.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, insert, text
from sqlalchemy.exc import IntegrityError

from gateway.audit.batch import _INSERT, _update_statement
from gateway.db import migrate
from gateway.db.direct import DirectStatement


@pytest.fixture()
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path}/direct.db"
    migrate.upgrade(url)
    engine = create_engine(url)
    yield engine
    engine.dispose()


def _row(record_id: str) -> dict[str, Any]:
    return {
        "id": record_id, "created_at": datetime(2026, 12, 7, 13, 5, 9, 12, tzinfo=UTC),
        "state": "pending", "key_id": "k", "user_email": "léa@exemple.fr",
        "department": "ventes", "role": "employee", "tool": "curl",
        "endpoint": "/v1/chat/completions", "model": "m", "provider": None,
        "upstream_model": None, "decision": "redacted", "rule_ids": ["a", "é"],
        "policy_version": "v1", "pii_findings": {"PERSON": 2}, "stream": True,
        "prompt": "Bonjour <PERSON_1>", "request_fingerprint": None,
    }


def _stored(engine: Engine, record_id: str) -> tuple[Any, ...]:
    with engine.connect() as connection:
        # typeof() too: a value stored as text where SQLAlchemy stores an integer differs.
        columns = [name for (_, name, *_) in connection.exec_driver_sql(
            "PRAGMA table_info(interactions)")]
        select = ", ".join(f'"{name}", typeof("{name}")' for name in columns if name != "id")
        row = connection.exec_driver_sql(
            f"SELECT {select} FROM interactions WHERE id = ?", (record_id,)).one()
        return tuple(row)


def test_an_insert_and_an_update_store_what_sqlalchemy_stores(engine: Engine) -> None:
    a, b = _row("a"), _row("b")
    columns = tuple(sorted(a))
    done = {"state": "complete", "response": None, "cost": 0.25, "status_code": 200,
            "completed_at": datetime(2026, 12, 7, 14, 5, 9, tzinfo=timezone(timedelta(hours=1))),
            "rule_ids": None, "latency_ms": 12.5}
    names = tuple(sorted(done))
    with engine.begin() as connection:
        connection.execute(_INSERT, [a])
        connection.execute(_update_statement(names), [{"_id": "a", **done}])
    with engine.begin() as connection:
        assert DirectStatement(_INSERT, engine.dialect, columns).run(connection, [b]) == 1
        changed = DirectStatement(_update_statement(names), engine.dialect).run(
            connection, [{"_id": "b", **done}, {"_id": "missing", **done}])
        assert changed == 1
    assert _stored(engine, "a") == _stored(engine, "b")


def test_a_refused_value_raises_sqlalchemys_exception(engine: Engine) -> None:
    row = _row("dup")
    statement = DirectStatement(_INSERT, engine.dialect, tuple(sorted(row)))
    with engine.begin() as connection:
        statement.run(connection, [row])
    with pytest.raises(IntegrityError), engine.begin() as connection:
        statement.run(connection, [row])


def test_rows_join_the_connections_transaction(engine: Engine) -> None:
    row = _row(secrets.token_hex(4))
    statement = DirectStatement(_INSERT, engine.dialect, tuple(sorted(row)))
    with pytest.raises(RuntimeError), engine.begin() as connection:
        statement.run(connection, [row])
        raise RuntimeError("rolled back")
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM interactions")).scalar() == 0


def test_a_named_parameter_style_is_refused() -> None:
    from sqlalchemy.dialects import postgresql

    with pytest.raises(ValueError, match="positional"):
        DirectStatement(insert(_INSERT.table), postgresql.psycopg.dialect())  # type: ignore[attr-defined]

"""Alembic migrations from empty to head and back, on each backend under test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, inspect

from gateway.audit.maintenance import mark_interrupted
from gateway.audit.models import Interaction
from gateway.db import migrate
from gateway.schema import Base
from tests.audit._helpers import T0, pending_row
from tests.conftest import Databases


def test_upgrade_from_empty_then_downgrade_back(databases: Databases) -> None:
    url = databases.new("migrations")
    engine = create_engine(url)
    try:
        migrate.upgrade(url)
        tables = set(inspect(engine).get_table_names())
        assert {"api_keys", "interactions", "alembic_version"} <= tables
        # The migration and the models describe the same columns.
        for table in Base.metadata.sorted_tables:
            migrated = {column["name"] for column in inspect(engine).get_columns(table.name)}
            assert migrated == set(table.columns.keys()), table.name
        migrate.downgrade(url, "base")
        engine.dispose()
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
        migrate.upgrade(url)  # and up again: the downgrade left nothing behind
        assert "interactions" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _record_indexes(engine: Engine) -> set[str]:
    # PostgreSQL also lists the unique constraint's index (uq_…): the models' are ix_….
    return {str(index["name"]) for index in inspect(engine).get_indexes("interactions")
            if str(index["name"]).startswith("ix_")}


def test_record_indexes_dropped_by_0013_and_back(databases: Databases) -> None:
    """Migration 0013 drops the two indexes no query needs (each record's writes paid for
    them); its downgrade puts them back; the models and the migrated schema agree."""
    url = databases.new("indexes")
    engine = create_engine(url)
    dropped = {"ix_interactions_state", "ix_interactions_subject_id"}
    try:
        migrate.upgrade(url)
        model = {str(index.name) for index in Base.metadata.tables["interactions"].indexes}
        assert _record_indexes(engine) == model
        assert not dropped & model
        migrate.downgrade(url, "0012_record_seals")
        engine.dispose()
        assert dropped <= _record_indexes(engine)
        migrate.upgrade(url)
        engine.dispose()
        assert not dropped & _record_indexes(engine)
    finally:
        engine.dispose()


def test_pending_sweeps_read_the_unchained_index(tmp_path: Path) -> None:
    """Without an index on ``state``, the sweeps for pending records still use an index:
    they say ``seq IS NULL``, which the indexes of ``seq`` cover."""
    url = f"sqlite:///{tmp_path}/plan.db"
    migrate.upgrade(url)
    engine = create_engine(url)
    captured: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().startswith("UPDATE interactions"):
            captured.append(statement)

    try:
        with engine.begin() as connection:
            connection.execute(insert(Interaction), [pending_row("r1", created_at=T0)])
        assert mark_interrupted(engine, older_than_s=0) == 1
        assert captured
        with engine.connect() as connection:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                "EXPLAIN QUERY PLAN " + captured[0],
                ("x",) * captured[0].count("?")))
        # An index of unchained records (the partial one, or seq's own), not the whole table.
        assert "SEARCH interactions USING INDEX" in plan and "SCAN" not in plan, plan
    finally:
        engine.dispose()

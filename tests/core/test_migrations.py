"""Alembic migrations from empty to head and back, on each backend under test."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from gateway.db import migrate
from gateway.schema import Base
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

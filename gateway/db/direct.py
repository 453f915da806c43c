"""Statements of the hot path run on the driver's cursor: compiled once, values bound as
SQLAlchemy would.

Why: the interaction log's group commits and the counters' writes run the same few
statements for every request. Through ``Connection.execute`` each run paid for an execution
context, the parameters built again and passed through every column's bind processor by
SQLAlchemy's generic machinery: ~6 % of the gateway's CPU time at concurrency 16 on SQLite,
more than the driver's own work (py-spy, bench/README.md). A :class:`DirectStatement` is
compiled once per dialect and set of columns; a run converts each row with the same bind
processors (so the stored values are byte for byte what SQLAlchemy would store) and hands
the rows to the cursor's ``executemany``. The transaction stays the connection's: the rows
join whatever ``connection.begin()`` opened. A driver error is raised as SQLAlchemy's own
exception class (``IntegrityError``, ``OperationalError``…), as ``execute`` would raise it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

Processor = Callable[[Any], Any] | None


class DirectStatement:
    """One statement for one dialect: its SQL text, and how each row's values are bound."""

    __slots__ = ("_binds", "_dialect", "_get", "_processed", "sql")

    def __init__(self, statement: ClauseElement, dialect: Dialect,
                 column_keys: Sequence[str] | None = None) -> None:
        compiled = statement.compile(
            dialect=dialect, column_keys=list(column_keys) if column_keys is not None else None)
        assert isinstance(compiled, SQLCompiler)
        if not compiled.positional or compiled.positiontup is None:
            raise ValueError(f"{dialect.name}: only positional parameter styles are supported")
        self.sql = compiled.string
        self._dialect = dialect
        self._binds: tuple[tuple[str, Processor], ...] = tuple(
            (compiled.binds[name].key,
             compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect))
            for name in compiled.positiontup
        )
        # A row's values in order, read in C, then the few that have a bind processor
        # (dates, booleans, JSON): a generator over every column per row cost more.
        keys = [key for key, _ in self._binds]
        getter = operator.itemgetter(*keys) if keys else None
        self._get: Callable[[Mapping[str, Any]], tuple[Any, ...]] = (
            (lambda row: ()) if getter is None
            else (lambda row: (getter(row),)) if len(keys) == 1 else getter)
        self._processed = tuple(
            (i, process) for i, (_, process) in enumerate(self._binds) if process is not None)

    def rows(self, values: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
        get, processed = self._get, self._processed
        if not processed:
            return [get(row) for row in values]
        out = []
        for row in values:
            bound = list(get(row))
            for i, process in processed:
                bound[i] = process(bound[i])
            out.append(tuple(bound))
        return out

    def run(self, connection: Connection, values: Iterable[Mapping[str, Any]]) -> int:
        """``executemany`` in the connection's transaction; the rows it changed."""
        params = self.rows(values)
        with self._cursor(connection, params) as cursor:
            cursor.executemany(self.sql, params)
            return int(cursor.rowcount)

    def fetch(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """One run with one set of values; the rows it returns."""
        params = self.rows((values,))[0]
        with self._cursor(connection, params) as cursor:
            cursor.execute(self.sql, params)
            return list(cursor.fetchall())

    @contextmanager
    def _cursor(self, connection: Connection, params: Any) -> Iterator[Any]:
        """The driver's cursor on the connection, closed after; its errors raised as
        SQLAlchemy's classes, parameters hidden (they may hold a record's content)."""
        cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            yield cursor
        except self._dialect.loaded_dbapi.Error as exc:
            raise DBAPIError.instance(
                self.sql, params, exc, self._dialect.loaded_dbapi.Error,
                hide_parameters=True, dialect=self._dialect,
            ) from exc
        finally:
            cursor.close()

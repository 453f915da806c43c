"""PostgreSQL: a group commit's rows as one JSON parameter, expanded by the server.

New records go as one ``INSERT … SELECT`` and completions as one ``UPDATE … FROM`` per set
of columns, each row a JSON array. Why not the driver's executemany:

* a multi-row ``VALUES`` list with 30 parameters a row is past what psycopg caches (4,096
  characters, 50 parameters), so every group commit parsed its own long statement again,
  ~9 % of the gateway's time at concurrency 16 (bench/README.md);
* an executemany of single-row ``UPDATE``s is one statement per completion: psycopg binds
  and sends each in its pipeline, and the server runs each as a statement of its own, planned
  once per connection. That plan was made on the first completions, when the table was
  nearly empty, and read ``ix_interactions_unchained`` (``WHERE seq IS NULL``, the same
  predicate as the update's) instead of the primary key: each completion then read every
  record waiting for its link, ~250 at 1,000 requests/s, and the server's CPU per request
  grew with the throughput (pg_stat_user_indexes, bench/README.md). One ``UPDATE … FROM``
  per group joins the batch once, whatever plan it gets.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, cast

import orjson
from sqlalchemy import JSON, Dialect, String, Table

from gateway.audit.models import Interaction

_TABLE = cast(Table, Interaction.__table__)


def payload(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    """The rows as a JSON array of arrays in ``columns`` order: the statements' parameter.

    Values are already storable (gateway.audit.storable): no NUL, no lone surrogate; naive
    datetimes are UTC."""
    return orjson.dumps([[row[name] for name in columns] for row in rows],
                        option=orjson.OPT_NAIVE_UTC).decode()


def _typed(index: int, name: str, dialect: Dialect) -> str:
    """Element ``index`` of the row ``r`` as column ``name`` takes it. Text stays text, so
    the column's own length still refuses a longer value (a cast to VARCHAR(n) would cut it
    silently); JSON stays JSON; the rest is cast to the column's type.

    ``r`` is ``jsonb``: the payload is parsed once. As ``json``, the server parsed each row
    again for each of its ~35 fields (``->>`` on ``json`` reads the text from its start):
    38 % of PostgreSQL's CPU time under load went to ``json_lex`` and copying text (perf).
    A JSON column then holds the value as ``jsonb`` writes it (keys sorted, spaces after
    separators): the same value read back, and the seals hash values, not text."""
    kind = _TABLE.c[name].type
    if isinstance(kind, JSON):
        return f"(r -> {index})::json"
    if isinstance(kind, String):
        return f"(r ->> {index})"
    return f"(r ->> {index})::{kind.compile(dialect=dialect)}"


@functools.lru_cache(maxsize=16)
def insert_sql(columns: tuple[str, ...], dialect: Dialect) -> str:
    """Insert the rows of :func:`payload` (``columns`` order): one statement, atomic."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(name) for name in columns)
    typed = ", ".join(_typed(i, name, dialect) for i, name in enumerate(columns))
    # Identifiers come from the table's model, quoted; the rows are the one parameter.
    return (f"INSERT INTO {quote(_TABLE.name)} ({names}) "  # noqa: S608
            f"SELECT {typed} FROM jsonb_array_elements(%s::jsonb) AS rows(r)")


@functools.lru_cache(maxsize=64)
def update_sql(columns: tuple[str, ...], dialect: Dialect) -> str:
    """Set ``columns`` of each record not yet chained, from the rows of :func:`payload`
    in ``("_id", *columns)`` order. A record appears once in a batch's group
    (gateway.audit.batch._update_groups): ``UPDATE … FROM`` applies one row per record."""
    quote = dialect.identifier_preparer.quote
    sets = ", ".join(f"{quote(name)} = {_typed(i, name, dialect)}"
                     for i, name in enumerate(columns, start=1))
    # A chained record is final: a late completion (retried after its record was marked
    # interrupted and chained) must not break the chain.
    return (f"UPDATE {quote(_TABLE.name)} AS t SET {sets} "  # noqa: S608
            f"FROM jsonb_array_elements(%s::jsonb) AS rows(r) "
            f"WHERE t.id = (r ->> 0) AND t.seq IS NULL")

"""Engine construction for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from gateway.db.files import make_owner_only
from gateway.settings import Settings


def _sqlite_pragmas(busy_timeout_ms: int) -> Callable[[Any, Any], None]:
    """The pragmas every SQLite connection gets, as a ``connect`` listener."""

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        # WAL lets the CLI and exports read while the gateway writes; NORMAL sync is durable
        # across process crashes in WAL mode, which is what "nothing lost on kill -9" needs.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms:d}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return on_connect


def build_engine(settings: Settings) -> Engine:
    """Create the synchronous engine every part of the gateway shares."""
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        make_owner_only(url)
        # hide_parameters: a database error's text must never carry a record's prompt into
        # a log line or /readyz.
        engine = create_engine(
            url, connect_args={"check_same_thread": False}, hide_parameters=True
        )
        busy_timeout_ms = round(settings.sqlite_busy_timeout * 1000)
        event.listen(engine, "connect", _sqlite_pragmas(busy_timeout_ms))
        return engine
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_size,
        pool_timeout=settings.db_pool_timeout,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"connect_timeout": settings.db_connect_timeout},
    )


def build_log_engine(settings: Settings) -> AsyncEngine | None:
    """PostgreSQL only: the async engine the interaction log writes through on the loop.

    Two connections: new records, and completions (gateway.audit.writer). SQLite has none:
    its commits are local and short enough to run on the loop through the sync engine.
    """
    if settings.is_sqlite:
        return None
    engine = create_async_engine(
        settings.sqlalchemy_url,  # postgresql+psycopg: SQLAlchemy takes psycopg's async mode
        pool_size=2,
        max_overflow=0,
        pool_timeout=settings.db_pool_timeout,
        hide_parameters=True,
        connect_args={"connect_timeout": settings.db_connect_timeout},
    )
    # New records are written in autocommit, one statement per group commit: an executemany
    # must then be one multi-row INSERT (atomic), not psycopg's pipeline of single-row
    # INSERTs, each its own transaction. (SQLAlchemy's psycopg2 dialect does this by default.)
    engine.sync_engine.dialect.use_insertmanyvalues_wo_returning = True
    engine.sync_engine.dialect.insertmanyvalues_page_size = max(
        engine.sync_engine.dialect.insertmanyvalues_page_size, settings.audit_batch_max
    )
    return engine

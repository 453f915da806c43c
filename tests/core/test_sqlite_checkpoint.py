"""SQLite's WAL is checkpointed by a thread; the event loop's connections never do it."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import Engine, text

from gateway.audit.writer import AuditWriter
from gateway.db import migrate
from gateway.db.checkpoint import WalCheckpointer
from gateway.db.engine import build_engine
from gateway.limits.store import DatabaseCounters
from gateway.metrics import Metrics
from gateway.settings import Settings
from tests.conftest import SECRET


def sqlite_engine(tmp_path: Path) -> Engine:
    url = f"sqlite:///{tmp_path / 'wal.db'}"
    migrate.upgrade(url)
    return build_engine(Settings(database_url=url, secret_key=SECRET))


def test_loop_connections_leave_the_checkpoint_to_the_thread(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    writer = AuditWriter(engine, Metrics(None))
    counters = DatabaseCounters(engine)
    for connection in (writer._loop_link.get(), counters._loop_connection()):
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 0
        connection.rollback()
    # The pool's other connections keep SQLite's defaults (tools, threads that may wait).
    with engine.connect() as pooled:
        assert pooled.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    writer._loop_link.drop()
    counters._drop_loop_connection()
    engine.dispose()


def test_the_checkpointer_copies_the_wal_back(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    wal = Path(str(engine.url.database) + "-wal")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        connection.commit()
        connection.execute(text("CREATE TABLE filler (x BLOB)"))
        for _ in range(60):  # ~1,500 pages: past the 1,000 an automatic checkpoint allows
            connection.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))
        connection.commit()
        checkpointer = WalCheckpointer(engine)
        busy, frames, copied = checkpointer.checkpoint()
        assert busy == 0 and frames > 1000 and copied == frames
        size = wal.stat().st_size
        # Once copied back, the next writer starts the WAL over instead of growing it.
        for _ in range(60):
            connection.execute(text("INSERT INTO filler VALUES (randomblob(100000))"))
        connection.commit()
        assert wal.stat().st_size <= size
        checkpointer._close()
    engine.dispose()


def test_the_thread_checkpoints_until_stopped(tmp_path: Path) -> None:
    engine = sqlite_engine(tmp_path)
    database = Path(str(engine.url.database))
    checkpointer = WalCheckpointer(engine, interval_s=0.01)
    with engine.connect() as connection:  # kept open: closing the last one would checkpoint
        connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
        connection.commit()
        connection.execute(text("CREATE TABLE filler (x BLOB)"))
        connection.execute(text("INSERT INTO filler VALUES (randomblob(400000))"))
        connection.commit()
        before = database.stat().st_size  # the blob is in the WAL only
        checkpointer.start()
        # Most of the blob: pages the migrations freed may take some of it.
        grown = before + 300_000
        deadline = time.monotonic() + 60
        while database.stat().st_size < grown and time.monotonic() < deadline:
            time.sleep(0.01)
        # Copied into the database file by the thread, nobody else checkpointed.
        assert database.stat().st_size >= grown
        checkpointer.stop()
    assert not checkpointer._thread.is_alive()
    engine.dispose()

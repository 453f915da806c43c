"""SQLite: the write-ahead log checkpointed by a thread, never on the event loop.

SQLite checkpoints the WAL automatically in the connection whose commit crosses 1,000
pages; the gateway's busiest writers (the interaction log, the counters) commit on the event
loop, so that checkpoint and its fsyncs (9-15 ms about once a second under load, issue 19)
stalled every request in flight: the ~20 ms p99 at concurrency 1. Those connections turn it
off (``PRAGMA wal_autocheckpoint = 0``) and this thread checkpoints instead, in PASSIVE
mode: it copies what no reader still needs and never blocks a reader or a writer.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Connection, Engine

logger = logging.getLogger(__name__)


class WalCheckpointer:
    """A daemon thread running ``PRAGMA wal_checkpoint(PASSIVE)`` every ``interval_s``."""

    def __init__(self, engine: Engine, interval_s: float = 1.0) -> None:
        self._engine = engine
        self._interval = interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoint", daemon=True)
        self._conn: Connection | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the thread after one last checkpoint."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(10)

    def checkpoint(self) -> tuple[int, int, int]:
        """One PASSIVE checkpoint: (busy, frames in the WAL, frames checkpointed)."""
        if self._conn is None or self._conn.invalidated:
            self._conn = self._engine.connect()
        row = self._conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        self._conn.commit()
        return int(row[0]), int(row[1]), int(row[2])

    def _run(self) -> None:
        while True:
            stopping = self._stop.wait(self._interval)
            try:
                self.checkpoint()
            except Exception as exc:  # the next round tries again on a new connection
                logger.warning("WAL checkpoint failed: %s", type(exc).__name__)
                self._close()
            if stopping:
                self._close()
                return

    def _close(self) -> None:
        if self._conn is not None:
            try:
                self._conn.close()
            except Exception:  # already unusable: nothing more to release
                logger.debug("closing the checkpoint connection failed", exc_info=True)
            self._conn = None

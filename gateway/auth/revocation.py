"""Revocation notices: a key stops working in every running process within a second.

Each process caches key lookups (:class:`gateway.auth.service.KeyAuthenticator`) so the
hot path does not query the key table on every request. Without a notice, a key revoked
by the command line or another replica kept working until its cache entry expired.

The API is two calls:

* :func:`announce` writes a notice in the caller's transaction, next to the change itself
  (a revoked key, a deprovisioned person): the notice exists exactly when the change does.
  ``key_ids`` names keys, ``user`` every key of one person (for deprovisioning);
* :class:`RevocationWatcher`, started in each process's lifespan, reads the notices of the
  last minute every ``interval`` seconds and hands each new one to a callback, which drops
  the keys from the cache.

Why polling the database rather than PostgreSQL's LISTEN or Redis pub/sub: it works the
same on SQLite and PostgreSQL, needs no extra connection held open, and costs one indexed
query on a table of a handful of recent rows every half second. Notices are read by
``created_at`` over a window wider than any plausible commit delay or clock skew between
replicas (ids alone would skip a notice whose transaction committed after a later one);
re-reading one is harmless, the callback is idempotent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import anyio.to_thread
from sqlalchemy import Connection, Engine, Table, insert, select

from gateway.auth.models import RevocationNotice
from gateway.db.base import utcnow
from gateway.periodic import Periodic

logger = logging.getLogger(__name__)

# Notices older than this are not read again: far longer than a commit takes or clocks
# drift between replicas, far shorter than the table grows in.
WINDOW = timedelta(seconds=60)


@dataclass(frozen=True, slots=True)
class Notice:
    """Keys to stop trusting: those named, and every key of ``user`` when set."""

    id: int
    key_id: str | None
    user: str | None
    reason: str


def announce(
    connection: Connection, *, key_ids: Sequence[str] = (), user: str | None = None,
    reason: str,
) -> None:
    """Tell every process to stop trusting ``key_ids`` (or every key of ``user``) now.

    Runs in the caller's transaction: the notice commits with the change it announces.
    ``reason`` is a short label (``key.revoked``, ``person.deprovisioned``…).
    """
    if not key_ids and user is None:
        raise ValueError("announce: name keys or a user")
    now = utcnow()
    rows = [{"created_at": now, "key_id": key_id, "user_email": None, "reason": reason}
            for key_id in key_ids]
    if user is not None:
        rows.append({"created_at": now, "key_id": None, "user_email": user, "reason": reason})
    connection.execute(insert(RevocationNotice), rows)


def recent_notices(engine: Engine, since: datetime) -> list[Notice]:
    table = cast(Table, RevocationNotice.__table__)
    with engine.connect() as connection:
        rows = connection.execute(
            select(table.c.id, table.c.key_id, table.c.user_email, table.c.reason)
            .where(table.c.created_at >= since)
        ).all()
    return [Notice(row.id, row.key_id, row.user_email, row.reason) for row in rows]


class RevocationWatcher:
    """Polls the notices and hands each new one to ``on_notice`` (on the event loop)."""

    def __init__(
        self, engine: Engine, on_notice: Callable[[Notice], None], interval: float = 0.5,
    ) -> None:
        self._engine = engine
        self._on_notice = on_notice
        self._interval = interval
        self._seen: set[int] = set()
        # A failed read: the key cache's TTL still bounds how stale a revoked key can be.
        self._loop = Periodic(self.poll, interval, what="reading revocation notices",
                              logger=logger)

    async def poll(self) -> int:
        """Read the recent notices once; returns how many were new."""
        notices = await anyio.to_thread.run_sync(
            recent_notices, self._engine, utcnow() - WINDOW
        )
        fresh = [notice for notice in notices if notice.id not in self._seen]
        for notice in fresh:
            self._on_notice(notice)
        # Only what is still in the window needs remembering.
        self._seen = {notice.id for notice in notices}
        return len(fresh)

    def start(self) -> None:
        if self._interval > 0:
            self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

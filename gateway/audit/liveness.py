"""Which gateway process wrote a record, and whether it still runs.

A record is pending while its request runs; a process killed mid-stream (``kill -9``, a
crash, the OOM killer) leaves its records pending for good. Marking them by age alone
(``gateway.audit.maintenance``) must wait out the longest request a live replica could still
be serving (the upstream total timeout, 10 minutes by default), because several replicas
share the database. Knowing which process owns each record removes the wait:

* each process registers a fresh ``boot_id`` in ``gateway_processes`` at start, with its
  host and pid, and stamps it on every record it writes (``interactions.boot_id``);
* it beats every ``GATEWAY_PROCESS_HEARTBEAT_SECONDS`` and unregisters at a clean stop;
* a sweep, at every start and every beat, takes for dead a process of this host whose pid
  is gone, or any process silent for
  ``GATEWAY_PROCESS_STALE_SECONDS``; then marks interrupted every pending record whose
  process is no longer registered. A restart after ``kill -9`` therefore marks the killed
  process's records before it serves its first request.

"This host" is the host name and the PID namespace: two containers that share a host name
are not confused, since their pids say nothing about each other.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio.to_thread
from sqlalchemy import Engine, delete, insert, or_, select, update

from gateway.audit.models import PENDING, GatewayProcess, Interaction
from gateway.audit.seal import Sealer, interrupt
from gateway.db.base import utcnow
from gateway.periodic import Periodic

logger = logging.getLogger(__name__)

INTERRUPTED_ERROR = "interrupted: the gateway stopped before this request completed"


def this_host() -> str:
    """The host name, with the PID namespace where the system tells it (Linux)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{namespace}"[:255]


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    boot_id: str
    host: str
    pid: int


def register(engine: Engine) -> ProcessIdentity:
    """Announce this process; committed before it writes any record."""
    me = ProcessIdentity(uuid.uuid4().hex, this_host(), os.getpid())
    now = utcnow()
    with engine.begin() as connection:
        connection.execute(insert(GatewayProcess).values(
            boot_id=me.boot_id, host=me.host, pid=me.pid, started_at=now, heartbeat_at=now))
    return me


def beat(engine: Engine, me: ProcessIdentity) -> None:
    with engine.begin() as connection:
        result = connection.execute(update(GatewayProcess)
                                    .where(GatewayProcess.boot_id == me.boot_id)
                                    .values(heartbeat_at=utcnow()))
        if not result.rowcount:
            # Taken for dead by another replica (a long stall): its records were marked;
            # registering again keeps the records this process writes from now on safe.
            now = utcnow()
            connection.execute(insert(GatewayProcess).values(
                boot_id=me.boot_id, host=me.host, pid=me.pid, started_at=now,
                heartbeat_at=now))


def unregister(engine: Engine, me: ProcessIdentity) -> None:
    with engine.begin() as connection:
        connection.execute(delete(GatewayProcess).where(GatewayProcess.boot_id == me.boot_id))


def _pid_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it exists, under another user
        return False
    return False


def _dead(row: Any, me: ProcessIdentity, stale_before: datetime) -> bool:
    """``row``: a ``gateway_processes`` row."""
    if row.boot_id == me.boot_id:
        return False
    # Same host and PID namespace, and no such process: it is gone. (A pid reused by an
    # unrelated process leaves the row to the heartbeat rule below.)
    if row.host == me.host and row.pid != me.pid and _pid_gone(row.pid):
        return True
    return row.heartbeat_at < stale_before


def sweep(engine: Engine, me: ProcessIdentity, stale_after_s: float,
          sealer: Sealer | None = None) -> int:
    """Forget dead processes and mark their pending records interrupted; how many records."""
    stale_before = utcnow() - timedelta(seconds=stale_after_s)
    registered = select(GatewayProcess.boot_id)
    # seq IS NULL (a pending record is never chained): the partial index of unchained
    # records, migration 0013.
    pending = (Interaction.seq.is_(None), Interaction.state == PENDING,
               Interaction.boot_id.is_not(None))
    # Read first, in a transaction of its own: most sweeps find nothing, and a read takes no
    # write lock (a SQLite read turned write in one transaction may fail without waiting).
    with engine.connect() as connection:
        dead = [row.boot_id for row in connection.execute(select(GatewayProcess))
                if _dead(row, me, stale_before)]
        orphan = connection.execute(
            select(Interaction.id).where(
                *pending, or_(Interaction.boot_id.not_in(registered),
                              Interaction.boot_id.in_(dead)))
            .limit(1)
        ).first()
    if not dead and orphan is None:
        return 0
    with engine.begin() as connection:
        if dead:
            connection.execute(delete(GatewayProcess).where(GatewayProcess.boot_id.in_(dead)))
        # Against the registrations as they stand when the update runs: a process that
        # registered meanwhile committed that before writing any record.
        return interrupt(connection, (*pending, Interaction.boot_id.not_in(registered)),
                         INTERRUPTED_ERROR, sealer)


class Liveness:
    """This process's registration, heartbeat and sweeps, for the app's lifespan."""

    def __init__(self, engine: Engine, heartbeat_s: float, stale_after_s: float,
                 sealer: Sealer | None = None) -> None:
        self._engine = engine
        self._stale_after_s = stale_after_s
        self._sealer = sealer  # the marks are sealed as completions are (gateway/audit/seal)
        # The first beat waits: start() has just registered and swept.
        self._loop = Periodic(self._beat, heartbeat_s, what="process heartbeat",
                              logger=logger, wait_first=True)
        self.me: ProcessIdentity | None = None

    def start(self) -> str:
        """Register, sweep once (before the first request), start beating; the boot id."""
        self.me = register(self._engine)
        try:
            self._report(sweep(self._engine, self.me, self._stale_after_s, self._sealer))
        except Exception as exc:  # the heartbeat's sweeps try again; start all the same
            logger.warning("sweeping stopped processes failed: %s", type(exc).__name__)
        self._loop.start()
        return self.me.boot_id

    async def stop(self) -> None:
        """After the log is drained: nothing of this process is pending any more."""
        await self._loop.stop()
        if self.me is not None:
            try:
                await anyio.to_thread.run_sync(unregister, self._engine, self.me)
            except Exception as exc:  # its row goes stale; another process sweeps it
                logger.warning("unregistering the process failed: %s", type(exc).__name__)

    async def _beat(self) -> None:
        assert self.me is not None
        await anyio.to_thread.run_sync(beat, self._engine, self.me)
        self._report(await anyio.to_thread.run_sync(
            sweep, self._engine, self.me, self._stale_after_s, self._sealer))

    @staticmethod
    def _report(interrupted: int) -> None:
        if interrupted:
            logger.warning("%d interaction(s) left pending by a stopped gateway process were "
                           "marked interrupted", interrupted)

"""A step run at intervals on the event loop, for the lifespan's background work.

The audit anchors, the process heartbeat and the revocation notices each run one step
every few seconds until the gateway stops; a failing step (the database restarting) must
not end the loop, only be logged, and the next round tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable


class Periodic:
    """Runs ``step`` every ``interval`` seconds between :meth:`start` and :meth:`stop`.

    ``wait_first``: sleep before the first step (the caller ran it once already).
    A failure is logged on ``logger`` at ``level`` as « ``what`` failed: ErrorType ».
    """

    def __init__(
        self, step: Callable[[], Awaitable[object]], interval: float, *, what: str,
        logger: logging.Logger, level: int = logging.WARNING, wait_first: bool = False,
    ) -> None:
        self._step = step
        self._interval = interval
        self._what = what
        self._logger = logger
        self._level = level
        self._wait_first = wait_first
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        if self._wait_first:
            await asyncio.sleep(self._interval)
        while True:
            try:
                await self._step()
            except Exception as exc:  # the next round tries again; say so
                self._logger.log(self._level, "%s failed: %s: %s", self._what,
                                 type(exc).__name__, exc)
            await asyncio.sleep(self._interval)

"""Hot reload of the policy folder: on change (polled) or on SIGHUP, without a restart.

A new set replaces the running one only once it loads cleanly: a broken file keeps the last
good set enforcing, and says why in the log and in ``/readyz``. Requests read the set once
each, so a swap never splits one request between two versions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Collection
from pathlib import Path

import anyio.to_thread

from gateway.policies.loader import check_directory
from gateway.policies.policyset import PolicySet
from gateway.policies.targets import CatalogueModel

logger = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def folder_signature(directory: Path) -> Signature:
    """Names, sizes and modification times of the YAML files: cheap to poll."""
    try:
        files = sorted(p for p in directory.iterdir() if p.suffix in (".yaml", ".yml"))
    except OSError:
        return ()
    signature = []
    for path in files:
        with contextlib.suppress(OSError):
            stat = path.stat()
            signature.append((path.name, stat.st_mtime_ns, stat.st_size))
    return tuple(signature)


class PolicyReloader:
    """Watches one folder and hands each good new set to ``apply``."""

    def __init__(
        self,
        directory: Path,
        known_models: Collection[str | CatalogueModel],
        apply: Callable[[PolicySet | None, str | None], None],
        interval: float,
    ) -> None:
        self._directory = directory
        self._known = list(known_models)
        self._apply = apply
        self._interval = interval
        self._signature = folder_signature(directory)
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def reload(self) -> bool:
        """Load the folder now; True when a new set was applied."""
        async with self._lock:
            self._signature = await anyio.to_thread.run_sync(folder_signature, self._directory)
            policy_set, errors = await anyio.to_thread.run_sync(
                check_directory, self._directory, self._known
            )
        if errors or policy_set is None:
            reason = "; ".join(str(error) for error in errors) or "no policy set"
            logger.error("policy reload refused, the last good set stays in force: %s", reason)
            self._apply(None, reason)
            return False
        logger.info("policy set reloaded: version %s", policy_set.version)
        self._apply(policy_set, None)
        return True

    def start(self) -> None:
        if self._interval > 0:
            self._task = asyncio.get_running_loop().create_task(self._poll())
        # SIGHUP can only be handled from the main thread (not in embedded/test servers).
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self._on_sighup)

    async def stop(self) -> None:
        with contextlib.suppress(ValueError, RuntimeError, NotImplementedError):
            asyncio.get_running_loop().remove_signal_handler(signal.SIGHUP)
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    def _on_sighup(self) -> None:
        logger.info("SIGHUP: reloading the policy set")
        task = asyncio.get_running_loop().create_task(self.reload())
        task.add_done_callback(lambda _: None)

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(self._interval)
            try:
                current = await anyio.to_thread.run_sync(folder_signature, self._directory)
                if current != self._signature:
                    await self.reload()
            except Exception:  # the watcher must outlive any one bad reload
                logger.exception("policy watcher failed; retrying")

"""Async micro-batching: concurrent callers within a few ms share one analysis."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

from .errors import RedactionError

__all__ = ["MicroBatcher"]

R = TypeVar("R")


class MicroBatcher(Generic[R]):
    """Collects texts from concurrent coroutines and runs ``fn`` once for all.

    The first caller opens a window of ``window_s`` seconds; every caller
    arriving before it closes (or until ``max_texts`` are queued) joins the
    batch. ``fn`` runs in ``executor`` so the event loop never blocks; spaCy's
    ``nlp.pipe`` is markedly faster per text on a batch than text by text.
    """

    def __init__(
        self,
        fn: Callable[[Sequence[str]], list[R]],
        executor: Executor,
        window_s: float = 0.002,
        max_texts: int = 64,
    ) -> None:
        self._fn = fn
        self._executor = executor
        self._window = window_s
        self._max = max_texts
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[list[str], asyncio.Future[list[R]]]] = []
        self._count = 0
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def submit(self, texts: list[str]) -> list[R]:
        """Queue ``texts``; return one result per text, in order."""
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new event loop (tests, app restart): anything queued on the
            # old one can never complete, so start from a clean state.
            self._loop, self._pending, self._count, self._timer = loop, [], 0, None
        future: asyncio.Future[list[R]] = loop.create_future()
        self._pending.append((texts, future))
        self._count += len(texts)
        if self._count >= self._max:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self._window, self._flush)
        return await future

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        batch, self._pending, self._count = self._pending, [], 0
        if batch and self._loop is not None:
            task = self._loop.create_task(self._run(batch))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _run(self, batch: list[tuple[list[str], asyncio.Future[list[R]]]]) -> None:
        texts = [t for chunk, _ in batch for t in chunk]
        loop = asyncio.get_running_loop()
        try:
            results = await loop.run_in_executor(self._executor, self._fn, texts)
        except BaseException as exc:
            error = (
                exc
                if isinstance(exc, RedactionError)
                else RedactionError("batched analysis failed")
            )
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            if not isinstance(exc, Exception):
                raise
            return
        position = 0
        for chunk, future in batch:
            if not future.done():
                future.set_result(results[position : position + len(chunk)])
            position += len(chunk)

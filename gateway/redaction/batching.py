"""Async micro-batching: callers arriving while a scan runs share the next one.

A timed window (the earlier design) made every request wait for it, even alone: at
concurrency 1 the scan of a cached « bonjour » cost ~3.5 ms, most of it the 2 ms window and
the hand-off. Now a caller finding the analysis thread idle starts a batch at once (with
whoever arrived in the same turn of the event loop); callers arriving while a batch runs
wait for it to end, which they would have to anyway (one thread), and then go together.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from typing import Generic, TypeVar

from .errors import RedactionError

__all__ = ["MicroBatcher"]

R = TypeVar("R")

_Pending = list[tuple[list[str], asyncio.Future[list[R]]]]


class MicroBatcher(Generic[R]):
    """Collects texts from concurrent coroutines and runs ``fn`` once for all.

    ``fn`` runs in ``executor`` so the event loop never blocks; spaCy's ``nlp.pipe`` is
    markedly faster per text on a batch than text by text. A call of ``fn`` takes callers
    until it holds ``max_texts`` texts (one caller's texts are never split); a longer queue
    becomes consecutive calls.
    """

    def __init__(
        self,
        fn: Callable[[Sequence[str]], list[R]],
        executor: Executor,
        max_texts: int = 64,
    ) -> None:
        self._fn = fn
        self._executor = executor
        self._max = max(1, max_texts)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: list[tuple[list[str], asyncio.Future[list[R]]]] = []
        self._scheduled = False
        self._running: asyncio.Task[None] | None = None

    @property
    def in_flight(self) -> bool:
        """Whether a batch is being analyzed now."""
        return self._running is not None and not self._running.done()

    async def submit(self, texts: list[str]) -> list[R]:
        """Queue ``texts``; return one result per text, in order."""
        if not texts:
            return []
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new event loop (tests, app restart): anything queued on the
            # old one can never complete, so start from a clean state.
            self._loop, self._pending, self._scheduled, self._running = loop, [], False, None
        future: asyncio.Future[list[R]] = loop.create_future()
        self._pending.append((texts, future))
        if not self.in_flight and not self._scheduled:
            # After the callbacks already ready: callers of this same turn join the batch.
            self._scheduled = True
            loop.call_soon(self._start)
        return await future

    def _start(self) -> None:
        self._scheduled = False
        if self._pending and self._loop is not None and not self.in_flight:
            batch, self._pending = self._pending, []
            self._running = self._loop.create_task(self._run(batch))

    async def _run(self, batch: _Pending[R]) -> None:
        try:
            while batch:
                await self._run_chunks(batch)
                # Whoever queued while this ran goes next, without waiting for anything.
                batch, self._pending = self._pending, []
        finally:
            self._running = None

    async def _run_chunks(self, batch: _Pending[R]) -> None:
        chunk: _Pending[R] = []
        count = 0
        for item in batch:
            chunk.append(item)
            count += len(item[0])
            if count >= self._max:
                await self._analyze(chunk)
                chunk, count = [], 0
        if chunk:
            await self._analyze(chunk)

    async def _analyze(self, batch: _Pending[R]) -> None:
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

"""The scan's async entry: the cache answered on the loop, batches formed while one runs."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from gateway.redaction import Finding, RedactionConfig, RedactionError, RedactionService
from gateway.redaction.batching import MicroBatcher


async def test_cached_texts_never_reach_the_analysis_thread(service: RedactionService) -> None:
    own = RedactionService(RedactionConfig(), nlp=service._nlp)
    text = "Merci de rappeler Jeanne Moreau au 06 12 34 56 78."
    first = await own.analyze_batch_async([text])
    assert {f.entity_type for f in first[0]} >= {"PERSON", "PHONE_NUMBER"}

    calls: list[Sequence[str]] = []
    real = own.analyze_batch

    def spy(texts: Sequence[str]) -> list[list[Finding]]:
        calls.append(list(texts))
        return real(texts)

    own._batcher._fn = spy
    again = await own.analyze_batch_async([text, text])
    assert again == [first[0], first[0]]
    assert calls == []
    # A new text next to a cached one: only the new one is analyzed.
    mixed = await own.analyze_batch_async([text, "Écrire à paul@exemple.fr"])
    assert calls == [["Écrire à paul@exemple.fr"]]
    assert mixed[0] == first[0]
    assert [f.entity_type for f in mixed[1]] == ["EMAIL_ADDRESS"]
    own.close()


async def test_non_str_rejected_on_the_loop(service: RedactionService) -> None:
    with pytest.raises(RedactionError):
        await service.analyze_batch_async([b"bytes"])  # type: ignore[list-item]


async def test_callers_arriving_during_a_batch_share_the_next_one() -> None:
    release = threading.Event()
    started = threading.Event()
    calls: list[list[str]] = []

    def analyze(texts: Sequence[str]) -> list[str]:
        calls.append(list(texts))
        started.set()
        release.wait(10)
        return [t.upper() for t in texts]

    executor = ThreadPoolExecutor(max_workers=1)
    batcher: MicroBatcher[str] = MicroBatcher(analyze, executor, max_texts=64)
    first = asyncio.ensure_future(batcher.submit(["a"]))
    # The first batch is in the analysis thread.
    assert await asyncio.to_thread(started.wait, 10)
    assert batcher.in_flight
    later = [asyncio.ensure_future(batcher.submit([t])) for t in ("b", "c", "d")]
    await asyncio.sleep(0.01)
    assert calls == [["a"]]  # nothing started beside the running batch
    release.set()
    assert await first == ["A"]
    assert [await f for f in later] == [["B"], ["C"], ["D"]]
    assert calls == [["a"], ["b", "c", "d"]]
    assert not batcher.in_flight
    executor.shutdown()


async def test_large_queues_are_split_at_max_texts() -> None:
    calls: list[int] = []

    def analyze(texts: Sequence[str]) -> list[int]:
        calls.append(len(texts))
        return [len(t) for t in texts]

    executor = ThreadPoolExecutor(max_workers=1)
    batcher: MicroBatcher[int] = MicroBatcher(analyze, executor, max_texts=4)
    results = await asyncio.gather(*(batcher.submit(["x" * i, "y"]) for i in range(1, 6)))
    assert results == [[i, 1] for i in range(1, 6)]
    assert sum(calls) == 10 and max(calls) <= 4
    executor.shutdown()


async def test_a_failed_batch_fails_its_callers_only() -> None:
    def analyze(texts: Sequence[str]) -> list[str]:
        if "boom" in texts:
            raise MemoryError("boom")
        return list(texts)

    executor = ThreadPoolExecutor(max_workers=1)
    batcher: MicroBatcher[str] = MicroBatcher(analyze, executor)
    with pytest.raises(RedactionError):
        await batcher.submit(["boom"])
    assert await batcher.submit(["fine"]) == ["fine"]
    executor.shutdown()


async def test_long_texts_are_hashed_and_cached_in_the_thread(service: RedactionService) -> None:
    own = RedactionService(RedactionConfig(), nlp=service._nlp)
    long_text = "Écrire à paul@exemple.fr. " + "Rien de plus à signaler ici. " * 400
    calls: list[int] = []
    real = own.analyze_batch

    def spy(texts: Sequence[str]) -> list[list[Finding]]:
        calls.append(len(texts))
        return real(texts)

    own._batcher._fn = spy
    first = await own.analyze_batch_async([long_text])
    again = await own.analyze_batch_async([long_text])
    assert first == again and first[0][0].entity_type == "EMAIL_ADDRESS"
    assert calls == [1, 1]  # both went to the thread, the second answered by its cache
    assert own.cache.hits >= 1
    own.close()

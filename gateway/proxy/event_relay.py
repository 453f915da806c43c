"""Relaying a stream of JSON events to the client while recording it, for any event schema.

The Responses API's typed events, the legacy Completions chunks and the Anthropic Messages
events go through the same relay: a *source* yields batches of parsed events (the
upstream's own, or translated from a chat stream as they come), a :class:`StreamHandler`
says what the relay needs of that schema (what to record, how to restore placeholders,
how to write an event, how to tell the client of a failure once the headers are gone).
The outcome is reported once, at the end, also when the client leaves (499) or the
upstream fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from typing import Any, Generic, Protocol, TypeVar

import anyio

from gateway.errors import GatewayError, UpstreamError
from gateway.providers.base import ByteStream
from gateway.providers.scrub import scrub
from gateway.providers.sse import DONE, SSEBuffer, event_data, event_json
from gateway.proxy.exchange import Outcome
from gateway.proxy.relay import CLIENT_CLOSED

Event = dict[str, Any]
EventSource = AsyncGenerator[list[Event], None]
E = TypeVar("E")  # an event as its schema's source gives it
_CLIENT_GONE = "client_disconnected: le client a fermé la connexion en cours de flux"


class StreamHandler(Protocol[E]):
    """What the relay needs to know of one event schema."""

    def see(self, event: E) -> None:
        """Note an event as the provider sent it (placeholders kept, for the record)."""

    def transform(self, events: list[E]) -> list[E]:
        """The events the client gets: placeholders restored, internal ones dropped."""

    def encode(self, event: E) -> bytes: ...

    def failure(self, error: GatewayError) -> bytes:
        """What tells the client of a failure in the stream."""

    def check_end(self) -> None:
        """Raise ``UpstreamError`` if what was seen is not a complete answer."""

    def complete(self) -> bool:
        """Whether the answer is whole (its terminal event seen)."""

    def closing(self) -> bytes:
        """The bytes after the last event (``data: [DONE]`` for chunk schemas)."""

    def fill(self, outcome: Outcome) -> None:
        """Put the recorded answer and its usage in ``outcome``."""


async def upstream_events(
    upstream: ByteStream, provider: str, convert: Callable[[Event], list[Event]] | None = None,
) -> EventSource:
    """An upstream SSE stream as batches of parsed events (``convert``-ed, if given).

    An OpenAI-style ``{"error": …}`` payload raises ``UpstreamError``; ``[DONE]`` is not an
    event (the relay writes its own end).
    """
    buffer = SSEBuffer()
    try:
        async for chunk in upstream:
            batch = _parse(buffer.feed(chunk), provider, convert)
            if batch:
                yield batch
        rest = buffer.rest()
        if rest.strip():
            batch = _parse([rest], provider, convert)
            if batch:
                yield batch
    finally:
        with anyio.CancelScope(shield=True):
            await upstream.aclose()


def _parse(
    raw: list[bytes], provider: str, convert: Callable[[Event], list[Event]] | None,
) -> list[Event]:
    batch: list[Event] = []
    for event in raw:
        if event_data(event) == DONE:
            continue
        data = event_json(event)
        if data is None:
            continue
        error = data.get("error")
        if error and "choices" not in data and "type" not in data:
            message = error.get("message") if isinstance(error, dict) else error
            # The provider's words, minus any key they quote (as every other error path).
            raise UpstreamError(f"Le fournisseur {provider} a échoué : {scrub(str(message))}")
        batch.extend(convert(data) if convert is not None else [data])
    return batch


class EventRelay(Generic[E]):
    """The body of a streamed answer; completes the record exactly once.

    A class rather than a bare generator so that ``aclose`` (called by ``RelayResponse``
    even when the client left before the first byte) still closes the upstream and
    completes the record.
    """

    def __init__(
        self, source: AsyncGenerator[list[E], None], handler: StreamHandler[E], *,
        on_end: Callable[[Outcome], None], started: float,
        on_complete: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        self._source = source
        # Run once the answer is whole, before the client reads its end: what a client may
        # rely on right after (a conversation kept for its next turn) is in place by then.
        self._on_complete = on_complete
        self._handler = handler
        self._on_end = on_end
        self._started = started
        self._iterator: AsyncGenerator[bytes, None] | None = None
        self._ended = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        if self._iterator is None:
            self._iterator = self._relay()
        return self._iterator

    async def aclose(self) -> None:
        if self._iterator is not None:
            await self._iterator.aclose()
        if not self._ended:
            self._end(Outcome(status_code=CLIENT_CLOSED, error=_CLIENT_GONE))
            await self._source.aclose()

    async def _relay(self) -> AsyncGenerator[bytes, None]:
        handler = self._handler
        outcome = Outcome(status_code=200)
        try:
            async for batch in self._source:
                for event in batch:
                    handler.see(event)
                out = handler.transform(batch)
                if self._on_complete is not None and handler.complete():
                    hook, self._on_complete = self._on_complete, None
                    await hook()
                if out:
                    yield b"".join(handler.encode(event) for event in out)
            handler.check_end()
            yield handler.closing()
        except GatewayError as exc:
            # Headers are gone already: the client learns it from the stream itself.
            outcome.status_code = exc.status_code
            outcome.error = f"{exc.code}: {exc.message}"
            yield handler.failure(exc)
        except (asyncio.CancelledError, GeneratorExit):
            outcome.status_code = CLIENT_CLOSED
            outcome.error = _CLIENT_GONE
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await self._source.aclose()
            self._end(outcome)

    def _end(self, outcome: Outcome) -> None:
        if self._ended:
            return
        self._ended = True
        self._handler.fill(outcome)
        outcome.upstream_latency_ms = round(
            (asyncio.get_running_loop().time() - self._started) * 1000, 3
        )
        self._on_end(outcome)

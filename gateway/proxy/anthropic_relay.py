"""Relaying a Messages stream to an Anthropic client, event by event, while recording it.

Two sources feed the same relay, both as batches of ``(event_name, data)``:

* :func:`native_events`: an Anthropic upstream's own events, passed through;
* :func:`translated_events`: an OpenAI-schema upstream's chunks, translated as they come.

The relay accumulates what the client was told (text, tool calls, usage) and reports the
outcome once, at the end, also when the client leaves (499) or the upstream fails.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from typing import Any

import anyio
import orjson

from gateway.errors import GatewayError, UpstreamError
from gateway.providers.base import ByteStream
from gateway.providers.scrub import scrub
from gateway.providers.sse import DONE, SSEBuffer, event_data, event_json
from gateway.proxy.answers import EventScreen, blocked_answer
from gateway.proxy.anthropic_content import EventRestorer
from gateway.proxy.exchange import Outcome
from gateway.proxy.relay import CLIENT_CLOSED
from gateway.redaction.answers import AnswerBlocked
from gateway.translation import AnthropicEvent, OpenAIToAnthropicStream, TranslationError
from gateway.translation.usage import TokenUsage

EventSource = AsyncGenerator[list[AnthropicEvent], None]
_CLIENT_GONE = "client_disconnected: le client a fermé la connexion en cours de flux"


def encode_anthropic_event(name: str, data: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


def error_event(error: GatewayError) -> bytes:
    return encode_anthropic_event("error", {
        "type": "error", "error": {"type": error.anthropic_type, "message": error.message},
    })


def message_text(message: dict[str, Any]) -> str:
    """A complete message as recorded: its text, then one line per tool call."""
    texts: list[str] = []
    calls: list[str] = []
    for block in message.get("content") or ():
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text":
            texts.append(str(block.get("text") or ""))
        elif block.get("type") == "tool_use":
            arguments = orjson.dumps(block.get("input") or {}).decode()
            calls.append(f"[tool_call] {block.get('name', '')} {arguments}")
    return "\n".join(["".join(texts), *calls]) if calls else "".join(texts)


class MessageAccumulator:
    """Collects what an Anthropic event stream said: text, tool calls, usage."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.tool_calls: dict[int, dict[str, str]] = {}
        self.usage: TokenUsage | None = None
        self.stopped = False
        self.error: str | None = None

    def add(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        index = data.get("index")
        if kind == "message_start":
            usage = (data.get("message") or {}).get("usage")
            if isinstance(usage, dict):
                self.usage = TokenUsage.from_anthropic(usage)
        elif kind == "content_block_start":
            block = data.get("content_block") or {}
            if block.get("type") == "tool_use" and isinstance(index, int):
                self.tool_calls[index] = {"name": str(block.get("name") or ""), "arguments": ""}
            elif block.get("type") == "text" and block.get("text"):
                self.text.append(str(block["text"]))
        elif kind == "content_block_delta":
            self._delta(index, data.get("delta") or {})
        elif kind == "message_delta":
            self.usage = self.usage or TokenUsage()
            self.usage.update_from_anthropic_delta(data.get("usage"))
        elif kind == "message_stop":
            self.stopped = True
        elif kind == "error":
            error = data.get("error") or {}
            self.error = str(error.get("message") if isinstance(error, dict) else error)

    def _delta(self, index: Any, delta: dict[str, Any]) -> None:
        if delta.get("type") == "text_delta":
            self.text.append(str(delta.get("text") or ""))
        elif delta.get("type") == "input_json_delta" and index in self.tool_calls:
            self.tool_calls[index]["arguments"] += str(delta.get("partial_json") or "")

    def response_text(self) -> str:
        calls = [
            f"[tool_call] {call['name']} {call['arguments']}"
            for _, call in sorted(self.tool_calls.items())
        ]
        return "\n".join(["".join(self.text), *calls]) if calls else "".join(self.text)


async def native_events(upstream: ByteStream) -> EventSource:
    """An Anthropic upstream's events, untouched; pings and errors included."""
    buffer = SSEBuffer()
    try:
        async for chunk in upstream:
            batch = [_named(data) for data in map(event_json, buffer.feed(chunk)) if data]
            if batch:
                yield batch
        last = event_json(buffer.rest())
        if last:
            yield [_named(last)]
    finally:
        with anyio.CancelScope(shield=True):
            await upstream.aclose()


def _named(data: dict[str, Any]) -> AnthropicEvent:
    kind = str(data.get("type") or "message")
    if kind == "error":  # relayed to the client and recorded: no secret the provider echoed
        error = data.get("error")
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            error["message"] = scrub(error["message"])
        elif isinstance(error, str):
            data["error"] = scrub(error)
    return kind, data


async def translated_events(
    upstream: ByteStream, translator: OpenAIToAnthropicStream, provider: str
) -> EventSource:
    """An OpenAI-schema upstream's chunks as Anthropic events, ``ping`` after the start.

    A stream that ends with neither ``[DONE]`` nor a finish reason was cut: it raises
    ``UpstreamError`` rather than pass for a complete answer.
    """
    buffer = SSEBuffer()
    complete = False
    try:
        async for chunk in upstream:
            batch: list[AnthropicEvent] = []
            for event in buffer.feed(chunk):
                if event_data(event) == DONE:
                    complete = True
                    continue
                data = event_json(event)
                if data is None:
                    continue
                if "error" in data and "choices" not in data:
                    error = data["error"]
                    message = error.get("message") if isinstance(error, dict) else error
                    raise UpstreamError(
                        f"Le fournisseur {provider} a échoué : {scrub(str(message))}")
                choices = data.get("choices") or ()
                complete = complete or any(
                    isinstance(c, dict) and c.get("finish_reason") for c in choices
                )
                batch.extend(_translate(translator, data))
            if batch:
                yield batch
        if not complete:
            raise UpstreamError(f"Le fournisseur {provider} a interrompu le flux avant sa fin.")
        yield translator.finish()
    finally:
        with anyio.CancelScope(shield=True):
            await upstream.aclose()


def _translate(translator: OpenAIToAnthropicStream, data: dict[str, Any]) -> list[AnthropicEvent]:
    try:
        events = translator.feed(data)
    except TranslationError as exc:
        raise UpstreamError(f"Flux du fournisseur intraduisible : {exc.message}") from exc
    if events and events[0][0] == "message_start":
        events.insert(1, ("ping", {"type": "ping"}))
    return events


class AnthropicRelay:
    """The response body of a streamed ``/v1/messages``; completes the record exactly once.

    A class rather than a bare generator so that ``aclose`` (called by ``RelayResponse``
    even when the client left before the first byte) still closes the upstream and
    completes the record.
    """

    def __init__(
        self,
        source: EventSource,
        *,
        on_end: Callable[[Outcome], None],
        started: float,
        restorer: EventRestorer | None = None,
        screen: EventScreen | None = None,
    ) -> None:
        self._source = source
        self._restorer = restorer
        self._screen = screen
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
            self._end(Outcome(status_code=CLIENT_CLOSED, error=_CLIENT_GONE), MessageAccumulator())
            await self._source.aclose()

    async def _relay(self) -> AsyncGenerator[bytes, None]:
        seen = MessageAccumulator()
        outcome = Outcome(status_code=200)
        try:
            async for batch in self._source:
                if self._screen is not None:
                    try:
                        batch = self._screen.transform(batch)
                    except AnswerBlocked as exc:
                        raise blocked_answer(exc.entity) from exc
                for _, data in batch:
                    seen.add(data)  # recorded as the provider wrote it, placeholders kept
                if self._restorer is not None:
                    batch = self._restorer.transform(batch)
                yield b"".join(encode_anthropic_event(name, data) for name, data in batch)
                if seen.error is not None:
                    raise UpstreamError(f"Le fournisseur a signalé une erreur : {seen.error}")
            if not seen.stopped:
                raise UpstreamError("Le fournisseur a interrompu le flux avant sa fin.")
        except GatewayError as exc:
            # Headers are gone already: tell the client in the stream, as Anthropic does.
            outcome.status_code = exc.status_code
            outcome.error = f"{exc.code}: {exc.message}"
            if seen.error is None:
                yield error_event(exc)
        except (asyncio.CancelledError, GeneratorExit):
            outcome.status_code = CLIENT_CLOSED
            outcome.error = _CLIENT_GONE
            raise
        finally:
            with anyio.CancelScope(shield=True):
                await self._source.aclose()
            self._end(outcome, seen)

    def _end(self, outcome: Outcome, seen: MessageAccumulator) -> None:
        if self._ended:
            return
        self._ended = True
        if self._screen is not None and outcome.status_code != 200:
            for _, data in self._screen.held():  # a stream cut short: the record has it
                seen.add(data)
        usage = seen.usage
        outcome.response = seen.response_text()
        if usage is not None:
            outcome.prompt_tokens = usage.input_tokens
            outcome.completion_tokens = usage.output_tokens
        outcome.upstream_latency_ms = round(
            (asyncio.get_running_loop().time() - self._started) * 1000, 3
        )
        self._on_end(outcome)

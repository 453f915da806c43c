"""Relaying a Messages stream to an Anthropic client, event by event, while recording it.

Two sources feed the relay, both as batches of ``(event_name, data)``:

* :func:`native_events`: an Anthropic upstream's own events, passed through;
* :func:`translated_events`: an OpenAI-schema upstream's chunks, translated as they come.

The relay is :class:`gateway.proxy.event_relay.EventRelay`, as for the other event
schemas; :class:`AnthropicStreamHandler` accumulates what the client was told (text, tool
calls, usage) for the record.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import anyio
import orjson

from gateway.errors import GatewayError, UpstreamError
from gateway.providers.base import ByteStream
from gateway.providers.scrub import scrub
from gateway.providers.sse import DONE, SSEBuffer, event_data, event_json
from gateway.proxy.answers import EventScreen, blocked_answer
from gateway.proxy.anthropic_content import EventRestorer
from gateway.proxy.exchange import Outcome, recorded_answer, tool_call_line
from gateway.redaction.answers import AnswerBlocked
from gateway.translation import AnthropicEvent, OpenAIToAnthropicStream, TranslationError
from gateway.translation.usage import TokenUsage

EventSource = AsyncGenerator[list[AnthropicEvent], None]


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
            calls.append(tool_call_line(block.get("name", ""), arguments))
    return recorded_answer(texts, calls)


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
            self.error = error_message(data)

    def _delta(self, index: Any, delta: dict[str, Any]) -> None:
        if delta.get("type") == "text_delta":
            self.text.append(str(delta.get("text") or ""))
        elif delta.get("type") == "input_json_delta" and index in self.tool_calls:
            self.tool_calls[index]["arguments"] += str(delta.get("partial_json") or "")

    def response_text(self) -> str:
        return recorded_answer(self.text, (tool_call_line(call["name"], call["arguments"])
                                           for _, call in sorted(self.tool_calls.items())))


def error_message(data: dict[str, Any]) -> str:
    """What an ``error`` event says."""
    error = data.get("error") or {}
    return str(error.get("message") if isinstance(error, dict) else error)


async def native_events(upstream: ByteStream) -> EventSource:
    """An Anthropic upstream's events, untouched; pings and errors included. An ``error``
    event ends the stream once the client has it: ``UpstreamError``, nothing read after."""
    buffer = SSEBuffer()
    try:
        async for chunk in upstream:
            batch = [_named(data) for data in map(event_json, buffer.feed(chunk)) if data]
            if batch:
                yield batch
                _stop_at_error(batch)
        last = event_json(buffer.rest())
        if last:
            batch = [_named(last)]
            yield batch
            _stop_at_error(batch)
    finally:
        with anyio.CancelScope(shield=True):
            await upstream.aclose()


def _stop_at_error(batch: list[AnthropicEvent]) -> None:
    errors = [error_message(data) for name, data in batch if name == "error"]
    if errors:
        raise UpstreamError(f"Le fournisseur a signalé une erreur : {errors[-1]}")


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


async def screened_events(source: EventSource, screen: EventScreen) -> EventSource:
    """``source`` screened batch by batch; a blocked identifier ends it with the policy's
    refusal (nothing of that batch goes out)."""
    try:
        async for batch in source:
            try:
                screened = screen.transform(batch)
            except AnswerBlocked as exc:
                raise blocked_answer(exc.entity) from exc
            yield screened
    finally:
        await source.aclose()


class AnthropicStreamHandler:
    """:class:`gateway.proxy.event_relay.StreamHandler` for ``/v1/messages`` streams."""

    def __init__(self, restorer: EventRestorer | None = None,
                 screen: EventScreen | None = None) -> None:
        self._restorer = restorer
        self._screen = screen  # its held text goes to the record of a stream cut short
        self._seen = MessageAccumulator()

    def see(self, event: AnthropicEvent) -> None:
        self._seen.add(event[1])  # recorded as the provider wrote it, placeholders kept

    def transform(self, events: list[AnthropicEvent]) -> list[AnthropicEvent]:
        return self._restorer.transform(events) if self._restorer is not None else events

    def encode(self, event: AnthropicEvent) -> bytes:
        return encode_anthropic_event(*event)

    def failure(self, error: GatewayError) -> bytes:
        """An ``error`` event, as Anthropic sends it, unless the provider's came already."""
        return error_event(error) if self._seen.error is None else b""

    def check_end(self) -> None:
        if not self._seen.stopped:
            raise UpstreamError("Le fournisseur a interrompu le flux avant sa fin.")

    def complete(self) -> bool:
        return self._seen.stopped

    def closing(self) -> bytes:
        return b""

    def fill(self, outcome: Outcome) -> None:
        seen = self._seen
        if self._screen is not None and outcome.status_code != 200:
            for _, data in self._screen.held():  # a stream cut short: the record has it
                seen.add(data)
        outcome.response = seen.response_text()
        if seen.usage is not None:
            outcome.prompt_tokens = seen.usage.input_tokens
            outcome.completion_tokens = seen.usage.output_tokens

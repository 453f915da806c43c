"""Relaying an upstream SSE stream to the client, event by event, while recording it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping
from typing import Any

import anyio
import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from gateway.errors import GatewayError, UpstreamError
from gateway.providers.base import ByteStream
from gateway.providers.scrub import scrub
from gateway.providers.sse import DONE, SSEBuffer, encode_event, event_data, event_json
from gateway.proxy.answers import ChunkScreen, blocked_answer
from gateway.proxy.exchange import Outcome, recorded_answer, tool_call_line
from gateway.proxy.restore import ChunkRestorer
from gateway.redaction.answers import AnswerBlocked

CLIENT_CLOSED = 499  # the nginx convention for "the client went away first"


class RelayResponse(Response):
    """An SSE relay to the client: the headers, then each chunk as the upstream gives it.

    Starlette's ``StreamingResponse`` watches for a client that leaves with an anyio task
    group per response (uvicorn speaks ASGI 2.3, whose ``send`` ignores a gone client);
    here one plain task waits on ``receive`` and cancels the relay when the client leaves,
    which is all that watch is for, at a fraction of the cost per stream (bench/). The
    iterator is always closed: its ``finally`` closes the upstream call and completes the
    record (499 when the client left first).
    """

    media_type = "text/event-stream"

    def __init__(self, body: AsyncIterable[bytes], headers: Mapping[str, str]) -> None:
        self.body_iterator = body
        self.status_code = 200
        self.background = None
        self.init_headers(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        relay = asyncio.current_task()
        assert relay is not None  # an ASGI app always runs in a task
        state = {"done": False, "gone": False}

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            if not state["done"]:  # a disconnect, not the end of our own response
                state["gone"] = True
                relay.cancel()

        watcher = asyncio.get_running_loop().create_task(watch())
        try:
            await send({"type": "http.response.start", "status": 200,
                        "headers": self.raw_headers})
            async for chunk in self.body_iterator:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            state["done"] = True
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        except asyncio.CancelledError:
            if not state["gone"]:
                raise
            relay.uncancel()  # our own cancellation: the client left, nothing more to send
        finally:
            state["done"] = True
            watcher.cancel()
            aclose = getattr(self.body_iterator, "aclose", None)
            if aclose is not None:
                with anyio.CancelScope(shield=True):
                    await aclose()


class StreamAccumulator:
    """Collects what a stream said: assistant text, tool calls and usage."""

    def __init__(self) -> None:
        self.text: list[str] = []
        self.tool_calls: dict[int, dict[str, str]] = {}
        self.usage: dict[str, Any] | None = None

    def add(self, chunk: dict[str, Any]) -> None:
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self.usage = usage
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                continue
            content = delta.get("content")
            if isinstance(content, str):
                self.text.append(content)
            for call in delta.get("tool_calls") or ():
                self._add_tool_call(call)
            if isinstance(delta.get("function_call"), dict):  # legacy ``functions``
                self._add_tool_call({"index": -1, "function": delta["function_call"]})

    def _add_tool_call(self, call: Any) -> None:
        if not isinstance(call, dict):
            return
        index = int(call.get("index") or 0)
        slot = self.tool_calls.setdefault(index, {"name": "", "arguments": ""})
        function = call.get("function") or {}
        if isinstance(function, dict):
            slot["name"] += str(function.get("name") or "")
            slot["arguments"] += str(function.get("arguments") or "")

    def response_text(self) -> str:
        return recorded_answer(self.text, (tool_call_line(call["name"], call["arguments"])
                                           for _, call in sorted(self.tool_calls.items())))


def scrubbed_error(payload: dict[str, Any]) -> dict[str, Any]:
    """An upstream in-stream error (``{"error": ...}``), its text cleaned of secrets."""
    error = payload["error"]
    if isinstance(error, dict):
        return {**payload, "error": {
            **error, **({"message": scrub(error["message"])}
                        if isinstance(error.get("message"), str) else {})}}
    return {**payload, "error": scrub(str(error))}


def error_text(payload: dict[str, Any]) -> str:
    error = payload.get("error")
    message = error.get("message") if isinstance(error, dict) else error
    return str(message)[:1000]


def _screen(screen: ChunkScreen, payload: dict[str, Any]) -> None:
    try:
        screen.transform(payload)
    except AnswerBlocked as exc:
        raise blocked_answer(exc.entity) from exc


def _record_held(seen: StreamAccumulator, screen: ChunkScreen) -> None:
    """A stream cut short: what the screen held back still belongs to the record (masked;
    nothing of it if it holds a blocked identifier)."""
    try:
        held = screen.tail()
    except AnswerBlocked:
        return
    if held is not None:
        seen.add(held)


def _tails(
    seen: StreamAccumulator, screen: ChunkScreen | None, restorer: ChunkRestorer | None
) -> list[bytes]:
    """What the screen and the restorer still hold when the stream ends."""
    out: list[bytes] = []
    if screen is not None:
        try:
            held = screen.tail()
        except AnswerBlocked as exc:
            raise blocked_answer(exc.entity) from exc
        if held is not None:
            seen.add(held)
            if restorer is not None:
                restorer.transform(held)
            out.append(encode_event(held))
    tail = restorer.tail() if restorer is not None else None
    if tail is not None:
        out.append(encode_event(tail))
    return out


async def relay_openai_stream(
    upstream: ByteStream,
    *,
    forward_usage: bool,
    on_end: Callable[[Outcome], None],
    started: float,
    restorer: ChunkRestorer | None = None,
    screen: ChunkScreen | None = None,
) -> AsyncIterator[bytes]:
    """Yield the upstream's events as they arrive, and report the outcome once at the end.

    The gateway asks upstreams for usage in every stream (to count cost); the usage-only
    chunk is dropped again unless the client asked for it itself.
    """
    buffer = SSEBuffer()
    seen = StreamAccumulator()
    outcome = Outcome(status_code=200)
    out: list[bytes] = []
    try:
        async for chunk in upstream:
            for event in buffer.feed(chunk):
                payload = event_json(event)
                if payload is not None and "error" in payload and "choices" not in payload:
                    # An in-stream error, relayed and recorded without a secret the
                    # provider echoed.
                    payload = scrubbed_error(payload)
                    outcome.status_code = UpstreamError.status_code
                    outcome.error = f"{UpstreamError.code}: {error_text(payload)}"
                    out.append(encode_event(payload))
                    continue
                if payload is not None:
                    if screen is not None:
                        _screen(screen, payload)
                    seen.add(payload)  # recorded as the provider sent it (screened)
                    if not forward_usage and not payload.get("choices") and "usage" in payload:
                        continue
                    if restorer is not None:
                        restorer.transform(payload)
                    if restorer is not None or screen is not None:
                        out.append(encode_event(payload))
                        continue
                elif event_data(event) == DONE:
                    out.extend(_tails(seen, screen, restorer))
                elif not event.startswith(b":"):
                    continue  # junk between events: nothing a client could use
                out.append(event + b"\n\n")
            if out:
                yield b"".join(out)
                out = []
    except GatewayError as exc:
        # Headers are gone already: tell the client in the stream, as OpenAI does (after
        # what the same read already cleared, e.g. the text before a blocked identifier).
        outcome.status_code = exc.status_code
        outcome.error = f"{exc.code}: {exc.message}"
        yield b"".join(out) + b"data: " + orjson.dumps(
            {"error": {"message": exc.message, "type": exc.openai_type, "code": exc.code,
                       "param": None}}
        ) + b"\n\n"
    except (asyncio.CancelledError, GeneratorExit):
        outcome.status_code = CLIENT_CLOSED
        outcome.error = "client_disconnected: le client a fermé la connexion en cours de flux"
        raise
    finally:
        with anyio.CancelScope(shield=True):
            await upstream.aclose()
        if screen is not None and outcome.status_code != 200:
            _record_held(seen, screen)
        usage = seen.usage or {}
        outcome.response = seen.response_text()
        outcome.prompt_tokens = usage.get("prompt_tokens")
        outcome.completion_tokens = usage.get("completion_tokens")
        outcome.upstream_latency_ms = round((asyncio.get_running_loop().time() - started) * 1000, 3)
        on_end(outcome)

"""``POST /v1/completions``: the legacy Completions API (prompt, suffix) for completion plugins.

Code-completion plugins (Continue's tab autocomplete and others) send a prompt and, for
fill-in-the-middle, a suffix. Both are scanned and judged like any chat message. A model
whose server answers the legacy API itself (``native_apis: [completions]`` in the
catalogue: vLLM, Ollama or OpenAI instruct models, whose code models fill the middle
natively) gets the body as it is; any other gets it as a chat request asking for the
continuation or the missing middle only (:mod:`gateway.translation.completions`), and
its answer, streamed or not, back as text completions.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.catalogue import ModelEntry
from gateway.errors import GatewayError, UpstreamError
from gateway.providers.anthropic import untranslatable
from gateway.providers.base import Adapter, ByteStream, HttpAdapter
from gateway.proxy import record
from gateway.proxy.answer_events import CompletionChunkScreen, screened
from gateway.proxy.answers import screen_completion
from gateway.proxy.common import (
    complete,
    completer,
    json_answer,
    read_request,
    screen_answer,
    stream_response,
)
from gateway.proxy.event_relay import Event, EventRelay, EventSource, upstream_events
from gateway.proxy.exchange import Exchange, Outcome
from gateway.proxy.fields import view_of
from gateway.proxy.native_or_chat import (
    MAX_TOKENS_FIELD,
    Plan,
    answer_events,
    planner,
    whole_answer,
)
from gateway.proxy.schemas import CompletionRequest
from gateway.proxy.upstream import forward, guarded_clear
from gateway.redaction import Pseudonymizer, StreamingRestorer
from gateway.state import GatewayState
from gateway.translation import (
    TranslationError,
    chat_chunk_to_completion_chunk,
    chat_completion_to_text_completion,
    completions_request_to_chat,
)


def plan_for(body: dict[str, Any], entry: ModelEntry, adapter: Adapter, stream: bool) -> Plan:
    if isinstance(adapter, HttpAdapter) and entry.serves("completions"):
        return Plan(True, body)
    try:
        chat = completions_request_to_chat(
            body, max_tokens_field=MAX_TOKENS_FIELD.get(entry.provider, "max_tokens"))
    except TranslationError as exc:
        raise untranslatable(exc, f"le modèle « {entry.name} »") from exc
    chat["stream"] = stream
    return Plan(False, chat)


def completion_text(completion: dict[str, Any]) -> str:
    return "\n".join(
        str(choice.get("text") or "") for choice in completion.get("choices") or ()
        if isinstance(choice, dict)
    )


async def handle_completions(
    state: GatewayState, request: Request, exchange: Exchange
) -> Response:
    """Check, clear, record, forward and complete one legacy completion."""
    body, checked = await read_request(state, request, exchange, CompletionRequest, "chat")
    view = view_of("completions", body)
    cleared = await guarded_clear(state, exchange, view)
    plan = planner(plan_for, body, cleared.entry, cleared.adapter, checked.stream)

    model = checked.model
    await record.begin(state.records, exchange)

    if checked.stream:
        async def open_stream(entry: ModelEntry, adapter: Adapter) -> EventSource:
            return await answer_events(
                "completions", plan(entry, adapter), entry, adapter,
                lambda upstream: chat_as_completions(upstream, model, entry.provider))

        source = await forward(state, exchange, cleared, open_stream, view=view)
        if cleared.answer is not None:
            source = screened(source, CompletionChunkScreen(cleared.answer))
        usage_asked = bool(checked.stream_options and checked.stream_options.include_usage)
        handler = CompletionStreamHandler(model, cleared.pseudo, forward_usage=usage_asked)
        relay = EventRelay(source, handler, on_end=completer(state, exchange),
                           started=asyncio.get_running_loop().time())
        return stream_response(relay, exchange)

    async def call(entry: ModelEntry, adapter: Adapter) -> tuple[dict[str, Any], float]:
        return await whole_answer("completions", plan(entry, adapter), entry, adapter,
                                  lambda reply: chat_completion_to_text_completion(reply, model))

    answer, latency_ms = await forward(state, exchange, cleared, call, view=view)
    answer["model"] = model
    usage: dict[str, Any] = answer.get("usage") or {}
    if cleared.answer is not None:
        screen_answer(state, exchange, answer, cleared.answer, latency_ms, screen_completion)
    complete(state, exchange, Outcome(
        status_code=200,
        response=completion_text(answer),  # placeholders, as the provider wrote it
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        upstream_latency_ms=round(latency_ms, 3),
    ))
    if cleared.pseudo is not None:
        for choice in answer.get("choices") or ():
            if isinstance(choice, dict) and isinstance(choice.get("text"), str):
                choice["text"] = cleared.pseudo.restore(choice["text"])
    return json_answer(answer, exchange)


async def chat_as_completions(upstream: ByteStream, model: str, provider: str) -> EventSource:
    """A chat stream's chunks as text-completion chunks."""

    def convert(chunk: Event) -> list[Event]:
        converted = chat_chunk_to_completion_chunk(chunk, model)
        return [converted] if converted is not None else []

    source = upstream_events(upstream, provider, convert)
    try:
        async for batch in source:
            yield batch
    finally:
        await source.aclose()


class CompletionStreamHandler:
    """:class:`gateway.proxy.event_relay.StreamHandler` for text-completion chunks."""

    def __init__(self, model: str, pseudo: Pseudonymizer | None, *, forward_usage: bool) -> None:
        self._model = model
        self._pseudo = pseudo
        self._forward_usage = forward_usage
        self._restorers: dict[int, StreamingRestorer] = {}
        self._text: dict[int, list[str]] = {}
        self._usage: dict[str, Any] | None = None
        self._finished = False

    def see(self, event: Event) -> None:
        event["model"] = self._model
        if isinstance(event.get("usage"), dict):
            self._usage = event["usage"]
        for choice in event.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            self._text.setdefault(index, []).append(str(choice.get("text") or ""))
            self._finished = self._finished or bool(choice.get("finish_reason"))

    def transform(self, events: list[Event]) -> list[Event]:
        out = []
        for event in events:
            if not event.get("choices") and "usage" in event and not self._forward_usage:
                continue  # asked of the upstream for the budgets, not by the client
            if self._pseudo is not None:
                event = self._restore(event, self._pseudo)
            out.append(event)
        return out

    def _restore(self, event: Event, pseudo: Pseudonymizer) -> Event:
        event = {**event, "choices": [dict(c) for c in event.get("choices") or ()
                                      if isinstance(c, dict)]}
        for choice in event["choices"]:
            index = int(choice.get("index") or 0)
            restorer = self._restorers.get(index)
            if restorer is None:
                restorer = self._restorers[index] = pseudo.streaming_restorer()
            text = restorer.feed(str(choice.get("text") or ""))
            if choice.get("finish_reason"):
                text += self._restorers.pop(index).flush()
            choice["text"] = text
        return event

    def encode(self, event: Event) -> bytes:
        return b"data: " + orjson.dumps(event) + b"\n\n"

    def closing(self) -> bytes:
        return b"data: [DONE]\n\n"

    def failure(self, error: GatewayError) -> bytes:
        return self.encode({"error": {"message": error.message, "type": error.openai_type,
                                      "code": error.code, "param": None}})

    def complete(self) -> bool:
        return self._finished

    def check_end(self) -> None:
        if not self._finished:
            raise UpstreamError("Le fournisseur a interrompu le flux avant sa fin.")

    def fill(self, outcome: Outcome) -> None:
        outcome.response = "\n".join("".join(parts) for _, parts in sorted(self._text.items()))
        usage = self._usage or {}
        outcome.prompt_tokens = usage.get("prompt_tokens")
        outcome.completion_tokens = usage.get("completion_tokens")

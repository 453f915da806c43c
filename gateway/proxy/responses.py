"""``POST /v1/responses``: OpenAI's Responses API, on the same pipeline as chat, to any model.

The steps are chat's (check → policies and redaction of every text field → record →
forward → restore → complete the record), with one choice made per model, after the
policies (which may route the request elsewhere): a model whose server answers the
Responses API (OpenAI and Azure by default, the catalogue's ``native_apis``) gets the
client's body as it is; any other gets it translated to chat (Anthropic models through
chat too), and its answer, or each streamed chunk, translated back into the Responses
schema. What cannot be translated is a 400 naming the field, before anything is recorded
or sent. Hosted tools (web search, file search, code interpreter…) run at the provider,
beyond the gateway's sight: they are refused unless a policy allows them, and only a model
that serves the Responses API can run them.

The gateway answers with its own response id (``resp_`` and the interaction id) and the
model name the client asked for; upstreams are always sent ``store: false``: see
:mod:`gateway.audit.conversations` for what the gateway keeps instead.
"""

from __future__ import annotations

import asyncio
import copy
import time
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.catalogue import ModelEntry
from gateway.errors import InvalidRequestError, UpstreamError
from gateway.providers.anthropic import untranslatable
from gateway.providers.base import Adapter, ByteStream, HttpAdapter
from gateway.proxy import record, responses_state
from gateway.proxy.answer_events import (
    ResponsesEventScreen,
    json_response,
    screen_response,
    screened,
)
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
from gateway.proxy.hosted_tools import check_hosted_tools
from gateway.proxy.native_or_chat import (
    MAX_TOKENS_FIELD,
    Plan,
    answer_events,
    planner,
    whole_answer,
)
from gateway.proxy.responses_content import (
    hosted_tools,
    response_text,
    restore_response,
)
from gateway.proxy.responses_events import ResponsesStreamHandler
from gateway.proxy.schemas import ResponsesRequest
from gateway.proxy.upstream import forward, guarded_clear
from gateway.state import GatewayState
from gateway.translation import (
    ChatToResponsesStream,
    TranslationError,
    chat_completion_to_response,
    response_shell,
    responses_request_to_anthropic,
    responses_request_to_chat,
)


def response_id(exchange: Exchange) -> str:
    """The gateway's id of an answer: its interaction's, so the log finds it again."""
    return "resp_" + exchange.id.replace("-", "")


def plan_for(body: dict[str, Any], entry: ModelEntry, adapter: Adapter, stream: bool) -> Plan:
    """The upstream body for ``entry``; 400 naming the field it cannot carry."""
    if isinstance(adapter, HttpAdapter) and entry.serves("responses"):
        out = dict(body)
        # The provider keeps nothing: the gateway holds conversations itself (in its log,
        # redacted and under its retention), so chains by id work against every model.
        out["store"] = False
        out.pop("previous_response_id", None)
        return Plan(True, out)
    for index, kind in hosted_tools(body):
        raise InvalidRequestError(
            f"L'outil hébergé « {kind} » est exécuté chez le fournisseur : seul un modèle qui "
            f"sert l'API Responses (OpenAI, Azure) peut l'utiliser, pas « {entry.name} ».",
            param=f"tools[{index}]",
        )
    try:
        chat = responses_request_to_chat(
            body, max_tokens_field=MAX_TOKENS_FIELD.get(entry.provider, "max_tokens"))
        if entry.provider == "anthropic":
            # Checked here so that a refusal names the Responses field, not the chat one.
            responses_request_to_anthropic(body)
    except TranslationError as exc:
        raise untranslatable(exc, f"le modèle « {entry.name} »") from exc
    chat["stream"] = stream
    return Plan(False, chat)


async def handle_responses(state: GatewayState, request: Request, exchange: Exchange) -> Response:
    """Check, clear, record, forward and complete one Responses request."""
    body, checked = await read_request(state, request, exchange, ResponsesRequest, "chat")
    if checked.input in (None, "", []) and checked.previous_response_id is None:
        raise InvalidRequestError("Champ « input » requis : un texte ou une liste d'éléments.",
                                  param="input")
    await responses_state.expand(state, exchange, body)
    keeping = responses_state.will_keep(state, body)
    # The conversation as the employee wrote it, kept (sealed) for the next turn.
    raw_items = copy.deepcopy(responses_state.as_items(body.get("input"))) if keeping else []
    view = view_of("responses", body)
    cleared = await guarded_clear(state, exchange, view)
    check_hosted_tools(
        cleared, [(f"tools[{index}]", kind) for index, kind in hosted_tools(body)])
    json_text = json_response(body)  # the answer's text is JSON: it stays JSON
    plan = planner(plan_for, body, cleared.entry, cleared.adapter, checked.stream)

    # What every response object the client reads says of itself, whoever answered.
    rid = response_id(exchange)
    echo: dict[str, Any] = {"id": rid, "model": checked.model,
                            "previous_response_id": checked.previous_response_id,
                            "store": keeping}
    shell = response_shell(body, rid, time.time())
    shell.update(echo)
    await record.begin(state.records, exchange)

    if checked.stream:
        async def open_stream(entry: ModelEntry, adapter: Adapter) -> EventSource:
            return await answer_events(
                "responses", plan(entry, adapter), entry, adapter,
                lambda upstream: chat_as_responses(
                    upstream, ChatToResponsesStream(shell), entry.provider))

        source = await forward(
            state, exchange, cleared, open_stream, view=view)
        screen = ResponsesEventScreen(cleared.answer, json_text) \
            if cleared.answer is not None else None
        if screen is not None:
            # Before the relay sees it: the record and the kept answer are screened too.
            source = screened(source, screen)
        handler = ResponsesStreamHandler(echo, cleared.pseudo, screen, json_text)

        async def kept() -> None:
            client_view = handler.client_view()
            if keeping and client_view is not None:
                await responses_state.keep(state, exchange, raw_items, client_view)

        relay = EventRelay(source, handler, on_end=completer(state, exchange),
                           started=asyncio.get_running_loop().time(), on_complete=kept)
        return stream_response(relay, exchange)

    async def call(entry: ModelEntry, adapter: Adapter) -> tuple[dict[str, Any], float]:
        return await whole_answer("responses", plan(entry, adapter), entry, adapter,
                                  lambda reply: chat_completion_to_response(reply, shell))

    answer, latency_ms = await forward(
        state, exchange, cleared, call, view=view)
    answer.update(echo)
    usage: dict[str, Any] = answer.get("usage") or {}
    if cleared.answer is not None:
        screen_answer(state, exchange, answer, cleared.answer, latency_ms,
                      partial(screen_response, json_text=json_text))
    complete(state, exchange, Outcome(
        status_code=200,
        # Recorded as the provider wrote it: placeholders, not the restored values.
        response=response_text(answer),
        prompt_tokens=usage.get("input_tokens"),
        completion_tokens=usage.get("output_tokens"),
        upstream_latency_ms=round(latency_ms, 3),
    ))
    if cleared.pseudo is not None:
        restore_response(answer, cleared.pseudo, json_text)
    if keeping:
        answer["store"] = await responses_state.keep(state, exchange, raw_items, answer)
    return json_answer(answer, exchange)


async def chat_as_responses(
    upstream: ByteStream, translator: ChatToResponsesStream, provider: str
) -> EventSource:
    """A chat stream's chunks as Responses events, translated as they come.

    A stream that ends without a finish reason was cut: it raises ``UpstreamError`` rather
    than pass for a complete answer.
    """
    complete = False

    def convert(chunk: Event) -> list[Event]:
        nonlocal complete
        complete = complete or any(
            isinstance(c, dict) and c.get("finish_reason") for c in chunk.get("choices") or ())
        try:
            return translator.feed(chunk)
        except TranslationError as exc:
            raise UpstreamError(f"Flux du fournisseur intraduisible : {exc.message}") from exc

    source = upstream_events(upstream, provider, convert)
    try:
        async for batch in source:
            yield batch
        if not complete:
            raise UpstreamError(f"Le fournisseur {provider} a interrompu le flux avant sa fin.")
        yield translator.finish()
    finally:
        await source.aclose()

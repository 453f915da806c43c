"""``POST /v1/messages``: the pipeline for Anthropic-schema requests, to any chat model.

The same steps as ``/v1/chat/completions`` (check → policies and redaction → record →
forward → restore → complete the record), with one choice made per model: an upstream
that speaks the Messages API itself (:class:`NativeMessages`) gets the client's body as
it is; any other gets it translated to the OpenAI schema, and its answer translated back.
What cannot be translated is refused with a 400 naming the field, before anything is sent.
"""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.catalogue import ModelEntry
from gateway.errors import UpstreamError
from gateway.providers.anthropic import untranslatable
from gateway.providers.base import Adapter, NativeMessages, UpstreamReply
from gateway.proxy import record
from gateway.proxy.answers import EventScreen, screen_message
from gateway.proxy.anthropic_content import EventRestorer, restore_message
from gateway.proxy.anthropic_relay import (
    AnthropicStreamHandler,
    EventSource,
    message_text,
    native_events,
    screened_events,
    translated_events,
)
from gateway.proxy.anthropic_schemas import CountTokensRequest, MessagesRequest
from gateway.proxy.body import parse_json, read_body, validate
from gateway.proxy.common import (
    complete,
    completer,
    json_answer,
    read_request,
    screen_answer,
    stream_response,
)
from gateway.proxy.event_relay import EventRelay
from gateway.proxy.exchange import Exchange, Outcome
from gateway.proxy.fields import view_of
from gateway.proxy.fields.messages import messages_hosted_tools
from gateway.proxy.hosted_tools import check_hosted_tools
from gateway.proxy.native_or_chat import MAX_TOKENS_FIELD
from gateway.proxy.upstream import forward, guarded_clear
from gateway.state import GatewayState
from gateway.translation import (
    OpenAIToAnthropicStream,
    TokenUsage,
    TranslationError,
    anthropic_request_to_openai,
    count_tokens_estimate,
    openai_response_to_anthropic,
)


def to_openai(body: dict[str, Any], entry: ModelEntry) -> dict[str, Any]:
    """The request for an OpenAI-schema adapter; 400 naming the field it cannot carry."""
    try:
        return anthropic_request_to_openai(
            body, max_tokens_field=MAX_TOKENS_FIELD.get(entry.provider, "max_tokens")
        )
    except TranslationError as exc:
        raise untranslatable(exc, f"le modèle « {entry.name} »") from exc


async def handle_messages(state: GatewayState, request: Request, exchange: Exchange) -> Response:
    """Check, clear, record, forward and complete one Messages request."""
    body, checked = await read_request(state, request, exchange, MessagesRequest, "chat")
    view = view_of("messages", body)
    cleared = await guarded_clear(state, exchange, view)
    check_hosted_tools(cleared, messages_hosted_tools(body))
    # Chosen after the policies, which may have routed the request to another model;
    # translated here for that model, so an untranslatable field is refused before the
    # record is written and anything forwarded.
    first_body = _upstream_body(body, cleared.entry, cleared.adapter)

    def upstream_body(entry: ModelEntry, adapter: Adapter) -> dict[str, Any]:
        return first_body if entry is cleared.entry else _upstream_body(body, entry, adapter)

    await record.begin(state.records, exchange)

    if checked.stream:
        async def open_stream(entry: ModelEntry, adapter: Adapter) -> EventSource:
            native = adapter if isinstance(adapter, NativeMessages) else None
            return await _open_stream(
                native, adapter, upstream_body(entry, adapter), body, checked.model
            )

        source = await forward(
            state, exchange, cleared, open_stream, view=view
        )
        screen = EventScreen(cleared.answer) if cleared.answer else None
        relay = EventRelay(
            screened_events(source, screen) if screen is not None else source,
            AnthropicStreamHandler(
                EventRestorer(cleared.pseudo, cleared.documents)
                if cleared.pseudo or cleared.documents else None, screen),
            on_end=completer(state, exchange), started=asyncio.get_running_loop().time(),
        )
        return stream_response(relay, exchange)

    async def call(entry: ModelEntry, adapter: Adapter) -> tuple[UpstreamReply, bool]:
        if isinstance(adapter, NativeMessages):
            return await adapter.messages(upstream_body(entry, adapter)), True
        return await adapter.chat(upstream_body(entry, adapter)), False

    reply, native = await forward(
        state, exchange, cleared, call, view=view
    )
    if native:
        message = reply.body
    else:
        try:
            message = openai_response_to_anthropic(reply.body, checked.model)
        except TranslationError as exc:
            raise UpstreamError(
                f"Réponse du fournisseur {exchange.entry.provider if exchange.entry else ''} "
                f"intraduisible : {exc.message}"
            ) from exc
    if cleared.answer is not None:
        screen_answer(state, exchange, message, cleared.answer, reply.latency_ms,
                      screen_message)
    usage = TokenUsage.from_anthropic(message.get("usage"))
    has_usage = isinstance(message.get("usage"), dict)
    complete(state, exchange, Outcome(
        status_code=200,
        # Recorded as the provider wrote it: placeholders, not the restored values.
        response=message_text(message),
        prompt_tokens=usage.input_tokens if has_usage else None,
        completion_tokens=usage.output_tokens if has_usage else None,
        upstream_latency_ms=round(reply.latency_ms, 3),
    ))
    if cleared.pseudo is not None or cleared.documents is not None:
        restore_message(message, cleared.pseudo, cleared.documents)
    return json_answer(message, exchange)


def _upstream_body(body: dict[str, Any], entry: ModelEntry, adapter: Adapter) -> dict[str, Any]:
    """The client's body for a native Messages upstream, else translated for ``entry``."""
    return body if isinstance(adapter, NativeMessages) else to_openai(body, entry)


async def _open_stream(
    native: NativeMessages | None,
    adapter: Adapter,
    upstream_body: dict[str, Any],
    body: dict[str, Any],
    model: str,
) -> EventSource:
    if native:
        return native_events(await native.messages_stream(upstream_body))
    translator = OpenAIToAnthropicStream(model, input_tokens=count_tokens_estimate(body))
    upstream = await adapter.chat_stream(upstream_body)
    return translated_events(upstream, translator, adapter.entry.provider)


async def handle_count_tokens(state: GatewayState, request: Request) -> dict[str, int]:
    """``/v1/messages/count_tokens``, answered locally (nothing leaves the gateway)."""
    body = parse_json(await read_body(request, state.settings.max_body_bytes))
    checked = validate(CountTokensRequest, body)
    state.resolve(checked.model, "chat")
    return {"input_tokens": count_tokens_estimate(body)}

"""``POST /v1/chat/completions``: the pipeline for OpenAI-schema chat requests."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from gateway.proxy import record
from gateway.proxy.answers import ChunkScreen, json_reply, screen_reply
from gateway.proxy.common import (
    complete,
    completer,
    json_answer,
    read_request,
    screen_answer,
    stream_response,
)
from gateway.proxy.exchange import Exchange, Outcome, tool_call_line
from gateway.proxy.fields import view_of
from gateway.proxy.fields.chat import chat_hosted_tools
from gateway.proxy.hosted_tools import check_hosted_tools
from gateway.proxy.relay import relay_openai_stream
from gateway.proxy.restore import ChunkRestorer, restore_reply
from gateway.proxy.schemas import ChatCompletionRequest
from gateway.proxy.upstream import forward, guarded_clear
from gateway.state import GatewayState


def assistant_text(reply: dict[str, Any]) -> str:
    """The answer as recorded: the assistant's text, then one line per tool call."""
    parts: list[str] = []
    for choice in reply.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("content"), str):
            parts.append(message["content"])
        calls = [call.get("function") or {} if isinstance(call, dict) else {}
                 for call in message.get("tool_calls") or ()]
        if isinstance(message.get("function_call"), dict):  # legacy ``functions``
            calls.append(message["function_call"])
        for function in calls:
            parts.append(tool_call_line(function.get("name", ""), function.get("arguments", "")))
    return "\n".join(parts)


async def handle_chat(state: GatewayState, request: Request, exchange: Exchange) -> Response:
    """Check, clear, record, forward and complete one chat completion."""
    body, checked = await read_request(state, request, exchange, ChatCompletionRequest, "chat")
    view = view_of("chat", body)
    cleared = await guarded_clear(state, exchange, view)
    check_hosted_tools(cleared, chat_hosted_tools(body))
    json_text = json_reply(body)

    await record.begin(state.records, exchange)

    if checked.stream:
        wants_usage = bool(checked.stream_options and checked.stream_options.include_usage)
        upstream = await forward(
            state, exchange, cleared, lambda _, adapter: adapter.chat_stream(body),
            view=view,
        )
        relay = relay_openai_stream(
            upstream, forward_usage=wants_usage, on_end=completer(state, exchange),
            started=asyncio.get_running_loop().time(),
            restorer=ChunkRestorer(cleared.pseudo, json_text) if cleared.pseudo else None,
            screen=ChunkScreen(cleared.answer, json_text) if cleared.answer else None,
        )
        return stream_response(relay, exchange)

    reply = await forward(
        state, exchange, cleared, lambda _, adapter: adapter.chat(body),
        view=view,
    )
    usage = reply.body.get("usage") or {}
    if cleared.answer is not None:
        screen_answer(state, exchange, reply.body, cleared.answer, reply.latency_ms,
                      partial(screen_reply, json_text=json_text))
    complete(state, exchange, Outcome(
        status_code=200,
        # Recorded as the provider wrote it: placeholders, not the restored values.
        response=assistant_text(reply.body),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        upstream_latency_ms=round(reply.latency_ms, 3),
    ))
    if cleared.pseudo is not None:
        restore_reply(reply.body, cleared.pseudo, json_text)
    return json_answer(reply.body, exchange)

"""``POST /v1/chat/completions``: the pipeline for OpenAI-schema chat requests."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.audit.recorder import Exchange, Outcome
from gateway.proxy.body import parse_json, read_body, validate
from gateway.proxy.content import chat_slots, tool_names
from gateway.proxy.relay import RelayResponse, relay_openai_stream
from gateway.proxy.restore import ChunkRestorer, restore_reply
from gateway.proxy.schemas import ChatCompletionRequest
from gateway.proxy.upstream import begin_record, forward, guarded_clear
from gateway.redaction import format_summary_header
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
        for call in message.get("tool_calls") or ():
            function = call.get("function") or {} if isinstance(call, dict) else {}
            parts.append(f"[tool_call] {function.get('name', '')} {function.get('arguments', '')}")
    return "\n".join(parts)


def record_usage(state: GatewayState, exchange: Exchange, values: dict[str, Any]) -> None:
    """Feed a completed exchange's figures to the metrics and the budgets."""
    if exchange.charges is not None:
        tokens = (values.get("prompt_tokens") or 0) + (values.get("completion_tokens") or 0)
        state.limits.charge(exchange.charges, tokens, values.get("cost"))
    model = exchange.model or ""
    metrics = state.metrics
    if values.get("prompt_tokens"):
        metrics.tokens.labels(model, "prompt").inc(values["prompt_tokens"])
    if values.get("completion_tokens"):
        metrics.tokens.labels(model, "completion").inc(values["completion_tokens"])
    if values.get("cost"):
        metrics.cost.labels(model).inc(values["cost"])
    if values.get("upstream_latency_ms") is not None and exchange.entry is not None:
        metrics.upstream_latency.labels(exchange.entry.provider, model).observe(
            values["upstream_latency_ms"] / 1000
        )
        overhead = values["latency_ms"] - values["upstream_latency_ms"]
        metrics.overhead.labels(exchange.endpoint).observe(max(overhead, 0.0) / 1000)
    metrics.latency.labels(exchange.endpoint, model).observe(values["latency_ms"] / 1000)
    metrics.requests.labels(exchange.endpoint, model, str(values["status_code"])).inc()


def response_headers(exchange: Exchange) -> dict[str, str]:
    headers = {"X-Gateway-Interaction-Id": exchange.id}
    if exchange.redactions:
        headers["X-Gateway-Redactions"] = format_summary_header(exchange.redactions)
    return headers


async def handle_chat(state: GatewayState, request: Request, exchange: Exchange) -> Response:
    """Check, clear, record, forward and complete one chat completion."""
    body = parse_json(await read_body(request, state.settings.max_body_bytes))
    if isinstance(body.get("model"), str):
        exchange.model = body["model"]
    checked = validate(ChatCompletionRequest, body)
    exchange.entry, _ = state.resolve(checked.model, "chat")
    exchange.stream = checked.stream
    slots, tools = chat_slots(body["messages"]), tool_names(body)
    cleared = await guarded_clear(state, exchange, slots, body["messages"], tools)

    await begin_record(state, exchange)

    if checked.stream:
        wants_usage = bool(checked.stream_options and checked.stream_options.include_usage)
        upstream = await forward(
            state, exchange, cleared, lambda _, adapter: adapter.chat_stream(body),
            slots=slots, tool_names=tools,
        )
        loop = asyncio.get_running_loop()

        def on_end(outcome: Outcome) -> None:
            record_usage(state, exchange, state.recorder.finish(exchange, outcome))

        relay = relay_openai_stream(
            upstream, forward_usage=wants_usage, on_end=on_end, started=loop.time(),
            restorer=ChunkRestorer(cleared.pseudo) if cleared.pseudo else None,
        )
        headers = response_headers(exchange)
        headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return RelayResponse(relay, media_type="text/event-stream", headers=headers)

    reply = await forward(
        state, exchange, cleared, lambda _, adapter: adapter.chat(body),
        slots=slots, tool_names=tools,
    )
    usage = reply.body.get("usage") or {}
    values = state.recorder.finish(exchange, Outcome(
        status_code=200,
        # Recorded as the provider wrote it: placeholders, not the restored values.
        response=assistant_text(reply.body),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        upstream_latency_ms=round(reply.latency_ms, 3),
    ))
    record_usage(state, exchange, values)
    if cleared.pseudo is not None:
        restore_reply(reply.body, cleared.pseudo)
    return Response(
        orjson.dumps(reply.body), media_type="application/json",
        headers=response_headers(exchange),
    )

"""``POST /v1/chat/completions``: the pipeline for OpenAI-schema chat requests."""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from gateway.audit.recorder import Exchange, Outcome
from gateway.proxy.body import parse_json, read_body, validate
from gateway.proxy.relay import RelayResponse, relay_openai_stream
from gateway.proxy.schemas import ChatCompletionRequest
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
    """Feed a completed exchange's figures to the metrics."""
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
    metrics.latency.labels(exchange.endpoint, model).observe(values["latency_ms"] / 1000)
    metrics.requests.labels(exchange.endpoint, model, str(values["status_code"])).inc()


def response_headers(exchange: Exchange) -> dict[str, str]:
    headers = {"X-Gateway-Interaction-Id": exchange.id}
    if exchange.pii_findings:
        headers["X-Gateway-Redactions"] = ",".join(
            f"{kind}={count}" for kind, count in sorted(exchange.pii_findings.items())
        )
    return headers


async def handle_chat(state: GatewayState, request: Request, exchange: Exchange) -> Response:
    """Check, record, forward and complete one chat completion."""
    body = parse_json(await read_body(request, state.settings.max_body_bytes))
    if isinstance(body.get("model"), str):
        exchange.model = body["model"]
    checked = validate(ChatCompletionRequest, body)
    entry, adapter = state.resolve(checked.model, "chat")
    exchange.entry = entry
    exchange.stream = checked.stream
    exchange.policy_version = state.policy_version

    await state.recorder.begin(exchange, orjson.dumps(body["messages"]).decode())

    if checked.stream:
        wants_usage = bool(checked.stream_options and checked.stream_options.include_usage)
        upstream = await adapter.chat_stream(body)
        loop = asyncio.get_running_loop()

        def on_end(outcome: Outcome) -> None:
            record_usage(state, exchange, state.recorder.finish(exchange, outcome))

        relay = relay_openai_stream(
            upstream, forward_usage=wants_usage, on_end=on_end, started=loop.time()
        )
        headers = response_headers(exchange)
        headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        return RelayResponse(relay, media_type="text/event-stream", headers=headers)

    reply = await adapter.chat(body)
    usage = reply.body.get("usage") or {}
    values = state.recorder.finish(exchange, Outcome(
        status_code=200,
        response=assistant_text(reply.body),
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=usage.get("completion_tokens"),
        upstream_latency_ms=round(reply.latency_ms, 3),
    ))
    record_usage(state, exchange, values)
    return Response(
        orjson.dumps(reply.body), media_type="application/json",
        headers=response_headers(exchange),
    )

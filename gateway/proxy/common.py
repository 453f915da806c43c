"""What every employee route does the same way: read the request, answer, account for it."""

from __future__ import annotations

from collections.abc import AsyncIterable, Callable
from typing import Any, TypeVar, cast

import orjson
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response

from gateway.proxy import record
from gateway.proxy.answers import blocked_answer
from gateway.proxy.body import parse_json, read_body, validate
from gateway.proxy.exchange import Exchange, Outcome
from gateway.proxy.relay import RelayResponse
from gateway.redaction import format_summary_header
from gateway.redaction.answers import AnswerBlocked, AnswerPolicy
from gateway.state import GatewayState

CheckedT = TypeVar("CheckedT", bound=BaseModel)


async def read_request(
    state: GatewayState, request: Request, exchange: Exchange, schema: type[CheckedT],
    kind: str,
) -> tuple[dict[str, Any], CheckedT]:
    """Read, parse and check a body; fill the exchange's model, catalogue entry and mode.

    The requested model name is kept before validation, so even a refused body's record
    says which model was asked for.
    """
    body = parse_json(await read_body(request, state.settings.max_body_bytes))
    # The whole request, for a held one's fingerprint: an approval covers every field.
    exchange.request = body
    if isinstance(body.get("model"), str):
        exchange.model = body["model"]
    checked = validate(schema, body)
    fields = cast(Any, checked)
    exchange.entry, _ = state.resolve(fields.model, kind)
    exchange.stream = bool(getattr(fields, "stream", False))
    return body, checked


def record_usage(state: GatewayState, exchange: Exchange, values: dict[str, Any]) -> None:
    """Feed a completed exchange's figures to the metrics and the budgets."""
    if exchange.charges is not None:
        tokens = (values.get("prompt_tokens") or 0) + (values.get("completion_tokens") or 0)
        state.limits.charge(exchange.charges, tokens, values.get("cost"))
    metrics = state.metrics
    model = metrics.model(exchange.model)
    endpoint = metrics.endpoint(exchange.endpoint)
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
        metrics.overhead.labels(endpoint).observe(max(overhead, 0.0) / 1000)
    metrics.latency.labels(endpoint, model).observe(values["latency_ms"] / 1000)
    metrics.requests.labels(endpoint, model, str(values["status_code"])).inc()


def response_headers(exchange: Exchange) -> dict[str, str]:
    headers = {"X-Gateway-Interaction-Id": exchange.id}
    if exchange.redactions:
        headers["X-Gateway-Redactions"] = format_summary_header(exchange.redactions)
    return headers


def complete(state: GatewayState, exchange: Exchange, outcome: Outcome) -> None:
    """The end of an answered exchange, whole or streamed: complete the record, account
    for it."""
    record_usage(state, exchange, record.finish(state.records, exchange, outcome))


def completer(state: GatewayState, exchange: Exchange) -> Callable[[Outcome], None]:
    """What a stream relay calls once at its end: :func:`complete`."""

    def on_end(outcome: Outcome) -> None:
        complete(state, exchange, outcome)

    return on_end


def json_answer(body: dict[str, Any], exchange: Exchange) -> Response:
    """A whole answer, with the exchange's headers."""
    return Response(orjson.dumps(body), media_type="application/json",
                    headers=response_headers(exchange))


def stream_response(relay: AsyncIterable[bytes], exchange: Exchange) -> RelayResponse:
    """An SSE response that proxies between the gateway and the client must not buffer."""
    headers = response_headers(exchange)
    headers.update({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
    return RelayResponse(relay, headers)


def screen_answer(
    state: GatewayState, exchange: Exchange, body: dict[str, Any], policy: AnswerPolicy,
    latency_ms: float, screen: Callable[[dict[str, Any], AnswerPolicy], None],
) -> None:
    """Mask the identifiers the model wrote on its own (``screen`` knows where an answer
    of this schema holds them); a blocked one ends the exchange (recorded with the answer
    withheld, 403 to the client)."""
    try:
        screen(body, policy)
    except AnswerBlocked as exc:
        error = blocked_answer(exc.entity)
        record.finish(state.records, exchange, Outcome(
            status_code=error.status_code, error=f"{error.code}: {error.message}",
            upstream_latency_ms=round(latency_ms, 3)))
        raise error from exc

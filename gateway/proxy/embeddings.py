"""``POST /v1/embeddings``."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from gateway.proxy import record
from gateway.proxy.common import complete, json_answer, read_request
from gateway.proxy.exchange import Exchange, Outcome
from gateway.proxy.fields import view_of
from gateway.proxy.schemas import EmbeddingsRequest
from gateway.proxy.upstream import forward, guarded_clear
from gateway.state import GatewayState


async def handle_embeddings(
    state: GatewayState, request: Request, exchange: Exchange
) -> Response:
    """Check, record, forward and complete one embeddings request."""
    body, _ = await read_request(state, request, exchange, EmbeddingsRequest, "embedding")
    # Vectors of pseudonymized text stay meaningful; nothing needs restoring in an answer.
    view = view_of("embeddings", body)
    cleared = await guarded_clear(state, exchange, view)

    await record.begin(state.records, exchange)
    reply = await forward(
        state, exchange, cleared, lambda _, adapter: adapter.embeddings(body),
        view=view,
    )
    usage = reply.body.get("usage") or {}
    data = reply.body.get("data")
    complete(state, exchange, Outcome(
        status_code=200,
        # Vectors are not worth keeping: record how many came back.
        response=f"{len(data) if isinstance(data, list) else 0} embedding(s)",
        prompt_tokens=usage.get("prompt_tokens"),
        completion_tokens=0 if usage else None,
        upstream_latency_ms=round(reply.latency_ms, 3),
    ))
    return json_answer(reply.body, exchange)

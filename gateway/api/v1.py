"""The employee endpoint: OpenAI-compatible routes and Anthropic's Messages API."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.api.deps import CurrentExchange, CurrentPrincipal, State
from gateway.proxy.chat import handle_chat
from gateway.proxy.embeddings import handle_embeddings
from gateway.proxy.guard import usable_models
from gateway.proxy.messages import handle_count_tokens, handle_messages

router = APIRouter(prefix="/v1")


@router.post("/chat/completions")
async def chat_completions(request: Request, state: State, exchange: CurrentExchange) -> Response:
    return await handle_chat(state, request, exchange)


@router.post("/embeddings")
async def embeddings(request: Request, state: State, exchange: CurrentExchange) -> Response:
    return await handle_embeddings(state, request, exchange)


@router.post("/messages")
async def messages(request: Request, state: State, exchange: CurrentExchange) -> Response:
    return await handle_messages(state, request, exchange)


@router.post("/messages/count_tokens")
async def count_tokens(
    request: Request, state: State, principal: CurrentPrincipal
) -> dict[str, int]:
    """A local estimate: nothing is forwarded, so nothing is recorded (as for /v1/models)."""
    return await handle_count_tokens(state, request)


@router.get("/models")
async def list_models(
    request: Request, state: State, exchange: CurrentExchange
) -> dict[str, object]:
    """The catalogue models this caller's policies let them use."""
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {"id": entry.name, "object": "model", "created": created, "owned_by": entry.provider}
            for entry in usable_models(state, exchange)
        ],
    }

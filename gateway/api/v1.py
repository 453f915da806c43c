"""The employee endpoint: OpenAI-compatible routes."""

from __future__ import annotations

import time

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.api.deps import CurrentExchange, CurrentPrincipal, State
from gateway.proxy.chat import handle_chat
from gateway.proxy.embeddings import handle_embeddings

router = APIRouter(prefix="/v1")


@router.post("/chat/completions")
async def chat_completions(request: Request, state: State, exchange: CurrentExchange) -> Response:
    return await handle_chat(state, request, exchange)


@router.post("/embeddings")
async def embeddings(request: Request, state: State, exchange: CurrentExchange) -> Response:
    return await handle_embeddings(state, request, exchange)


@router.get("/models")
async def list_models(state: State, principal: CurrentPrincipal) -> dict[str, object]:
    """The catalogue models this caller may use (policies narrow it when they land)."""
    created = int(time.time())
    return {
        "object": "list",
        "data": [
            {"id": entry.name, "object": "model", "created": created, "owned_by": entry.provider}
            for entry in state.catalogue.entries
        ],
    }

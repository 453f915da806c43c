"""The employee endpoint's routes that are not proxied: the model list and token counts.

The proxy routes (chat, embeddings, messages) are in :mod:`gateway.api.dispatch`.
"""

from __future__ import annotations

import time

from fastapi import APIRouter, Request

from gateway.api.deps import CurrentExchange, CurrentPrincipal, State
from gateway.proxy.guard import usable_models
from gateway.proxy.messages import handle_count_tokens

router = APIRouter(prefix="/v1")


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

"""The employee endpoint's routes that are not proxied: the model list and token counts.

The proxy routes (chat, embeddings, messages) are in :mod:`gateway.api.dispatch`.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from fastapi import APIRouter, Query, Request

from gateway.api.deps import CurrentExchange, CurrentPrincipal, State
from gateway.proxy import responses_state
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
            for entry in usable_models(state.guard, state.catalogue.entries, exchange)
        ],
    }


@router.get("/responses/{response_id}")
async def get_response(
    response_id: str, state: State, principal: CurrentPrincipal
) -> dict[str, Any]:
    """A response the gateway kept for its author (``store``); read locally, not recorded."""
    return await responses_state.get_response(state, principal, response_id)


@router.get("/responses/{response_id}/input_items")
async def list_input_items(
    response_id: str, state: State, principal: CurrentPrincipal,
    order: Literal["asc", "desc"] = "desc", limit: int = Query(20, ge=1, le=100),
    after: str | None = None,
) -> dict[str, Any]:
    return await responses_state.input_items(
        state, principal, response_id, order=order, limit=limit, after=after)


@router.post("/responses/{response_id}/cancel")
async def cancel_response(
    response_id: str, state: State, principal: CurrentPrincipal
) -> dict[str, Any]:
    """As the Responses API says of a response that did not run in the background."""
    return await responses_state.cancel_response(state, principal, response_id)


@router.delete("/responses/{response_id}")
async def delete_response(
    response_id: str, state: State, principal: CurrentPrincipal
) -> dict[str, Any]:
    """Erase a kept conversation now (it is erased with the log's content otherwise)."""
    return await responses_state.delete_response(state, principal, response_id)

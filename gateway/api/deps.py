"""Dependencies: the shared state and the authenticated exchange, as typed aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from gateway.auth.service import token_from_headers
from gateway.policies.tools import detect_tool, trusted_header
from gateway.principal import Principal
from gateway.proxy.exchange import Exchange
from gateway.state import GatewayState


# Dependencies are ``async def`` on purpose: FastAPI runs plain ``def`` dependencies in a
# worker thread, a thread hop per request for what is a dictionary lookup.
async def get_state(request: Request) -> GatewayState:
    state: GatewayState = request.app.state.gateway
    return state


State = Annotated[GatewayState, Depends(get_state)]


async def authenticate(request: Request, state: GatewayState) -> Principal:
    """The caller behind a request's gateway key; raises the 401 error otherwise."""
    token = token_from_headers(
        request.headers.get("authorization"), request.headers.get("x-api-key")
    )
    return await state.authenticator.authenticate(token)


async def open_exchange(request: Request, state: GatewayState) -> Exchange:
    """Open the exchange of an authenticated request; errors from here on are recorded."""
    principal = await authenticate(request, state)
    user_agent = request.headers.get("user-agent") or ""
    header = trusted_header(request.headers.get("x-gateway-tool"),
                            state.settings.tool_header_trust, principal.tags)
    exchange = Exchange(
        id=request.state.interaction_id,
        principal=principal,
        tool=detect_tool(user_agent, header, principal.tool),
        endpoint=request.scope["path"],
        client=user_agent,
    )
    request.state.exchange = exchange
    return exchange


async def get_principal(request: Request, state: State) -> Principal:
    return await authenticate(request, state)


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


async def get_exchange(request: Request, state: State) -> Exchange:
    return await open_exchange(request, state)


CurrentExchange = Annotated[Exchange, Depends(get_exchange)]

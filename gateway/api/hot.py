"""The proxy routes served without the framework's per-request machinery.

Every employee request goes through ``/v1/chat/completions``, ``/v1/embeddings`` or
``/v1/messages``. Routed by FastAPI, such a request paid for route matching over every
admin and console route, the dependency graph solved anew, an exit stack, and three more
middleware layers: about a sixth of the gateway's CPU time per request (py-spy, bench/).
This middleware, the innermost one, hands those three paths straight to their handlers with
the same authentication, the same exchange and the same error rendering (:mod:`.errors`);
the outer middleware (interaction id, tracing) still wraps them. The routes stay declared
in :mod:`gateway.api.v1` for the OpenAPI schema and as the path any other method takes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.api.deps import open_exchange
from gateway.api.errors import gateway_error, unexpected_error
from gateway.audit.recorder import Exchange
from gateway.errors import GatewayError
from gateway.proxy.chat import handle_chat
from gateway.proxy.embeddings import handle_embeddings
from gateway.proxy.messages import handle_messages
from gateway.state import GatewayState

Handler = Callable[[GatewayState, Request, Exchange], Awaitable[Response]]

HOT_ROUTES: dict[str, Handler] = {
    "/v1/chat/completions": handle_chat,
    "/v1/embeddings": handle_embeddings,
    "/v1/messages": handle_messages,
}


class HotRoutes:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        handler = HOT_ROUTES.get(scope["path"]) if scope["type"] == "http" else None
        if handler is None or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            state: GatewayState = request.app.state.gateway
            exchange = await open_exchange(request, state)
            response = await handler(state, request, exchange)
        except GatewayError as exc:
            response = await gateway_error(request, exc)
        except Exception as exc:  # never a stack trace to the client (logged there)
            response = await unexpected_error(request, exc)
        await response(scope, receive, send)

"""The employee endpoint's proxy routes: one table, served without the framework's routing.

Every employee request goes through one of ``PROXY_ROUTES``. Routed by FastAPI, such a
request paid for route matching over every admin and console route, the dependency graph
solved anew, an exit stack, and three more middleware layers: about a sixth of the
gateway's CPU time per request (py-spy, bench/). :class:`ProxyDispatch`, the innermost
middleware, hands these paths straight to their handlers with the authentication, the
exchange and the error rendering of :mod:`.errors`; the outer middleware (interaction id,
tracing) still wraps them. The table is also what the OpenAPI schema documents (and the
"unknown route" message lists from it), so a route added here needs no second declaration.

When nothing traces the requests, :class:`GatewayApp` goes further: these paths skip the
framework's own layers too (its error, telemetry and body-limit middleware, five calls deep
for every request and every message sent, ~3 % of the CPU time), straight to the
interaction id and :class:`ProxyDispatch`, which already renders every error itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from gateway.api.deps import open_exchange
from gateway.api.errors import gateway_error, unexpected_error
from gateway.api.middleware import InteractionIdMiddleware
from gateway.errors import GatewayError, MethodNotAllowedError
from gateway.proxy.chat import handle_chat
from gateway.proxy.completions import handle_completions
from gateway.proxy.embeddings import handle_embeddings
from gateway.proxy.exchange import Exchange
from gateway.proxy.messages import handle_messages
from gateway.proxy.responses import handle_responses
from gateway.proxy.schemas import (
    ChatCompletionRequest,
    CompletionRequest,
    EmbeddingsRequest,
    ResponsesRequest,
)
from gateway.state import GatewayState

Handler = Callable[[GatewayState, Request, Exchange], Awaitable[Response]]


@dataclass(frozen=True, slots=True)
class ProxyRoute:
    """A ``POST /v1/...`` route of the pipeline: its handler, and how the docs describe it."""

    handler: Handler
    summary: str
    # The request body's schema where the gateway has one (OpenAPI only).
    schema: type[BaseModel] | None = None


PROXY_ROUTES: dict[str, ProxyRoute] = {
    "/v1/chat/completions": ProxyRoute(
        handle_chat, "Chat completions (OpenAI schema), streamed or not",
        ChatCompletionRequest),
    "/v1/embeddings": ProxyRoute(handle_embeddings, "Embeddings (OpenAI schema)",
                                 EmbeddingsRequest),
    "/v1/messages": ProxyRoute(
        handle_messages, "Messages (Anthropic schema), to any chat model of the catalogue"),
    "/v1/responses": ProxyRoute(
        handle_responses, "Responses (OpenAI schema), to any chat model of the catalogue",
        ResponsesRequest),
    "/v1/completions": ProxyRoute(
        handle_completions, "Legacy completions (prompt, suffix), for completion plugins",
        CompletionRequest),
}


class ProxyDispatch:
    """Innermost middleware: serves ``PROXY_ROUTES``, passes everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = PROXY_ROUTES.get(scope["path"]) if scope["type"] == "http" else None
        if route is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive, send)
        try:
            if scope["method"] != "POST":
                raise MethodNotAllowedError(
                    "Méthode HTTP non autorisée sur cette route : utilisez POST.",
                    headers={"Allow": "POST"})
            state: GatewayState = request.app.state.gateway
            exchange = await open_exchange(request, state)
            response = await route.handler(state, request, exchange)
        except GatewayError as exc:
            response = await gateway_error(request, exc)
        except Exception as exc:  # never a stack trace to the client (logged there)
            response = await unexpected_error(request, exc)
        await response(scope, receive, send)


class GatewayApp(FastAPI):
    """The application: FastAPI, with ``PROXY_ROUTES`` served beside the framework's layers.

    :meth:`serve_proxy_routes_directly` (at start, when no tracer is set) builds the short
    stack; until then, and whenever requests are traced, every path takes FastAPI's.
    """

    proxy_stack: ASGIApp | None = None

    def serve_proxy_routes_directly(self, traced: bool) -> None:
        # FastAPI's own request spans (a tracer provider set by the process) need its stack.
        native = getattr(self, "_native_telemetry", None)
        if traced or (native is not None and native.enabled()):
            self.proxy_stack = None
            return
        self.proxy_stack = InteractionIdMiddleware(ProxyDispatch(self.router))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stack = self.proxy_stack
        if stack is not None and scope["type"] == "http" and scope["path"] in PROXY_ROUTES:
            # What FastAPI's and Starlette's entry points set before their stack.
            if self.root_path:
                scope["root_path"] = self.root_path
            scope["app"] = self
            await stack(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def add_to_openapi(schema: dict[str, Any]) -> dict[str, Any]:
    """The app's OpenAPI schema with the proxy routes (and their bodies' models) added."""
    paths: dict[str, Any] = schema.setdefault("paths", {})
    models: dict[str, Any] = schema.setdefault("components", {}).setdefault("schemas", {})
    for path, route in PROXY_ROUTES.items():
        body: dict[str, Any] = {"type": "object"}
        if route.schema is not None:
            body = route.schema.model_json_schema(ref_template="#/components/schemas/{model}")
            models.update(body.pop("$defs", {}))
        paths[path] = {"post": {
            "summary": route.summary,
            "operationId": "proxy_" + path.strip("/").replace("/", "_"),
            "requestBody": {"required": True,
                            "content": {"application/json": {"schema": body}}},
            "responses": {"200": {"description": "The provider's answer, personal data "
                                                 "put back; an SSE stream with stream: true"}},
        }}
    return schema


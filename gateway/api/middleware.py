"""Pure ASGI middleware giving every request its interaction id.

Pure ASGI (not ``BaseHTTPMiddleware``) so streamed responses pass through untouched and the
hot path pays one dict lookup, not a task per request.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.logging_setup import interaction_id_var
from gateway.proxy.exchange import new_interaction_id

HEADER = b"x-gateway-interaction-id"


class InteractionIdMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        interaction_id = new_interaction_id()
        scope.setdefault("state", {})["interaction_id"] = interaction_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if not any(name.lower() == HEADER for name, _ in headers):
                    headers.append((HEADER, interaction_id.encode()))
                    message["headers"] = headers
            await send(message)

        # Log lines written while serving this request carry its id (JSON logs).
        token = interaction_id_var.set(interaction_id)
        try:
            await self.app(scope, receive, send_with_id)
        finally:
            interaction_id_var.reset(token)

"""SCIM 2.0 provisioning under ``/scim/v2`` (RFC 7643, RFC 7644): the company's directory
creates, updates and deprovisions people and their groups.

:mod:`.app` (and scim2-models behind it) is loaded only when ``GATEWAY_SCIM_TOKEN`` is set;
otherwise :func:`disabled_app` answers every SCIM request that provisioning is off.
"""

from __future__ import annotations

import orjson
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


async def disabled_app(scope: Scope, receive: Receive, send: Send) -> None:
    """The ASGI app mounted when SCIM is off: a SCIM 404 that says how to turn it on."""
    if scope["type"] != "http":
        return
    body = {"schemas": [ERROR_SCHEMA], "status": "404",
            "detail": "SCIM provisioning is not enabled (set GATEWAY_SCIM_TOKEN)"}
    response = Response(orjson.dumps(body), status_code=404,
                        media_type="application/scim+json")
    await response(scope, receive, send)

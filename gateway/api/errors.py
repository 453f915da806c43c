"""One place renders every error, in the shape the caller's API family expects."""

from __future__ import annotations

import logging

import orjson
from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from sqlalchemy.exc import DataError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from gateway.errors import (
    DatabaseUnavailableError,
    GatewayError,
    InvalidRequestError,
    MethodNotAllowedError,
    NotFoundError,
)
from gateway.proxy import record

logger = logging.getLogger(__name__)


def _is_anthropic(request: Request) -> bool:
    return request.url.path.startswith("/v1/messages")


def render(request: Request, error: GatewayError) -> Response:
    interaction_id = getattr(request.state, "interaction_id", None)
    if _is_anthropic(request):
        body: dict[str, object] = {
            "type": "error",
            "error": {"type": error.anthropic_type, "message": error.message},
            "interaction_id": interaction_id,
        }
    else:
        body = {
            "error": {
                "message": error.message,
                "type": error.openai_type,
                "code": error.code,
                "param": error.param,
                "interaction_id": interaction_id,
            }
        }
    return Response(
        orjson.dumps(body),
        status_code=error.status_code,
        media_type="application/json",
        headers=error.headers,
    )


async def gateway_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, GatewayError)
    exchange = getattr(request.state, "exchange", None)
    state = getattr(request.app.state, "gateway", None)
    if exchange is not None and state is not None:
        await record.fail(state.records, exchange, exc)
        metrics = state.metrics
        metrics.requests.labels(
            metrics.endpoint(exchange.endpoint), metrics.model(exchange.model),
            str(exc.status_code),
        ).inc()
    return render(request, exc)


def _v1_endpoints(app: FastAPI) -> list[str]:
    """``METHOD /v1/...`` of every employee endpoint, as the OpenAPI schema documents them
    (the framework's routes and the proxy table's, gateway.api.dispatch)."""
    paths = app.openapi().get("paths", {})
    return [
        f"{method.upper()} {path}" for path, item in paths.items() if path.startswith("/v1/")
        for method in item if method in ("get", "post", "put", "patch", "delete")
    ]


def _unknown_route(request: Request) -> NotFoundError:
    """404 on an unknown path; under ``/v1`` it names the endpoints the gateway serves."""
    message = f"Route inconnue : {request.method} {request.url.path}."
    if request.url.path.startswith("/v1"):
        endpoints = ", ".join(_v1_endpoints(request.app))
        message += f" Points d'accès de la passerelle : {endpoints}."
    return NotFoundError(message)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        error: GatewayError = _unknown_route(request)
    elif exc.status_code == 405:
        error = MethodNotAllowedError("Méthode HTTP non autorisée sur cette route.",
                                      headers=dict(exc.headers or {}))
    else:
        error = GatewayError(str(exc.detail))
        error.status_code = exc.status_code
    return render(request, error)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid"}
    param = ".".join(str(part) for part in first["loc"][1:]) or None
    return await gateway_error(
        request, InvalidRequestError(f"Paramètre invalide : {first['msg']}", param=param)
    )


def _outage(exc: BaseException) -> bool:
    """A database (or the counters' Redis) locked, gone or too slow: not a gateway bug."""
    if isinstance(exc, (OperationalError, InterfaceError, DisconnectionError, PoolTimeout)):
        return True
    return isinstance(exc, (RedisConnectionError, RedisTimeoutError))


async def unexpected_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, DataError):
        # The database refused a value the caller gave (a NUL, a string past its column):
        # the log's own writes are made storable first (gateway.audit.storable).
        logger.warning("value refused by the database in %s", request.url.path)
        return await gateway_error(request, InvalidRequestError(
            "Valeur refusée : caractère nul, encodage invalide ou texte trop long."))
    if _outage(exc):
        # Whatever the component (limits, reviews, keys, the log's reads): 503 and a code
        # the client can act on; a bundled limit on a locked SQLite answered 500 (issue 16).
        logger.error("database unavailable in %s: %s", request.url.path, type(exc).__name__)
        return await gateway_error(request, DatabaseUnavailableError(
            "Base de données momentanément indisponible (verrouillée ou injoignable) : "
            "réessayez dans un instant.", headers={"Retry-After": "1"}))
    # Never a stack trace to the client: log it with the interaction id, answer 500.
    logger.exception("unexpected error in %s", request.url.path)
    error = GatewayError("Erreur interne de la passerelle ; l'incident a été journalisé.")
    return await gateway_error(request, error)


def install(app: FastAPI) -> None:
    app.add_exception_handler(GatewayError, gateway_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, unexpected_error)

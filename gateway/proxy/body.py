"""Reading a request body safely: size limit, JSON, broken Unicode, schema."""

from __future__ import annotations

import json
import re
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from starlette.requests import ClientDisconnect, Request

from gateway.errors import InvalidRequestError, RequestTimeoutError, RequestTooLargeError

ModelT = TypeVar("ModelT", bound=BaseModel)
_SURROGATE = re.compile("[\ud800-\udfff]")
# Deepest JSON a body may hold. orjson writes at most 254 levels and the gateway wraps a
# body in a few more (the record's prompt, translations): 300 levels in any field made a
# 500 (issue 16). Real requests stay far below (tool schemas: a dozen levels).
MAX_DEPTH = 100


def _too_large(limit: int) -> RequestTooLargeError:
    return RequestTooLargeError(
        f"Requête trop volumineuse : la limite est de {limit // 1024} Kio."
    )


async def read_body(request: Request, limit: int) -> bytes:
    """The raw body, refused as soon as it passes ``limit`` bytes (declared or streamed)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise _too_large(limit)
        except ValueError as exc:
            raise InvalidRequestError("En-tête Content-Length invalide.") from exc
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        # Timed out by the server (gateway/api/slow_clients.py) or gone: recorded as such,
        # not as an internal error with a stack trace per slow client.
        raise RequestTimeoutError(
            "La requête n'est pas arrivée entière à temps : le client est trop lent ou "
            "s'est déconnecté."
        ) from exc
    return b"".join(chunks)


def _scrub_surrogates(value: Any) -> Any:
    """Replace lone UTF-16 surrogates, which cannot be re-encoded for the provider."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_scrub_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_scrub_surrogates(k): _scrub_surrogates(v) for k, v in value.items()}
    return value


def parse_json(raw: bytes) -> dict[str, Any]:
    """Parse a JSON object; clients sometimes send lone surrogate escapes (``\\ud83d``),
    which strict parsers reject: they are accepted and replaced by U+FFFD."""
    if not raw.strip():
        raise InvalidRequestError("Corps de requête vide : un objet JSON est attendu.")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            value = _scrub_surrogates(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise InvalidRequestError(
                "Corps de requête illisible : JSON invalide ou encodage autre que UTF-8."
            ) from exc
    if not isinstance(value, dict):
        raise InvalidRequestError("Le corps de la requête doit être un objet JSON.")
    if _too_deep(value, MAX_DEPTH):
        raise InvalidRequestError(
            f"Corps de requête trop imbriqué : {MAX_DEPTH} niveaux au plus.")
    return value


def _too_deep(value: dict[str, Any], limit: int) -> bool:
    """Whether containers nest past ``limit``; visits containers only (strings are free)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return True
        for child in container.values() if isinstance(container, dict) else container:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def validate(schema: type[ModelT], body: dict[str, Any]) -> ModelT:
    """Check ``body`` against ``schema``; the first problem is reported with its ``param``."""
    try:
        return schema.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        param = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidRequestError(
            f"Champ invalide{f' « {param} »' if param else ''} : {first['msg']}", param=param
        ) from exc

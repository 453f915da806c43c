"""Reading a request body safely: size limit, JSON, broken Unicode, schema."""

from __future__ import annotations

import json
import math
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
    which strict parsers reject: they are accepted and replaced by U+FFFD.

    A key twice in one object is refused (400 naming it): parsers disagree on which one
    counts (orjson and Python keep the last, others the first), so a body could show the
    scan one value and a provider or a tool the other.
    """
    if not raw.strip():
        raise InvalidRequestError("Corps de requête vide : un objet JSON est attendu.")
    strict = True
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        value, strict = _lenient(raw), False
    if not isinstance(value, dict):
        raise InvalidRequestError("Le corps de la requête doit être un objet JSON.")
    members = _members_within(value, MAX_DEPTH)
    if members is None:
        raise InvalidRequestError(
            f"Corps de requête trop imbriqué : {MAX_DEPTH} niveaux au plus.")
    if strict and _dropped_something(raw, value, members):
        _lenient(raw)  # finds and names the key written twice
    return value


def _lenient(raw: bytes) -> Any:
    """Python's parser, as strict as orjson but for lone surrogates (replaced), and
    refusing a key written twice in an object."""
    try:
        return _scrub_surrogates(json.loads(
            raw.decode("utf-8"), object_pairs_hook=_no_duplicates, parse_int=_integer,
            parse_float=_finite, parse_constant=_no_constant))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        if isinstance(exc, _DuplicateKey):
            raise InvalidRequestError(
                f"Clé « {exc.key} » en double dans un objet du corps JSON : chaque clé n'y "
                "figure qu'une fois.", param=exc.key) from exc
        raise InvalidRequestError(
            "Corps de requête illisible : JSON invalide ou encodage autre que UTF-8."
        ) from exc


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(_SURROGATE.sub("\ufffd", key)[:100])
            seen.add(key)
    return value


def _integer(text: str) -> int | float:
    # As orjson reads them: past 64 bits an integer is a float (a Python int of any size
    # could not be written to the provider or the log).
    number = int(text)
    return number if -(2**63) <= number < 2**64 else float(number)


def _finite(text: str) -> float:
    number = float(text)
    if number in (math.inf, -math.inf):
        raise ValueError("number out of range")
    return number


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not JSON")


def _dropped_something(raw: bytes, value: dict[str, Any], members: int) -> bool:
    """Whether the parser may have dropped a member written twice (then looked into).

    Every member written has one colon outside strings, so a body with no more colons
    than its objects keep (``members``) dropped none: a body whose strings hold no colon
    (a short question) is settled by one count. Otherwise a colon inside a string stays
    one colon once parsed and written again: the body as sent and as orjson writes it
    back hold as many colons unless a member was dropped (or a string escapes one as
    ``\\u003a``, which sends the body to the exact check too). Two C-speed counts and a
    serialization, about a third of the parse.
    """
    colons = raw.count(b":")
    if colons == members:
        return False
    return b"\\u003" in raw or colons != orjson.dumps(value).count(b":")


def _members_within(value: dict[str, Any], limit: int) -> int | None:
    """How many members the objects of ``value`` hold, or None when containers nest past
    ``limit``; visits containers only (strings are free)."""
    members = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        container, depth = stack.pop()
        if depth > limit:
            return None
        if isinstance(container, dict):
            members += len(container)
            children = container.values()
        else:
            children = container
        for child in children:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return members


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

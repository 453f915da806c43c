"""A provider that echoes its request headers in its errors must not hand the organisation's
key to the employee, nor leave it in the interaction log: its text is cleaned first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.conftest import UPSTREAM_KEY, Databases, Gateway
from tests.fakes.server import ServerThread
from tests.hardening._helpers import chat, client, own_gateway

# A key of a well-known shape, which the gateway never sent: caught by its shape.
OTHER_KEY = "sk-ant-api03-" + "Q" * 40


def _echo(request: Request) -> str:
    """What careless providers and proxies do: quote the request's headers back."""
    auth = request.headers.get("authorization", "")
    return (f"Invalid request. Headers received: Authorization: {auth}; "
            f"raw key {auth.removeprefix('Bearer ')}; x-api-key={OTHER_KEY}; "
            f"see https://status.example/v1?key={auth.removeprefix('Bearer ')}")


async def _chat(request: Request) -> Response:
    body = await request.json()
    status = re.fullmatch(r"fake-error-(\d{3})", body.get("model", ""))
    if status:
        return JSONResponse({"error": {"message": _echo(request), "type": "invalid_request_error"}},
                            status_code=int(status.group(1)))

    async def events() -> Iterator[bytes]:  # type: ignore[misc]
        first = {"id": "c1", "object": "chat.completion.chunk", "model": "fake-model",
                 "choices": [{"index": 0, "delta": {"role": "assistant", "content": "Bon"}}]}
        yield b"data: " + orjson.dumps(first) + b"\n\n"
        yield b"data: " + orjson.dumps({"error": {"message": _echo(request)}}) + b"\n\n"
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


class EchoingProvider:
    """Served on loopback; ``url`` is what the gateway's catalogue points at."""

    def __init__(self) -> None:
        self.server = ServerThread(Starlette(routes=[
            Route("/v1/chat/completions", _chat, methods=["POST"])]))

    def __enter__(self) -> EchoingProvider:
        self.server.start()
        self.url = self.server.url
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.stop()


@pytest.fixture
def leaky_gw(databases: Databases, tmp_path: Path) -> Iterator[Gateway]:
    with EchoingProvider() as provider, own_gateway(
        databases, provider, tmp_path, "leaky", upstream_retries=0,  # type: ignore[arg-type]
    ) as gw:
        yield gw


def _no_secret(text: str) -> None:
    assert UPSTREAM_KEY not in text
    assert OTHER_KEY not in text
    assert "sk-" not in text


@pytest.mark.parametrize(("model", "status"), [
    ("fake-error-400", 400), ("fake-error-429", 429), ("fake-error-500", 502),
])
def test_an_echoed_key_is_neither_relayed_nor_recorded(
    leaky_gw: Gateway, model: str, status: int,
) -> None:
    key = leaky_gw.key("employee", user="curieux@exemple.fr")
    with client(leaky_gw, key) as http:
        response = http.post("/v1/chat/completions", json=chat(model))
    assert response.status_code == status, response.text
    _no_secret(response.text)
    record = leaky_gw.record(response.headers["x-gateway-interaction-id"])
    _no_secret(str(record["error"]))
    if status == 400:  # the vendor's explanation itself still reaches the employee
        assert "Invalid request" in response.json()["error"]["message"]


def _stream(http: httpx.Client, path: str, body: dict[str, Any]) -> tuple[str, str]:
    with http.stream("POST", path, json={**body, "stream": True}) as response:
        assert response.status_code == 200
        return response.read().decode(), response.headers["x-gateway-interaction-id"]


def test_an_echoed_key_in_a_stream_error_is_neither_relayed_nor_recorded(
    leaky_gw: Gateway,
) -> None:
    key = leaky_gw.key("employee", user="curieux.flux@exemple.fr")
    with client(leaky_gw, key) as http:
        text, interaction_id = _stream(http, "/v1/chat/completions", chat())
        assert "Invalid request" in text
        _no_secret(text)
        record = leaky_gw.record(interaction_id)
        assert record["error"] and "Invalid request" in record["error"]
        _no_secret(record["error"])
        # The same upstream stream seen through /v1/messages (translated to Anthropic events).
        text, interaction_id = _stream(http, "/v1/messages", {
            "model": "gpt-test", "max_tokens": 50,
            "messages": [{"role": "user", "content": "bonjour"}]})
        _no_secret(text)
        _no_secret(str(leaky_gw.record(interaction_id)["error"]))

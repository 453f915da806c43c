"""Every row of the README's error table that the core owns, with the record of each."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import httpx
import openai
import pytest
from sqlalchemy import text

from tests.conftest import Gateway

CHAT = "/v1/chat/completions"
HELLO = [{"role": "user", "content": "Bonjour"}]


def assert_openai_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    error = body["error"]
    assert error["code"] == code
    assert set(error) >= {"message", "type", "code", "param"}
    assert error["message"] and "Traceback" not in response.text
    assert error["interaction_id"] == response.headers["x-gateway-interaction-id"]
    return error


def auth(gw: Gateway, **kwargs: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {gw.key(**kwargs)}"}


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer gw-unknown"}, {"x-api-key": "nope"}, {"Authorization": "Basic abc"},
])
def test_missing_or_unknown_key_is_401(http: httpx.Client, headers: dict[str, str]) -> None:
    response = http.post(CHAT, json={"model": "gpt-test", "messages": HELLO}, headers=headers)
    assert_openai_error(response, 401, "invalid_api_key")


def test_x_api_key_header_is_accepted(gw: Gateway, http: httpx.Client) -> None:
    response = http.post(CHAT, json={"model": "echo", "messages": HELLO},
                         headers={"x-api-key": gw.key()})
    assert response.status_code == 200


def test_interaction_ids_are_canonical_random_uuids(gw: Gateway, http: httpx.Client) -> None:
    """Built from random bytes without :mod:`uuid`'s objects (a cost per request): still a
    version 4 UUID in its canonical form, a new one each request, the record's id."""
    ids = []
    for _ in range(20):
        response = http.post(CHAT, json={"model": "echo", "messages": HELLO},
                             headers={"x-api-key": gw.key()})
        assert response.status_code == 200
        ids.append(response.headers["x-gateway-interaction-id"])
    for value in ids:
        parsed = uuid.UUID(value)
        assert (str(parsed), parsed.version, parsed.variant) == (value, 4, uuid.RFC_4122)
    assert len(set(ids)) == 20
    assert gw.record(ids[-1])["id"] == ids[-1]


def test_revoked_key_is_refused(gw: Gateway, http: httpx.Client) -> None:
    created = json.loads(gw.cli("keys", "create", "--user", "bob@exemple.fr",
                                "--department", "rh", "--json").stdout)
    headers = {"Authorization": f"Bearer {created['key']}"}
    assert http.post(CHAT, json={"model": "echo", "messages": HELLO}, headers=headers).status_code == 200
    gw.cli("keys", "revoke", created["id"])
    # A revocation reaches every process within the key cache TTL (0.3 s in these tests).
    import time
    time.sleep(gw.settings.key_cache_ttl_seconds + 0.1)
    response = http.post(CHAT, json={"model": "echo", "messages": HELLO}, headers=headers)
    assert_openai_error(response, 401, "invalid_api_key")


@pytest.mark.parametrize(("payload", "param"), [
    (b'{"model": "gpt-test", "messages": [', None),
    (b"not json at all", None),
    (b"", None),
    (b"[1, 2]", None),
    (b'{"model": "gpt-test"}', "messages"),
    (b'{"messages": [{"role": "user", "content": "x"}]}', "model"),
    (b'{"model": 12, "messages": [{"role": "user", "content": "x"}]}', "model"),
    (b'{"model": "gpt-test", "messages": "hello"}', "messages"),
    (b'{"model": "gpt-test", "messages": [{"role": "wizard", "content": "x"}]}', "messages.0.role"),
    (b'{"model": "gpt-test", "messages": [{"role": "user", "content": 5}]}', "messages.0.content"),
    (b'{"model": "gpt-test", "messages": [], "stream": true}', "messages"),
    (b'{"model": "gpt-test", "messages": [{"role": "user", "content": "x"}], "stream": "yes"}', "stream"),
    (b'\xff\xfe{"model": 1}', None),
])
def test_bad_bodies_are_400_and_recorded(gw: Gateway, http: httpx.Client, payload: bytes, param: str | None) -> None:
    response = http.post(CHAT, content=payload, headers={**auth(gw), "content-type": "application/json"})
    error = assert_openai_error(response, 400, "invalid_request")
    if param:
        assert error["param"] is not None and error["param"].startswith(param)
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "error" and record["status_code"] == 400
    assert record["error"].startswith("invalid_request")
    assert gw.fake.received == []


def test_lone_surrogates_are_accepted_not_crashing(gw: Gateway, http: httpx.Client) -> None:
    payload = b'{"model": "gpt-test", "messages": [{"role": "user", "content": "caf\\ud83d bon"}]}'
    response = http.post(CHAT, content=payload, headers={**auth(gw), "content-type": "application/json"})
    assert response.status_code == 200
    assert gw.fake.requests_for("fake-model")[0].body["messages"][0]["content"] == "caf\ufffd bon"


def test_unknown_model_is_404(gw: Gateway, http: httpx.Client) -> None:
    response = http.post(CHAT, json={"model": "gpt-99", "messages": HELLO}, headers=auth(gw))
    error = assert_openai_error(response, 404, "model_not_found")
    assert error["param"] == "model" and "gpt-99" in error["message"]
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["model"] == "gpt-99" and record["status_code"] == 404


def test_oversized_body_is_413(gw: Gateway, http: httpx.Client) -> None:
    big = "a" * (gw.settings.max_body_bytes + 10)
    response = http.post(CHAT, json={"model": "gpt-test", "messages": [{"role": "user", "content": big}]},
                         headers=auth(gw))
    assert_openai_error(response, 413, "request_too_large")

    def chunked() -> Iterator[bytes]:  # no Content-Length: the limit holds while reading
        yield b'{"model": "gpt-test", "messages": [{"role": "user", "content": "'
        for _ in range(20):
            yield b"b" * 8192
        yield b'"}]}'

    response = http.post(CHAT, content=chunked(), headers={**auth(gw), "content-type": "application/json"})
    assert_openai_error(response, 413, "request_too_large")
    assert gw.record(response.headers["x-gateway-interaction-id"])["status_code"] == 413
    assert gw.fake.received == []


@pytest.mark.parametrize(("model", "status", "code"), [
    ("fake-error-500", 502, "upstream_error"),
    ("fake-error-401", 502, "upstream_error"),
    ("fake-error-429", 429, "rate_limited"),
    ("fake-error-400", 400, "invalid_request"),
    ("fake-slow", 504, "upstream_timeout"),
    ("fake-cut", 502, "upstream_error"),
])
def test_provider_failures_are_mapped(gw: Gateway, http: httpx.Client, model: str, status: int, code: str) -> None:
    response = http.post(CHAT, json={"model": model, "messages": HELLO}, headers=auth(gw))
    assert_openai_error(response, status, code)
    if model == "fake-error-429":
        assert response.headers.get("retry-after")
    record = gw.record(response.headers["x-gateway-interaction-id"])
    # Forwarded, so the record was written first, then completed with the failure.
    # 5xx, 429 and resets are tried again (GATEWAY_UPSTREAM_RETRIES); 4xx and read
    # timeouts are not (tests/production/test_retries.py).
    retried = model in ("fake-error-500", "fake-error-429", "fake-cut")
    attempts = 1 + gw.settings.upstream_retries if retried else 1
    assert len(gw.fake.requests_for(model)) == attempts
    assert record["state"] == "complete" and record["decision"] == "error"
    assert record["status_code"] == status and record["error"].startswith(code)
    assert record["prompt"] is not None


def test_upstream_error_before_stream_starts_is_a_json_error(gw: Gateway) -> None:
    sdk = gw.openai()
    with pytest.raises(openai.InternalServerError) as info:
        list(sdk.chat.completions.create(model="fake-error-500", messages=HELLO, stream=True))
    assert info.value.status_code == 502
    assert info.value.body["code"] == "upstream_error"


def _refuse_inserts(gw: Gateway, user: str) -> tuple[str, str]:
    if gw.engine.dialect.name == "sqlite":
        return (
            f"CREATE TRIGGER refuse_writes BEFORE INSERT ON interactions "
            f"WHEN NEW.user_email = '{user}' BEGIN SELECT RAISE(ABORT, 'read-only'); END",
            "DROP TRIGGER refuse_writes",
        )
    return (
        "CREATE FUNCTION refuse_writes() RETURNS trigger AS $$ BEGIN "
        f"IF NEW.user_email = '{user}' THEN RAISE EXCEPTION 'read-only'; END IF; RETURN NEW; "
        "END $$ LANGUAGE plpgsql; "
        "CREATE TRIGGER refuse_writes BEFORE INSERT ON interactions "
        "FOR EACH ROW EXECUTE FUNCTION refuse_writes()",
        "DROP TRIGGER refuse_writes ON interactions; DROP FUNCTION refuse_writes()",
    )


@pytest.mark.parametrize("stream", [False, True])
def test_database_refusing_writes_gives_503_and_forwards_nothing(
    gw: Gateway, http: httpx.Client, stream: bool
) -> None:
    user = "readonly@exemple.fr"
    headers = auth(gw, user=user)
    create, drop = _refuse_inserts(gw, user)
    with gw.engine.begin() as connection:
        connection.execute(text(create))
    try:
        response = http.post(CHAT, json={"model": "gpt-test", "messages": HELLO, "stream": stream},
                             headers=headers)
    finally:
        with gw.engine.begin() as connection:
            connection.execute(text(drop))
    assert_openai_error(response, 503, "audit_unavailable")
    assert gw.fake.received == []
    # And the gateway is back to normal as soon as the database accepts writes again.
    response = http.post(CHAT, json={"model": "gpt-test", "messages": HELLO}, headers=headers)
    assert response.status_code == 200


def test_unknown_route_and_method_use_the_error_shape(gw: Gateway, http: httpx.Client) -> None:
    response = http.post("/v1/responsez", headers=auth(gw), json={})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    # An unknown /v1 route names the endpoints the gateway serves.
    message = response.json()["error"]["message"]
    assert message.startswith("Route inconnue : POST /v1/responsez.")
    for endpoint in ("POST /v1/chat/completions", "POST /v1/embeddings", "POST /v1/messages",
                     "GET /v1/models", "POST /v1/messages/count_tokens"):
        assert endpoint in message
    outside = http.get("/nothing-here").json()["error"]["message"]
    assert outside == "Route inconnue : GET /nothing-here."
    response = http.get(CHAT, headers=auth(gw))
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_untraced_proxy_routes_skip_the_frameworks_layers(
        gw: Gateway, http: httpx.Client) -> None:
    """Without tracing the proxy routes take the short stack (gateway.api.dispatch.GatewayApp),
    and still answer every error in the API's shape, with the interaction id."""
    assert gw.app.proxy_stack is not None
    response = http.post(CHAT, content=b"{not json", headers=auth(gw))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_request"
    assert error["interaction_id"] == response.headers["x-gateway-interaction-id"]
    response = http.post(CHAT, json={"model": "test-model", "messages": []})
    assert response.status_code == 401
    assert response.json()["error"]["interaction_id"] == response.headers[
        "x-gateway-interaction-id"]


def test_the_openapi_schema_lists_the_proxy_routes(http: httpx.Client) -> None:
    """The proxy routes are one table (gateway.api.dispatch), documented from it."""
    schema = http.get("/openapi.json").json()
    for path in ("/v1/chat/completions", "/v1/embeddings", "/v1/messages"):
        assert "post" in schema["paths"][path], path
    body = schema["paths"]["/v1/chat/completions"]["post"]["requestBody"]["content"]
    assert "messages" in body["application/json"]["schema"]["properties"]
    assert "ChatMessage" in schema["components"]["schemas"]


@pytest.mark.parametrize("path", [CHAT, "/v1/messages"])
def test_an_unexpected_failure_on_a_proxy_route_is_a_500_in_the_error_shape(
    gw: Gateway, http: httpx.Client, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """The proxy routes bypass the framework's routing (gateway.api.dispatch): a bug in a handler
    still answers in the API's error shape, without a trace, and is recorded."""

    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr("gateway.proxy.common.validate", broken)
    body = {"model": "gpt-test", "messages": HELLO, "max_tokens": 10}
    response = http.post(path, json=body, headers=auth(gw))
    assert response.status_code == 500
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    interaction_id = response.headers["x-gateway-interaction-id"]
    if path == CHAT:
        assert assert_openai_error(response, 500, "internal_error")["interaction_id"]
    else:
        assert response.json()["type"] == "error"
        assert response.json()["interaction_id"] == interaction_id
    record = gw.record(interaction_id)
    assert record["status_code"] == 500 and record["model"] == "gpt-test"

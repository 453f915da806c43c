"""``/metrics``: labels only from the catalogue and fixed sets; protectable by a token."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx

from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import CURL, own_gateway


def test_client_model_names_never_become_labels(gw: Gateway, http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    names = [f"inconnu-{secrets.token_hex(6)}" for _ in range(30)] + ["z" * 50_000]
    for name in names:
        answer = http.post("/v1/chat/completions", headers=headers, json={
            "model": name, "messages": [{"role": "user", "content": "bonjour"}]})
        assert answer.status_code in (400, 404)
    http.post("/v1/chat/completions", headers=headers, json={
        "model": "echo", "messages": [{"role": "user", "content": "bonjour"}]})
    exposition = http.get("/metrics").text
    assert not any(name[:20] in exposition for name in names)
    assert 'model="unknown",status="404"' in exposition
    assert 'model="echo",status="200"' in exposition
    assert len(exposition) < 200_000


def test_metrics_token_protects_the_exposition(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path,
) -> None:
    token = secrets.token_urlsafe(24)
    with own_gateway(databases, fake_openai, tmp_path, "metrics-token",
                     metrics_token=token) as gw, \
            httpx.Client(base_url=gw.url, headers=CURL) as http:
        missing = http.get("/metrics")
        wrong = http.get("/metrics", headers={"Authorization": "Bearer " + "x" * 32})
        right = http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert (missing.status_code, wrong.status_code, right.status_code) == (401, 401, 200)
        assert missing.json()["error"]["code"] == "invalid_api_key"
        assert missing.headers["WWW-Authenticate"] == "Bearer"
        assert "gateway_requests" in right.text and "gateway_requests" not in wrong.text
        assert http.get("/healthz").status_code == 200  # probes stay open

"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

import httpx

from tests.conftest import Gateway


def test_healthz_and_readyz(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = http.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["checks"]["database"] == "ok"
    assert body["checks"]["policies"]["version"]


def test_metrics_count_requests_tokens_and_latency(gw: Gateway, http: httpx.Client) -> None:
    sdk = gw.openai()
    sdk.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": "compte"}])
    text = http.get("/metrics").text
    assert 'gateway_requests_total{endpoint="/v1/chat/completions",model="gpt-test",status="200"}' in text
    assert 'gateway_tokens_total{direction="prompt",model="gpt-test"}' in text
    assert 'gateway_request_duration_seconds_bucket{endpoint="/v1/chat/completions"' in text
    assert 'gateway_upstream_duration_seconds_count{model="gpt-test",provider="openai_compatible"}' in text
    assert "gateway_audit_commit_seconds_count" in text

"""Provider failures: retries with backoff where safe, fallbacks the catalogue allows."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import Engine, create_engine

from gateway.app import create_app
from gateway.catalogue import load_catalogue
from gateway.db import migrate
from gateway.errors import ConfigError, InvalidRequestError, UpstreamError
from gateway.providers.retry import RetryPolicy, with_retries
from gateway.settings import Settings
from tests.conftest import SECRET, Databases
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.server import ServerThread

from ._helpers import CURL, new_key, record, write_config


@dataclass
class Live:
    url: str
    engine: Engine
    key: str
    fake: FakeOpenAIProvider
    settings: Settings

    def chat(self, model: str, *, stream: bool = False, text: str = "Bonjour") -> httpx.Response:
        return httpx.post(
            f"{self.url}/v1/chat/completions", timeout=30,
            headers={"Authorization": f"Bearer {self.key}", **CURL},
            json={"model": model, "stream": stream,
                  "messages": [{"role": "user", "content": text}]})

    def metric(self, name: str) -> float:
        text = httpx.get(f"{self.url}/metrics").text
        return sum(float(line.rsplit(" ", 1)[1]) for line in text.splitlines()
                   if line.startswith(name))


@pytest.fixture(scope="module")
def live(databases: Databases, _fake_openai_server: FakeOpenAIProvider,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    tmp = tmp_path_factory.mktemp("retries")
    models, policies = write_config(tmp, _fake_openai_server.url)
    url = databases.new("retries")
    migrate.upgrade(url)
    settings = Settings(
        database_url=url, secret_key=SECRET, models_file=models, policies_dir=policies,
        redaction_enabled=False, upstream_read_timeout=0.5, upstream_retries=2,
        upstream_retry_backoff=0.01, upstream_retry_backoff_max=0.05,
        upstream_retry_after_max=2.0,
    )
    engine = create_engine(settings.sqlalchemy_url)
    with ServerThread(create_app(settings)) as server:
        yield Live(server.url, engine, new_key(engine), _fake_openai_server, settings)
    engine.dispose()


@pytest.fixture
def gw(live: Live, fake_openai: FakeOpenAIProvider) -> Live:
    return live


def test_flaky_provider_is_retried_until_it_answers(gw: Live) -> None:
    before = gw.metric('gateway_upstream_retries_total{model="flaky-2"')
    response = gw.chat("flaky-2")
    assert response.status_code == 200, response.text
    assert len(gw.fake.requests_for("fake-flaky-2")) == 3
    rec = record(gw.engine, response.headers["x-gateway-interaction-id"])
    assert rec["status_code"] == 200 and rec["decision"] == "allowed"
    assert gw.metric('gateway_upstream_retries_total{model="flaky-2"') == before + 2


def test_attempts_are_bounded(gw: Live) -> None:
    response = gw.chat("flaky-3")
    assert response.status_code == 502
    assert response.json()["error"]["code"] == "upstream_error"
    assert len(gw.fake.requests_for("fake-flaky-3")) == 3  # 1 + GATEWAY_UPSTREAM_RETRIES


def test_stream_is_retried_before_its_first_byte(gw: Live) -> None:
    response = gw.chat("flaky-1-stream", stream=True)
    assert response.status_code == 200
    assert response.text.rstrip().endswith("data: [DONE]")
    assert len(gw.fake.requests_for("fake-flaky-1-stream")) == 2


def test_stream_is_never_retried_after_its_first_byte(gw: Live) -> None:
    response = gw.chat("cut", stream=True)
    assert response.status_code == 200
    assert '"code":"upstream_error"' in response.text
    assert len(gw.fake.requests_for("fake-cut")) == 1


@pytest.mark.parametrize(("model", "upstream", "status", "attempts"), [
    ("error-400", "fake-error-400", 400, 1),   # the request is wrong: wrong everywhere
    ("slow", "fake-slow-2", 504, 1),           # read timeout: the provider has it
    ("cut", "fake-cut", 502, 3),               # reset before an answer: retried
    ("error-500", "fake-error-500", 502, 3),
])
def test_what_is_retried(gw: Live, model: str, upstream: str, status: int, attempts: int) -> None:
    response = gw.chat(model)
    assert response.status_code == status
    assert len(gw.fake.requests_for(upstream)) == attempts


def test_connect_errors_are_retried_then_502(gw: Live) -> None:
    before = gw.metric('gateway_upstream_retries_total{model="closed-port"')
    response = gw.chat("closed-port")
    assert response.status_code == 502
    assert gw.metric('gateway_upstream_retries_total{model="closed-port"') == before + 2


def test_retry_after_is_honoured(gw: Live) -> None:
    started = time.monotonic()
    response = gw.chat("error-429")  # the fake says Retry-After: 1
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    assert len(gw.fake.requests_for("fake-error-429")) == 3
    assert time.monotonic() - started >= 2.0


def test_fallback_answers_and_is_recorded(gw: Live) -> None:
    for stream in (False, True):
        gw.fake.reset()
        response = gw.chat("primary", stream=stream)
        assert response.status_code == 200, response.text
        rec = record(gw.engine, response.headers["x-gateway-interaction-id"])
        assert rec["model"] == "primary"
        assert rec["provider"] == "openai_compatible" and rec["upstream_model"] == "fake-backup"
        assert "fallback:backup" in rec["rule_ids"]
        assert rec["status_code"] == 200 and rec["decision"] == "allowed"
        assert len(gw.fake.requests_for("fake-error-500")) == 3
        # The denied fallback was skipped: the policies would have refused it.
        assert gw.fake.requests_for("fake-denied") == []
        assert len(gw.fake.requests_for("fake-backup")) == 1
    assert gw.metric('gateway_upstream_fallbacks_total{fallback="backup",model="primary"}') >= 2


def test_no_fallback_the_policies_refuse(gw: Live) -> None:
    response = gw.chat("primary-denied-only")
    assert response.status_code == 502
    assert gw.fake.requests_for("fake-denied") == []


def test_fallbacks_are_validated_at_load(tmp_path: Path) -> None:
    def load(models: list[dict[str, object]]) -> None:
        path = tmp_path / "models.yaml"
        path.write_text(yaml.safe_dump({"models": models}))
        load_catalogue(path)

    eu = {"name": "eu", "provider": "echo", "hosting": "eu", "fallbacks": ["us"]}
    with pytest.raises(ConfigError, match="less contained"):
        load([eu, {"name": "us", "provider": "echo", "hosting": "us"}])
    with pytest.raises(ConfigError, match="not a model of the catalogue"):
        load([eu])
    with pytest.raises(ConfigError, match="not a chat model"):
        load([eu, {"name": "us", "provider": "echo", "hosting": "eu", "kind": "embedding"}])
    load([eu, {"name": "us", "provider": "echo", "hosting": "on_prem"}])


def test_retry_policy_waits() -> None:
    policy = RetryPolicy(retries=2, backoff=0.1, backoff_max=0.15, retry_after_max=5)
    error = UpstreamError("x")
    assert policy.delay(1, error) is None  # not marked retryable
    error.retryable = True
    assert all(0 <= (policy.delay(n, error) or 0) <= 0.15 for n in (1, 2) for _ in range(50))
    assert policy.delay(3, error) is None
    error.retry_after = 3
    assert policy.delay(1, error) == 3
    error.retry_after = 60  # longer than the cap: the 429 goes to the client at once
    assert policy.delay(1, error) is None
    assert policy.delay(1, InvalidRequestError("x")) is None


def test_retries_stop_at_the_deadline() -> None:
    calls = 0

    async def failing() -> None:
        nonlocal calls
        calls += 1
        error = UpstreamError("x")
        error.retryable, error.retry_after = True, 0.3
        raise error

    policy = RetryPolicy(retries=10, retry_after_max=1)
    with pytest.raises(UpstreamError):
        asyncio.run(with_retries(failing, policy, time.monotonic() + 0.5))
    assert calls == 2  # a third attempt would start past the deadline

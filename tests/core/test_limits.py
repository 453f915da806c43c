"""Budgets and rate limits from the policies, counted across gateway processes."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import yaml
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import SECRET, Databases, gateway_env
from tests.fakes.server import ServerThread
from tests.support.processes import start_gateway, stop, wait_ready

LIMITS = """
description: test limits
defaults: {action: allow}
limits:
  - id: trois-par-minute
    scope: user
    match: {key_tags: [rpm]}
    requests_per_minute: 3
  - id: jetons-du-jour
    scope: user
    match: {key_tags: [tokens]}
    tokens_per_day: 40
  - id: budget-du-service
    scope: department
    match: {departments: [achats]}
    spend_per_month_eur: 5
    message: Le budget IA du service achats est épuisé.
"""
CATALOGUE = {"models": [
    {"name": "echo", "provider": "echo", "hosting": "on_prem"},
    # One euro a token: two requests exhaust a 5 EUR budget.
    {"name": "echo-cher", "provider": "echo", "hosting": "on_prem",
     "price_per_mtok": {"input": 1_000_000, "output": 1_000_000}},
]}


@pytest.fixture(scope="module")
def setup(databases: Databases, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    tmp = tmp_path_factory.mktemp("limits")
    (tmp / "policies").mkdir()
    (tmp / "policies" / "limits.yaml").write_text(LIMITS)
    (tmp / "models.yaml").write_text(yaml.safe_dump(CATALOGUE))
    url = databases.new("limits")
    migrate.upgrade(url)
    return {"tmp": tmp, "url": url}


def new_key(env: dict[str, str], *tags: str, department: str = "ventes") -> str:
    """A key in the database of ``env``, written here: ``gateway keys create`` has tests of
    its own, and a process per key cost a second or more each."""
    engine = create_engine(env["GATEWAY_DATABASE_URL"])
    try:
        with Session(engine) as session, session.begin():
            _, token = create_key(session, SECRET.encode(), user=f"u{time.monotonic_ns()}@exemple.fr",
                                  department=department, tags=list(tags))
    finally:
        engine.dispose()
    return token


def env_for(setup: dict[str, object]) -> dict[str, str]:
    tmp = Path(str(setup["tmp"]))
    env = gateway_env(str(setup["url"]), tmp / "models.yaml")
    env["GATEWAY_POLICIES_DIR"] = str(tmp / "policies")
    return env


@pytest.fixture(scope="module")
def gateway_url(setup: dict[str, object]) -> Iterator[str]:
    tmp = Path(str(setup["tmp"]))
    settings = Settings(database_url=str(setup["url"]), secret_key=SECRET,
                        models_file=tmp / "models.yaml", policies_dir=tmp / "policies",
                        redaction_enabled=False)
    with ServerThread(create_app(settings)) as server:
        yield server.url


def chat(url: str, key: str, model: str = "echo", text: str = "Bonjour") -> httpx.Response:
    return httpx.post(f"{url}/v1/chat/completions", headers={
        "Authorization": f"Bearer {key}", "User-Agent": "curl/8.5.0"},
        json={"model": model, "messages": [{"role": "user", "content": text}]}, timeout=30)


def wait_for_fresh_minute() -> None:
    """Fixed windows: start a burst early in a minute so it does not straddle two."""
    second = datetime.now(UTC).second
    if second > 50:
        time.sleep(61 - second)


def test_requests_per_minute(setup: dict[str, object], gateway_url: str) -> None:
    key = new_key(env_for(setup), "rpm")
    wait_for_fresh_minute()
    assert [chat(gateway_url, key).status_code for _ in range(3)] == [200, 200, 200]
    refused = chat(gateway_url, key)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert "trois-par-minute" in refused.json()["error"]["message"]
    assert 0 < int(refused.headers["retry-after"]) <= 61
    other = new_key(env_for(setup), "rpm")  # the limit is per user
    assert chat(gateway_url, other).status_code == 200


def test_tokens_per_day(setup: dict[str, object], gateway_url: str) -> None:
    key = new_key(env_for(setup), "tokens")
    long_text = "mot " * 30  # about 30 tokens each way with the echo model
    assert chat(gateway_url, key, text=long_text).status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:  # charges land just after the answer
        response = chat(gateway_url, key)
        if response.status_code == 429:
            break
        time.sleep(0.1)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "budget_exceeded"
    assert int(response.headers["retry-after"]) <= 86401


def test_monthly_spend_per_department(setup: dict[str, object], gateway_url: str) -> None:
    env = env_for(setup)
    first, second = new_key(env, department="achats"), new_key(env, department="achats")
    assert chat(gateway_url, first, model="echo-cher", text="un deux trois").status_code == 200
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        response = chat(gateway_url, second, model="echo-cher")
        if response.status_code == 429:
            break
        time.sleep(0.1)
    # The whole department shares the budget: the colleague is refused too.
    assert response.status_code == 429
    assert response.json()["error"]["message"] == "Le budget IA du service achats est épuisé."
    other_department = new_key(env, department="ventes")
    assert chat(gateway_url, other_department, model="echo-cher").status_code == 200


@pytest.mark.parametrize("counters", ["database", "redis"])
def test_limit_holds_across_two_gateway_processes(setup: dict[str, object], counters: str) -> None:
    env = env_for(setup)
    if counters == "redis":
        env["GATEWAY_REDIS_URL"] = os.environ.get("GATEWAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    key = new_key(env, "rpm")
    # Both started before either is waited for: their start-ups overlap.
    first, second = start_gateway(env, redaction=False), start_gateway(env, redaction=False)
    try:
        for process, url in (first, second):
            wait_ready(url, process=process)
        wait_for_fresh_minute()
        statuses = [chat(url, key).status_code for _ in range(3) for _, url in (first, second)]
        # Six requests, alternating between the processes: exactly three pass.
        assert sorted(statuses) == [200, 200, 200, 429, 429, 429]
    finally:
        stop(first[0], second[0], timeout=20)

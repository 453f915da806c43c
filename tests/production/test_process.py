"""The gateway process killed (kill -9) under load, or stopped (SIGTERM) mid-stream."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine

from gateway.audit.models import COMPLETE, INTERRUPTED, PENDING
from gateway.db import migrate
from tests.conftest import Databases, gateway_env
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.support.processes import stop

from ._helpers import CURL, new_key, record, records, serve, write_config

TOTAL_TIMEOUT_S = 3


def env_for(databases: Databases, fake: FakeOpenAIProvider, tmp: Path, label: str
            ) -> tuple[dict[str, str], str]:
    models, policies = write_config(tmp, fake.url)
    url = databases.new(label)
    migrate.upgrade(url)
    env = gateway_env(url, models)
    env["GATEWAY_POLICIES_DIR"] = str(policies)
    return env, url


def stream(url: str, key: str, text: str, lines: list[str], first: threading.Event) -> None:
    body = {"model": "drip", "stream": True, "messages": [{"role": "user", "content": text}]}
    try:
        with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, timeout=30,
                          headers={"Authorization": f"Bearer {key}", **CURL}) as response:
            lines.append(f"id {response.headers.get('x-gateway-interaction-id')}")
            for line in response.iter_lines():
                if line.startswith("data: "):
                    lines.append(line)
                    first.set()
    except httpx.HTTPError as exc:
        lines.append(f"error {type(exc).__name__}")


def test_kill_9_under_load_loses_no_record(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path
) -> None:
    env, url = env_for(databases, fake_openai, tmp_path, "kill")
    env["GATEWAY_UPSTREAM_TOTAL_TIMEOUT"] = str(TOTAL_TIMEOUT_S)
    engine = create_engine(url)
    key = new_key(engine)
    process, base = serve(env)
    threads = []
    try:
        for i in range(20):
            thread = threading.Thread(target=stream, args=(
                base, key, f"charge-{i:02d}", [], threading.Event()), daemon=True)
            thread.start()
            threads.append(thread)
        assert fake_openai.wait_for(lambda: len(fake_openai.received) >= 15, timeout=20)
        time.sleep(0.3)
    finally:
        process.kill()  # SIGKILL: no shutdown, no lifespan, no flush
        process.wait()
    killed_at = time.monotonic()
    for thread in threads:
        thread.join(10)
    received = [r.body["messages"][-1]["content"] for r in fake_openai.received]
    assert fake_openai.completed_streams == 0  # every stream was in flight at the kill
    before = {r.id: r.state for r in records(engine)}
    assert PENDING in before.values()
    # Records younger than the upstream total timeout may belong to a live replica: wait
    # until they cannot, then restart.
    time.sleep(max(0.0, TOTAL_TIMEOUT_S + 0.5 - (time.monotonic() - killed_at)))
    process, base = serve(env)
    try:
        rows = records(engine)
        by_text = {}
        for row in rows:
            for content in received:
                if row.prompt and content in row.prompt:
                    by_text[content] = row
        # Every request the provider received has its record, and it says interrupted.
        assert set(by_text) == set(received)
        assert {row.state for row in by_text.values()} == {INTERRUPTED}
        assert all(row.decision == "error" and row.error.startswith("interrupted")
                   for row in by_text.values())
        assert not [row for row in rows if row.state == PENDING]
        # And the restarted gateway serves.
        response = httpx.post(f"{base}/v1/chat/completions", timeout=30,
                              headers={"Authorization": f"Bearer {key}", **CURL},
                              json={"model": "ok", "messages": [{"role": "user", "content": "x"}]})
        assert response.status_code == 200
    finally:
        stop(process, timeout=30)
        engine.dispose()


def test_sigterm_lets_the_stream_finish_and_flushes_the_log(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path
) -> None:
    env, url = env_for(databases, fake_openai, tmp_path, "term")
    env["GATEWAY_SHUTDOWN_TIMEOUT"] = "20"
    engine = create_engine(url)
    key = new_key(engine)
    log_path = tmp_path / "stderr.log"
    with log_path.open("wb") as log:
        process, base = serve(env, stderr=log)
        try:
            # A retried request, so the log holds a line about this interaction.
            flaky = httpx.post(f"{base}/v1/chat/completions", timeout=30,
                               headers={"Authorization": f"Bearer {key}", **CURL},
                               json={"model": "flaky-2", "messages": [
                                   {"role": "user", "content": "secret-prompt-text"}]})
            assert flaky.status_code == 200
            lines: list[str] = []
            first = threading.Event()
            thread = threading.Thread(target=stream, args=(base, key, "arrêt", lines, first))
            thread.start()
            assert first.wait(15)
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            with pytest.raises(httpx.TransportError):  # no longer accepting
                httpx.get(f"{base}/healthz", timeout=2)
            thread.join(30)
            # uvicorn re-raises the signal once shut down cleanly: -SIGTERM, not a crash.
            assert process.wait(timeout=30) in (0, -signal.SIGTERM)
        finally:
            if process.poll() is None:
                process.kill()
    assert lines[-1] == "data: [DONE]", lines[-3:]
    rec = record(engine, lines[0].split(" ", 1)[1], timeout=1)
    assert rec["state"] == COMPLETE and rec["status_code"] == 200
    assert rec["response"] == " ".join(str(i) for i in range(40))
    engine.dispose()

    # Structured logs: one JSON object per line, the request's id, never its content.
    text = log_path.read_text()
    entries = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert all({"time", "level", "logger", "message"} <= set(e) for e in entries)
    flaky_id = flaky.headers["x-gateway-interaction-id"]
    assert any(e.get("interaction_id") == flaky_id and "retrying" in e["message"]
               for e in entries)
    assert "secret-prompt-text" not in text and "test-secret-" not in text

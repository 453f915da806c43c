"""A gateway killed mid-stream (SIGKILL: no shutdown, no flush) leaves pending records; the
next start marks them interrupted before it serves, without waiting out the upstream total
timeout (10 minutes by default) that an age rule needs when replicas share the database."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine

from gateway.audit.models import INTERRUPTED, PENDING
from gateway.db import migrate
from tests.conftest import Databases, gateway_env
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.production._helpers import CURL, new_key, records, serve, write_config
from tests.support.processes import stop


def _stream(url: str, key: str, text: str) -> None:
    body = {"model": "drip", "stream": True, "messages": [{"role": "user", "content": text}]}
    try:
        with httpx.stream("POST", f"{url}/v1/chat/completions", json=body, timeout=60,
                          headers={"Authorization": f"Bearer {key}", **CURL}) as response:
            for _ in response.iter_lines():
                pass
    except httpx.HTTPError:
        pass  # the process is killed under it


def test_a_killed_gateways_pending_records_are_interrupted_at_the_next_start(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path,
) -> None:
    models, policies = write_config(tmp_path, fake_openai.url)
    url = databases.new("killed")
    migrate.upgrade(url)
    env = {**gateway_env(url, models), "GATEWAY_POLICIES_DIR": str(policies)}
    engine = create_engine(url)
    key = new_key(engine)
    process, base = serve(env)
    try:
        streams = [threading.Thread(target=_stream, args=(base, key, f"flux-{i}"), daemon=True)
                   for i in range(3)]
        for thread in streams:
            thread.start()
        assert fake_openai.wait_for(lambda: len(fake_openai.received) >= 3, timeout=60)
        time.sleep(0.3)
    finally:
        process.kill()  # SIGKILL, mid-stream
        process.wait()
    pending = [row.id for row in records(engine) if row.state == PENDING]
    assert len(pending) == 3
    assert all(row.boot_id for row in records(engine))

    # Restarted at once: the default upstream total timeout (600 s) has not passed.
    process, base = serve(env)
    try:
        by_id = {row.id: row for row in records(engine)}
        assert {by_id[i].state for i in pending} == {INTERRUPTED}
        assert all(by_id[i].decision == "error" and by_id[i].error.startswith("interrupted")
                   for i in pending)
        # What the new process writes is its own, and stays until it completes.
        response = httpx.post(f"{base}/v1/chat/completions", timeout=30,
                              headers={"Authorization": f"Bearer {key}", **CURL},
                              json={"model": "ok", "messages": [{"role": "user", "content": "x"}]})
        assert response.status_code == 200
        interaction_id = response.headers["x-gateway-interaction-id"]
        time.sleep(0.5)
        fresh = {row.id: row for row in records(engine)}[interaction_id]
        assert fresh.state != INTERRUPTED and fresh.boot_id not in {by_id[i].boot_id
                                                                    for i in pending}
    finally:
        stop(process, timeout=30)
        engine.dispose()
    for thread in streams:
        thread.join(10)

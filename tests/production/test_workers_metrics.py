"""Prometheus metrics of ``gateway serve --workers 2``: whichever worker answers /metrics,
it shows the requests of both."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

from gateway.cli.serve import shared_metrics
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import REPO, Databases, gateway_env
from tests.fakes.openai_provider import FakeOpenAIProvider

from ._helpers import CURL, free_port, new_key, write_config

MAX_REQUESTS = 400
# Each worker imports the application (and spaCy with it) on its own: slow on a busy machine.
START_TIMEOUT_S = 120


def requests_total(exposition: str) -> float:
    """The sum of ``gateway_requests_total`` over its label sets."""
    return sum(
        sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples if sample.name == "gateway_requests_total"
    )


def requests_by_worker(directory: Path, scratch: Path) -> Counter[int]:
    """Requests counted by each worker, from its own counter file (named by its pid)."""
    counts: Counter[int] = Counter()
    for path in directory.glob("counter_*.db"):
        alone = scratch / path.stem
        alone.mkdir(exist_ok=True)
        shutil.copy(path, alone / path.name)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(alone))
        counts[int(path.stem.split("_")[1])] = int(
            requests_total(generate_latest(registry).decode())
        )
    return +counts  # workers that answered nothing are left out


def start(env: dict[str, str], log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``gateway serve --workers 2``, once one of its workers answers."""
    port = free_port()
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gateway.cli.main", "serve", "--port", str(port),
             "--workers", "2"],
            env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=stderr,
            start_new_session=True,  # its workers are stopped with it if the test fails
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return process, base
        except httpx.TransportError:
            time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    raise AssertionError("gateway serve --workers 2 did not start:\n" + log.read_text()[-3000:])


@pytest.mark.parametrize("directory_from", ["serve", "operator"])
def test_metrics_of_two_workers_add_up(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path, directory_from: str
) -> None:
    models, policies = write_config(tmp_path, fake_openai.url)
    url = databases.new(f"workers_{directory_from}")
    migrate.upgrade(url)
    engine = create_engine(url)
    key = new_key(engine)
    env = {k: v for k, v in gateway_env(url, models).items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    env.update(GATEWAY_POLICIES_DIR=str(policies), GATEWAY_REDACTION_ENABLED="false")
    temp = tmp_path / "tmp"
    temp.mkdir()
    env["TMPDIR"] = str(temp)  # where `gateway serve` makes its fresh directory
    stale = tmp_path / "metrics" / "counter_999999.db"
    if directory_from == "operator":
        stale.parent.mkdir()
        stale.write_bytes(b"left by an earlier run")
        env["PROMETHEUS_MULTIPROC_DIR"] = str(stale.parent)

    process, base = start(env, tmp_path / "serve.log")
    try:
        if directory_from == "operator":
            directory = stale.parent
            assert not stale.exists()  # emptied at start
        else:
            [directory] = temp.glob("gateway-metrics-*")
        # Each worker makes its counter file when it builds its metrics, at its start.
        deadline = time.monotonic() + START_TIMEOUT_S
        while len(list(directory.glob("counter_*.db"))) < 2:
            assert time.monotonic() < deadline, "the second worker did not start"
            time.sleep(0.1)

        def chat(_: int) -> None:
            # A connection per request, so the kernel hands them to either worker.
            response = httpx.post(
                f"{base}/v1/chat/completions", timeout=30,
                headers={"Authorization": f"Bearer {key}", **CURL},
                json={"model": "ok", "messages": [{"role": "user", "content": "Bonjour"}]},
            )
            assert response.status_code == 200, response.text

        sent = 0
        with ThreadPoolExecutor(4) as pool:
            while len(requests_by_worker(directory, tmp_path)) < 2:
                assert sent < MAX_REQUESTS, "one worker answered every request"
                list(pool.map(chat, range(8)))
                sent += 8
        by_worker = requests_by_worker(directory, tmp_path)
        assert len(by_worker) == 2 and sum(by_worker.values()) == sent

        # Scrapes on fresh connections land on either worker: each sees every request.
        for _ in range(10):
            text = httpx.get(f"{base}/metrics").text
            assert requests_total(text) == sent
            assert f'gateway_policy_decisions_total{{decision="allowed"}} {float(sent)}' in text
            # A live sum over the workers, not one series per process.
            [queue] = [f for f in text_string_to_metric_families(text)
                       if f.name == "gateway_audit_queue_depth"]
            assert len(queue.samples) == 1
        assert len(list(directory.glob("gauge_livesum_*.db"))) == 2
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        engine.dispose()
    if directory_from == "operator":
        # Each worker took its live gauges out of the sums on its way out; counters stay.
        assert not list(directory.glob("gauge_livesum_*.db"))
        assert len(list(directory.glob("counter_*.db"))) == 2
    else:
        assert not directory.exists()  # removed by `gateway serve` at exit


def test_one_worker_keeps_the_in_process_registry() -> None:
    with shared_metrics(Settings(), workers=1) as directory:
        assert directory is None


def test_an_operator_directory_is_emptied_at_start(tmp_path: Path) -> None:
    given = tmp_path / "given"
    given.mkdir()
    (given / "histogram_123.db").write_bytes(b"stale")
    (given / "notes.txt").write_text("not ours")
    settings = Settings(PROMETHEUS_MULTIPROC_DIR=str(given))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PROMETHEUS_MULTIPROC_DIR", "restored after the test")
        with shared_metrics(settings, workers=3) as directory:
            assert directory == given
            assert sorted(p.name for p in given.iterdir()) == ["notes.txt"]
    assert given.is_dir()  # the operator's: kept

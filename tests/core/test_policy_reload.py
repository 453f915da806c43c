"""Policies reload without a restart, under load, and a broken file keeps the last good set."""

from __future__ import annotations

import shutil
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from gateway.app import create_app
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import REPO, SECRET, Databases, gateway_env
from tests.fakes.server import ServerThread
from tests.support.processes import run_cli, start_gateway, stop, wait_ready, wait_until

DENY_PROJECT = """
description: ajout à chaud
rules:
  - id: projet-orion-interdit
    match:
      content: {keywords: [ORION]}
    action: deny
    message: Le projet ORION ne doit pas être traité par l'IA (règle « {rule_id} »).
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    policies = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policies)
    return policies


@pytest.fixture
def live(databases: Databases, folder: Path, tmp_path: Path) -> Iterator[tuple[str, str]]:
    url = databases.new("reload")
    migrate.upgrade(url)
    (tmp_path / "models.yaml").write_text(yaml.safe_dump(
        {"models": [{"name": "echo", "provider": "echo", "hosting": "on_prem"}]}))
    settings = Settings(database_url=url, secret_key=SECRET, models_file=tmp_path / "models.yaml",
                        policies_dir=folder, policies_reload_interval=0.2,
                        redaction_enabled=False)
    env = gateway_env(url, tmp_path / "models.yaml")
    key = yaml.safe_load(run_cli("keys", "create", "--user", "load@exemple.fr",
                                 "--department", "ventes", "--json", env=env).stdout)["key"]
    with ServerThread(create_app(settings)) as server:
        yield server.url, key


def ask(client: httpx.Client, key: str, text: str) -> httpx.Response:
    return client.post("/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                       json={"model": "echo", "messages": [{"role": "user", "content": text}]})


def test_reload_under_load_without_a_failed_request(live: tuple[str, str], folder: Path) -> None:
    url, key = live
    statuses: list[int] = []
    stop = threading.Event()

    def load() -> None:
        with httpx.Client(base_url=url, headers={"User-Agent": "curl/8.5.0"}, timeout=30) as client:
            while not stop.is_set():
                # Under the rate limit of the bundled set (30 a minute per user).
                statuses.append(ask(client, key, "Rédige un compte rendu.").status_code)
                time.sleep(2.2)

    worker = threading.Thread(target=load)
    worker.start()
    with httpx.Client(base_url=url, headers={"User-Agent": "curl/8.5.0"}, timeout=30) as client:
        try:
            version = client.get("/readyz").json()["checks"]["policies"]["version"]
            (folder / "40-projets.yaml").write_text(DENY_PROJECT)
            assert wait_until(lambda: client.get("/readyz").json()["checks"]["policies"]["version"] != version)
            denied = ask(client, key, "Fais le point sur ORION")
            assert denied.status_code == 403
            assert "projet-orion-interdit" in denied.json()["error"]["message"]

            (folder / "50-casse.yaml").write_text("rules:\n  - id: x\n    action: teleport\n")
            assert wait_until(lambda: client.get("/readyz").json()["checks"]["policies"]["error"])
            ready = client.get("/readyz")
            assert ready.status_code == 200  # the last good set keeps serving
            assert "50-casse.yaml" in ready.json()["checks"]["policies"]["error"]
            assert ask(client, key, "Et ORION ?").status_code == 403  # still enforced

            (folder / "50-casse.yaml").unlink()
            assert wait_until(lambda: client.get("/readyz").json()["checks"]["policies"]["error"] is None)
        finally:
            stop.set()
            worker.join()
    assert statuses and set(statuses) == {200}


@pytest.mark.parametrize("databases", ["sqlite"], indirect=True)
def test_sighup_reloads_a_served_gateway(databases: Databases, folder: Path, tmp_path: Path) -> None:
    url = databases.new("sighup")
    env = gateway_env(url, tmp_path / "models.yaml")
    (tmp_path / "models.yaml").write_text(yaml.safe_dump(
        {"models": [{"name": "echo", "provider": "echo", "hosting": "on_prem"}]}))
    env.update(GATEWAY_POLICIES_DIR=str(folder), GATEWAY_POLICIES_RELOAD_INTERVAL="0")
    process, base = start_gateway(env, cwd=tmp_path, redaction=False)
    try:
        wait_ready(base, "/readyz", process=process)
        version = httpx.get(base + "/readyz").json()["checks"]["policies"]["version"]
        (folder / "40-projets.yaml").write_text(DENY_PROJECT)
        time.sleep(0.5)  # polling is off: nothing changes until the signal
        assert httpx.get(base + "/readyz").json()["checks"]["policies"]["version"] == version
        process.send_signal(signal.SIGHUP)
        assert wait_until(lambda: httpx.get(base + "/readyz").json()["checks"]["policies"]["version"] != version)
        assert process.poll() is None  # reloaded, not stopped
    finally:
        stop(process, timeout=30)

"""What the gateway builds at start is kept out of the garbage collector's full passes."""

from __future__ import annotations

import gc
from pathlib import Path

import httpx

from gateway.app import create_app
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import SECRET
from tests.fakes.server import ServerThread


def test_startup_objects_frozen_while_serving_and_released_after(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'gc.db'}"
    migrate.upgrade(url)  # as `gateway serve` does: the app registers its process at start
    settings = Settings(database_url=url, secret_key=SECRET, redaction_enabled=False)
    gc.unfreeze()
    with ServerThread(create_app(settings)) as server:
        assert httpx.get(f"{server.url}/healthz").status_code == 200
        # The engine, the policies, the app's routes: tens of thousands of objects.
        assert gc.get_freeze_count() > 10_000
    assert gc.get_freeze_count() == 0

"""Headless Chromium for the console's browser tests (the Debian package, driven by Playwright).

One browser for the session, a fresh context (cookies, viewport) per test. Each page a test
shoots is saved under pytest's temporary directory, so a run leaves the tree clean;
``GATEWAY_UPDATE_SCREENSHOTS=1`` saves them to ``docs/screenshots/`` instead, refreshing the
README's images. Without ``/usr/bin/chromium`` the browser tests are skipped, with the reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.console._browser import Shot

CHROMIUM = Path("/usr/bin/chromium")
UPDATE_SHOTS = os.environ.get("GATEWAY_UPDATE_SCREENSHOTS") == "1"
ARGS = ["--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run"]


# Per module, not per session: Playwright's sync API keeps an event loop running in the
# worker's main thread while it is open, and pytest-asyncio tests collected after a browser
# module on the same xdist worker then fail (« Cannot run the event loop while another loop
# is running »).
@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (apt-get install chromium chromium-driver; "
                    "CI does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def tab(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def narrow_tab(chromium: Any) -> Iterator[Any]:
    """A phone-sized window: 420 px wide."""
    context = chromium.new_context(viewport={"width": 420, "height": 860}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go: the README's folder only when asked to refresh it."""
    if UPDATE_SHOTS:
        return REPO / "docs" / "screenshots"
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def shot(shots: Path) -> Shot:
    def save(page: Any, name: str) -> None:
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / name), full_page=True)

    return save

"""A locked database answers 503 with a code, whatever the component that meets the lock
(issue 16: the bundled limits on a locked SQLite answered 500 ``internal_error``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from gateway.db.engine import build_engine
from gateway.settings import Settings
from tests.conftest import SECRET, Databases
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import CURL, own_gateway


def test_a_locked_sqlite_answers_503_from_the_limits_and_the_reviews(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path,
) -> None:
    if databases.backend != "sqlite":
        pytest.skip("a file lock is SQLite's")
    # Each component gives up on the lock after the busy timeout, 5 s by default: several
    # of them meet it on the way (limits, log, heartbeat, journal), 30 s of waiting at 5 s.
    with own_gateway(databases, fake_openai, tmp_path, "locked", sqlite_busy_timeout=0.5) as gw:
        employee, reviewer = gw.key(), gw.key("reviewer")
        path = gw.settings.sqlite_path()
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process writing, longer than the timeout
        try:
            with httpx.Client(base_url=gw.url, headers=CURL, timeout=30) as http:
                chat = http.post("/v1/chat/completions", headers={
                    "Authorization": f"Bearer {employee}"}, json={
                    "model": "echo", "messages": [{"role": "user", "content": "bonjour"}]})
                # A read of the review queue is journaled: a write, refused by the lock.
                review = http.get("/admin/api/reviews", params={"status": "all"},
                                  headers={"Authorization": f"Bearer {reviewer}"})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert chat.status_code == 503, chat.text
    assert chat.json()["error"]["code"] == "database_unavailable"  # the limits' counters
    assert chat.headers["Retry-After"] == "1"
    assert review.status_code == 503, review.text
    assert review.json()["error"]["code"] == "database_unavailable"


def test_the_busy_timeout_is_the_settings(databases: Databases) -> None:
    if databases.backend != "sqlite":
        pytest.skip("SQLite's lock wait")
    url = databases.new("busy")
    for settings, expected in ((Settings(database_url=url, secret_key=SECRET), 5000),
                               (Settings(database_url=url, secret_key=SECRET,
                                         sqlite_busy_timeout=0.25), 250)):
        engine = build_engine(settings)
        try:
            with engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == expected
        finally:
            engine.dispose()

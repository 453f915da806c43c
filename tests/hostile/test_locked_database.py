"""A locked database answers 503 with a code, whatever the component that meets the lock
(issue 16: the bundled limits on a locked SQLite answered 500 ``internal_error``)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest

from tests.conftest import Databases
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import CURL, own_gateway


def test_a_locked_sqlite_answers_503_from_the_limits_and_the_reviews(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path,
) -> None:
    if databases.backend != "sqlite":
        pytest.skip("a file lock is SQLite's")
    with own_gateway(databases, fake_openai, tmp_path, "locked") as gw:
        employee, reviewer = gw.key(), gw.key("reviewer")
        path = gw.settings.sqlite_path()
        assert path is not None
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # another process writing, for longer than 5 s
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

"""PostgreSQL: which interaction-log commits wait for the disk (``pg_synchronous_commit``).

A trigger notes the session's ``synchronous_commit`` for every write the gateway makes to
the log, so the test sees what each kind of write really ran with on the server.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from gateway.db import migrate
from tests.conftest import Databases
from tests.fakes.openai_provider import FakeOpenAIProvider

from ._helpers import new_key, record
from .test_database import chat, gateway

WATCH = """
CREATE TABLE commit_modes (kind text NOT NULL, mode text NOT NULL);
CREATE FUNCTION note_commit_mode() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO commit_modes VALUES ('record', current_setting('synchronous_commit'));
  ELSIF OLD.seq IS NULL AND NEW.seq IS NOT NULL THEN
    INSERT INTO commit_modes VALUES ('chain', current_setting('synchronous_commit'));
  ELSIF OLD.state = 'pending' AND NEW.state <> 'pending' THEN
    INSERT INTO commit_modes VALUES ('completion', current_setting('synchronous_commit'));
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER note_commit_mode BEFORE INSERT OR UPDATE ON interactions
  FOR EACH ROW EXECUTE FUNCTION note_commit_mode();
"""


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("records", {"record": "on", "completion": "off", "chain": "off"}),
        ("on", {"record": "on", "completion": "on", "chain": "on"}),
        ("off", {"record": "off", "completion": "off", "chain": "off"}),
    ],
)
def test_each_kind_of_log_write_commits_as_the_setting_says(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path,
    setting: str, expected: dict[str, str],
) -> None:
    if databases.backend != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's; SQLite runs WAL, synchronous=NORMAL")
    url = databases.new("commits")
    migrate.upgrade(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(WATCH)
    key = new_key(engine)
    with gateway(url, tmp_path, fake_openai, pg_synchronous_commit=setting) as base:
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(lambda _: chat(base, key), range(24)))
        assert [answer.status_code for answer in answers] == [200] * 24
        for answer in answers:
            rec = record(engine, answer.headers["x-gateway-interaction-id"])
            assert rec["state"] == "complete"
        assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200  # links the chain
    with engine.connect() as connection:
        seen = connection.execute(
            text("SELECT kind, mode, count(*) FROM commit_modes GROUP BY kind, mode")
        ).all()
    engine.dispose()
    counts = {(kind, mode): count for kind, mode, count in seen}
    assert counts == {
        ("record", expected["record"]): 24,
        ("completion", expected["completion"]): 24,
        ("chain", expected["chain"]): 24,
    }

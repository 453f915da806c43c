"""External anchors: deleting the end of the log and rewinding the head is caught.

Without anchors the chain cannot tell (the test shows it verifies); with the signed anchor
file written before the cut, ``verify`` names the links that are gone.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from gateway.audit import anchors
from gateway.audit.verify import verify
from tests.audit._helpers import add_records, chained_db, row, sql
from tests.conftest import SECRET, Databases
from tests.support.processes import run_cli

KEY = b"k" * 32


@pytest.fixture
def log(databases: Databases) -> Iterator[Engine]:
    engine = chained_db(databases, "anchored", 20)
    yield engine
    engine.dispose()


def _cut_tail(engine: Engine, keep: int) -> None:
    """What an insider with database access does: delete the last records, rewind the head."""
    sql(engine, "DELETE FROM interactions WHERE seq > :k", k=keep)
    sql(engine, "UPDATE audit_chain_heads SET seq = :k, hash = (SELECT hash FROM interactions "
        "WHERE seq = :k) WHERE name = 'interactions'", k=keep)


def test_a_cut_tail_is_caught_by_the_anchor(log: Engine, tmp_path: Path) -> None:
    file = tmp_path / "anchors.jsonl"
    anchors.take(log, anchors.AnchorConfig(KEY, file=file))
    add_records(log, [row(i) for i in range(100, 103)])  # the log goes on after the anchor
    assert verify(log, anchors=(file, KEY)).intact
    _cut_tail(log, 15)
    assert verify(log).intact  # the chain alone cannot see it
    report = verify(log, anchors=(file, KEY))
    assert report.broken is not None
    assert (report.broken.reason, report.broken.chain, report.broken.seq) == (
        "anchor_truncated", "interactions", 20)


def test_a_rewritten_anchored_link_is_caught(log: Engine, tmp_path: Path) -> None:
    file = tmp_path / "anchors.jsonl"
    anchors.take(log, anchors.AnchorConfig(KEY, file=file))
    sql(log, "UPDATE interactions SET hash = :h WHERE seq = 20", h="f" * 64)
    sql(log, "UPDATE audit_chain_heads SET hash = :h WHERE name = 'interactions'", h="f" * 64)
    report = verify(log, anchors=(file, KEY))
    assert report.broken is not None and report.broken.reason in ("altered", "anchor_mismatch")


def test_an_edited_anchor_is_refused(log: Engine, tmp_path: Path) -> None:
    file = tmp_path / "anchors.jsonl"
    anchors.take(log, anchors.AnchorConfig(KEY, file=file))
    _cut_tail(log, 15)
    anchor = json.loads(file.read_text())
    anchor["chains"]["interactions"] = {"seq": 15, "hash": "0" * 64}  # hide the cut
    file.write_text(json.dumps(anchor) + "\n")
    report = verify(log, anchors=(file, KEY))
    assert report.broken is not None and report.broken.reason == "anchor_forged"


def test_the_cli_anchors_and_verifies(log: Engine, tmp_path: Path) -> None:
    file = tmp_path / "anchors.jsonl"
    env = {**os.environ, "GATEWAY_DATABASE_URL": log.url.render_as_string(hide_password=False),
           "GATEWAY_SECRET_KEY": SECRET, "GATEWAY_AUDIT_ANCHOR_FILE": str(file)}
    written = json.loads(run_cli("audit", "anchor", "--json", env=env).stdout)
    assert written["chains"]["interactions"]["seq"] == 20
    assert file.stat().st_mode & 0o077 == 0  # owner-only
    assert json.loads(run_cli("audit", "verify", "--json", env=env).stdout)["intact"]
    _cut_tail(log, 12)
    failed = run_cli("audit", "verify", "--json", env=env, check=False)
    assert failed.returncode == 1
    assert json.loads(failed.stdout)["broken"]["reason"] == "anchor_truncated"
    # The anchor is signed with a key derived from the secret: another key refuses it.
    other = {**env, "GATEWAY_AUDIT_ANCHOR_KEY": "t" * 40}
    refused = run_cli("audit", "verify", "--json", env=other, check=False)
    assert json.loads(refused.stdout)["broken"]["reason"] == "anchor_forged"


def test_purged_anchored_links_are_not_required(log: Engine, tmp_path: Path) -> None:
    from datetime import timedelta

    from gateway.audit.retention import purge
    from tests.audit._helpers import T0

    file = tmp_path / "anchors.jsonl"
    anchors.take(log, anchors.AnchorConfig(KEY, file=file))
    add_records(log, [row(i, T0 + timedelta(days=500)) for i in range(200, 203)])
    purge(log, content_days=30, metadata_days=100)  # today: the 20 anchored records go
    with log.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM interactions")).scalar() == 3
    assert verify(log, anchors=(file, KEY)).intact

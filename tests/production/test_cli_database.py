"""A command that cannot use its database says so in one line, never with a traceback:
IT's first `gateway logs export` on a machine where the gateway never started printed a
SQLAlchemy stack trace (« no such table: interactions »)."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support import REPO
from tests.support.processes import run_cli


def _env(**settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env["GATEWAY_POLICIES_DIR"] = str(REPO / "policies")
    env.update(settings)
    return env


def test_reading_a_log_that_was_never_created_says_what_to_run(tmp_path: Path) -> None:
    result = run_cli("logs", "export", env=_env(), cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "no such table" in result.stderr and "gateway db upgrade" in result.stderr
    assert result.stdout == ""


def test_a_database_that_does_not_answer_is_named_without_its_password(tmp_path: Path) -> None:
    url = "postgresql+psycopg://gateway:s3cret-pw@127.0.0.1:9/gateway"
    result = run_cli("keys", "list", env=_env(GATEWAY_DATABASE_URL=url), cwd=tmp_path,
                     check=False)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("database error: OperationalError")
    assert "s3cret-pw" not in result.stderr

"""The command line behaves like one: light start, quiet libraries, pipes, JSON errors.

Start-up speed is asserted by what a command imports, not by a timing (the machine is
shared): ``python -X importtime`` lists every module a process loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, insert

from gateway.audit.models import Interaction
from gateway.db import migrate
from tests.admin._helpers import row
from tests.conftest import Databases, Gateway, gateway_env
from tests.support import REPO
from tests.support.processes import GATEWAY

# What only `serve` and `redact` need: the NLP stack and the web stack.
HEAVY = ("spacy", "presidio_analyzer", "fastapi", "uvicorn", "aiohttp", "jinja2")


def imported(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """Top-level packages a ``gateway ARGS`` process imported (it must succeed)."""
    result = subprocess.run([sys.executable, "-X", "importtime", *GATEWAY[1:], *args],
                            env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    return names


def test_help_and_version_import_no_library_of_the_server() -> None:
    for args in (("--help",), ("--version",)):
        loaded = imported(*args)
        assert not loaded & {*HEAVY, "sqlalchemy", "pydantic"}, (args, loaded)
    for args in (("keys", "--help"), ("audit", "verify", "--help"), ("logs", "export", "-h")):
        loaded = imported(*args)
        assert not loaded & set(HEAVY), (args, loaded & set(HEAVY))


def test_commands_without_redaction_do_not_load_it(gw: Gateway) -> None:
    for args in (("keys", "list"), ("policy", "check"), ("review", "list"),
                 ("audit", "verify", "--json")):
        loaded = imported(*args, env=gw.env)
        assert not loaded & set(HEAVY), (args, loaded & set(HEAVY))


def test_redact_prints_no_library_chatter() -> None:
    result = subprocess.run([*GATEWAY, "redact", "Rappelle Jean Dupont demain."], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "<PERSON_1>" in result.stdout
    assert result.stderr == ""


def test_a_closed_pipe_ends_the_export_quietly(databases: Databases) -> None:
    """``gateway logs export --format csv | head -3``: no traceback when ``head`` leaves."""
    url = databases.new("pipe")
    migrate.upgrade(url)
    engine = create_engine(url)
    start = datetime(2001, 1, 1, tzinfo=UTC)
    # Far more than a pipe buffers (64 KiB), so the export is still writing when head exits.
    template = row(prompt="[" + '"x",' * 300 + '"x"]', response="y" * 1000)
    with engine.begin() as connection:
        connection.execute(insert(Interaction), [
            {**template, "id": str(uuid.uuid4()), "created_at": start + timedelta(seconds=i)}
            for i in range(400)
        ])
    engine.dispose()
    env = gateway_env(url, REPO / "models.example.yaml")
    for fmt in ("csv", "jsonl"):
        shell = subprocess.run(
            ["bash", "-c", f"set -o pipefail; {sys.executable} -m gateway.cli.main logs export "
                           f"--format {fmt} | head -3; echo \"exit=${{PIPESTATUS[0]}}\" >&2"],
            env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
        assert len(shell.stdout.splitlines()) == 3
        assert "Traceback" not in shell.stderr and "BrokenPipe" not in shell.stderr
        assert shell.stderr.strip().endswith("exit=141"), shell.stderr


def test_errors_are_json_with_json_and_in_one_language(gw: Gateway) -> None:
    missing = gw.cli("keys", "revoke", "key_nope", "--json", check=False)
    assert missing.returncode == 1
    assert json.loads(missing.stdout)["error"]["message"] == "no key with id key_nope"
    unknown = gw.cli("review", "approve", str(uuid.uuid4()), "--comment", "ok", check=False)
    assert unknown.returncode != 0
    # The review service's messages are French: so is the whole line.
    assert unknown.stderr.startswith("erreur : "), unknown.stderr
    as_json = gw.cli("review", "approve", str(uuid.uuid4()), "--comment", "ok", "--json",
                     check=False)
    assert json.loads(as_json.stdout)["error"]["message"]


def test_a_gateway_without_the_scan_never_loads_the_nlp_stack(
    databases: Databases, tmp_path: Path,
) -> None:
    """``GATEWAY_REDACTION_ENABLED=false``: started and serving without presidio or spaCy."""
    code = ("import sys; from fastapi.testclient import TestClient; "
            "from gateway.app import create_app\n"
            "with TestClient(create_app()) as client: assert client.get('/readyz').is_success\n"
            "print(sorted({'spacy', 'presidio_analyzer'} & sys.modules.keys()))")
    url = databases.new("noscan")
    migrate.upgrade(url)
    models = tmp_path / "models.yaml"
    models.write_text("models:\n  - name: echo\n    provider: echo\n")
    env = {**gateway_env(url, models), "GATEWAY_REDACTION_ENABLED": "false"}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"

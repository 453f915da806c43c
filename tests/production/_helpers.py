"""A gateway of its own for the production tests: catalogue, policies, settings, keys."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.audit.models import PENDING, Interaction
from gateway.audit.reading.records import to_record
from gateway.auth.keys import create_key
from tests.conftest import SECRET, UPSTREAM_KEY_ENV
from tests.support import processes
from tests.support.processes import free_port as free_port  # re-exported for these tests

CURL = {"User-Agent": "curl/8.5.0"}
POLICY = """
description: production tests
defaults: {action: allow}
rules:
  - id: secours-interdit
    match: {models: [backup-denied]}
    action: deny
"""


def catalogue(fake_url: str) -> dict[str, Any]:
    base = f"{fake_url}/v1"

    def model(name: str, upstream: str, **extra: Any) -> dict[str, Any]:
        return {"name": name, "provider": "openai_compatible", "upstream_model": upstream,
                "base_url": base, "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu", **extra}

    return {"models": [
        model("ok", "fake-model"),
        model("drip", "fake-drip-40"),
        model("flaky-2", "fake-flaky-2"),
        model("flaky-3", "fake-flaky-3"),
        model("flaky-1-stream", "fake-flaky-1-stream"),
        model("error-500", "fake-error-500"),
        model("error-429", "fake-error-429"),
        model("error-400", "fake-error-400"),
        model("slow", "fake-slow-2"),
        model("cut", "fake-cut"),
        model("closed-port", "fake-model", base_url="http://127.0.0.1:9/v1"),
        model("primary", "fake-error-500", fallbacks=["backup-denied", "backup"]),
        model("primary-denied-only", "fake-error-500", fallbacks=["backup-denied"]),
        model("backup", "fake-backup", hosting="on_prem"),
        model("backup-denied", "fake-denied"),
    ]}


def write_config(tmp: Path, fake_url: str) -> tuple[Path, Path]:
    models = tmp / "models.yaml"
    models.write_text(yaml.safe_dump(catalogue(fake_url)))
    policies = tmp / "policies"
    policies.mkdir(exist_ok=True)
    (policies / "tests.yaml").write_text(POLICY)
    return models, policies


def new_key(engine: Engine, user: str = "prod@exemple.fr") -> str:
    with Session(engine) as session, session.begin():
        _, token = create_key(session, SECRET.encode(), user=user, department="ventes",
                              role="employee")
    return token


def record(engine: Engine, interaction_id: str, timeout: float = 5.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        with Session(engine) as session:
            row = session.scalars(select(Interaction).where(Interaction.id == interaction_id)).first()
            if row is not None and row.state != PENDING:
                return to_record(row)
        if time.monotonic() > deadline:
            raise AssertionError(f"no completed record {interaction_id}")
        time.sleep(0.02)


def records(engine: Engine) -> list[Any]:
    with Session(engine) as session:
        return list(session.scalars(select(Interaction)))


def serve(env: dict[str, str], port: int | None = None, stderr: Any = subprocess.DEVNULL
          ) -> tuple[subprocess.Popen[Any], str]:
    """``gateway serve`` as a subprocess, without detection (these tests are about the
    process); returns once /healthz answers."""
    return processes.serve(env, port=port, redaction=False, stderr=stderr)



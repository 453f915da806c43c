"""The bundled policies start with any valid catalogue, and say so when a route has no target.

A company writes its own ``models.yaml``: the bundled policies must not depend on model
names (the HR route describes its target by hosting). Each catalogue here is served for
real, on loopback, with the bundled policy folder.
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.db.engine import build_engine
from gateway.settings import Settings
from tests.conftest import REPO, SECRET, Databases, gateway_env
from tests.fakes.server import ServerThread
from tests.support.processes import run_cli

ONE_OPENAI_MODEL = "models:\n  - {name: gpt-4o, provider: openai, hosting: us}\n"


def catalogue(choice: str, tmp_path: Path) -> Path | None:
    if choice == "embedded":
        return None
    if choice == "example":
        return REPO / "models.example.yaml"
    path = tmp_path / "models.yaml"
    path.write_text(ONE_OPENAI_MODEL)
    return path


@pytest.mark.parametrize("choice", ["embedded", "example", "one-openai"])
def test_the_bundled_policies_start_with_the_catalogue(
    choice: str, databases: Databases, tmp_path: Path
) -> None:
    url = databases.new(f"catalogue_{choice.replace('-', '_')}")
    migrate.upgrade(url)
    models = catalogue(choice, tmp_path)
    settings = Settings(database_url=url, secret_key=SECRET, models_file=models,
                        policies_dir=REPO / "policies", redaction_enabled=False)
    engine = build_engine(settings)
    with Session(engine) as session, session.begin():
        _, key = create_key(session, SECRET.encode(), user="rh@exemple.fr", department="rh",
                            role="employee")
    engine.dispose()
    with ServerThread(create_app(settings)) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/readyz").status_code == 200
        if choice != "one-openai":
            return
        # HR may not use a US model, and this catalogue has nothing else: refused, clearly,
        # before anything is sent (gpt-4o would need the internet and a key).
        response = http.post(
            "/v1/chat/completions",
            headers={"Authorization": f"Bearer {key}", "User-Agent": "curl/8.5.0"},
            json={"model": "gpt-4o", "messages": [{"role": "user", "content": "Fiche de poste"}]})
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == "policy_violation"
        assert "rh-modeles-ue-uniquement" in error["message"]
        assert "aucun modèle de ce type n'est disponible" in error["message"]


def test_policy_check_warns_about_a_route_without_target(
    databases: Databases, tmp_path: Path
) -> None:
    env = gateway_env(databases.new("check_warns"), catalogue("one-openai", tmp_path))  # type: ignore[arg-type]
    checked = run_cli("policy", "check", "--json", env=env)
    report = json.loads(checked.stdout)
    assert report["valid"] is True
    [warning] = report["warnings"]
    assert "20-services.yaml" in warning and "rh-modeles-ue-uniquement" in warning
    human = run_cli("policy", "check", env=env)
    assert human.stdout.startswith("attention : ")


@pytest.mark.parametrize("choice", ["embedded", "example"])
def test_the_bundled_cases_pass_on_the_catalogue(
    choice: str, databases: Databases, tmp_path: Path
) -> None:
    env = gateway_env(databases.new(f"cases_{choice}"), REPO / "models.example.yaml")
    if choice == "embedded":
        del env["GATEWAY_MODELS_FILE"]
    result = run_cli("policy", "test", str(REPO / "policies" / "cases.yaml"), "--json", env=env)
    assert json.loads(result.stdout)["failed"] == 0

"""Deployment files: the compose file and the example catalogue stay usable."""

from __future__ import annotations

from pathlib import Path

import yaml

from gateway.catalogue import load_catalogue
from tests.conftest import REPO


def test_compose_runs_two_replicas_behind_a_proxy_with_postgresql_and_redis() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    gateway = services["gateway"]
    env = gateway["environment"]
    assert env["GATEWAY_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in env["GATEWAY_DATABASE_URL"]
    assert env["GATEWAY_REDIS_URL"].startswith("redis://redis:")
    assert "GATEWAY_SECRET_KEY" in env and "GATEWAY_MODELS_FILE" in env
    assert gateway["deploy"]["replicas"] == 2
    assert gateway["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert gateway["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "gateway serve" in gateway["command"]
    assert "gateway db upgrade" in services["migrate"]["command"]
    proxy = services["proxy"]
    assert proxy["ports"] == ["8080:8080"] and "ports" not in gateway
    nginx = (REPO / "deploy" / "nginx.conf").read_text()
    assert "server gateway:8080" in nginx and "proxy_buffering off" in nginx


def test_example_catalogue_is_valid() -> None:
    catalogue = load_catalogue(REPO / "models.example.yaml")
    assert {"mistral-small", "echo"} <= set(catalogue.names())


def test_documents_named_in_the_code_exist() -> None:
    """A module or a document that cites a Markdown file cites one the repository has."""
    import re

    def ignored(path: Path) -> bool:  # virtualenvs (.gitignore's `.venv*/`): not ours
        return any(part.startswith(".venv") for part in path.parts)

    cited: dict[str, str] = {}
    for folder in ("gateway", "tests", "docs", "policies", "bench", "migrations"):
        for path in (REPO / folder).rglob("*"):
            if path.suffix in (".py", ".md", ".yaml", ".html") and not ignored(path):
                for name in re.findall(r"[\w./-]+\.md\b", path.read_text(encoding="utf-8")):
                    cited.setdefault(name, str(path.relative_to(REPO)))
    documents = {p.name for p in REPO.rglob("*.md") if not ignored(p)}
    missing = {name: where for name, where in cited.items()
               if name.rsplit("/", 1)[-1] not in documents}
    assert not missing, missing

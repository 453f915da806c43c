"""Deployment files: the compose file and the example catalogue stay usable."""

from __future__ import annotations

import yaml

from gateway.catalogue import load_catalogue
from tests.conftest import REPO


def test_compose_wires_the_gateway_to_postgresql() -> None:
    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    gateway = compose["services"]["gateway"]
    env = gateway["environment"]
    assert env["GATEWAY_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert "@postgres:5432/" in env["GATEWAY_DATABASE_URL"]
    assert "GATEWAY_SECRET_KEY" in env and "GATEWAY_MODELS_FILE" in env
    assert gateway["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert "gateway serve" in gateway["command"]
    assert "postgres" in compose["services"]


def test_example_catalogue_is_valid() -> None:
    catalogue = load_catalogue(REPO / "models.example.yaml")
    assert {"mistral-small", "echo"} <= set(catalogue.names())

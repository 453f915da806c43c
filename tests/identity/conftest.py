"""A gateway with company sign-in, SCIM and self-service keys, and the OpenID provider it
trusts, both on loopback (one of each per backend under test)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine

from gateway.app import create_app
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import (
    CONTENT_KEY,
    SECRET,
    UPSTREAM_KEY,
    UPSTREAM_KEY_ENV,
    Databases,
    Gateway,
    catalogue_for,
    gateway_env,
)
from tests.fakes.oidc_provider import CLIENT_ID, CLIENT_SECRET, Account, OidcProvider
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.server import ServerThread
from tests.support import REPO

SCIM_TOKEN = "scim-test-token-" + "t" * 32
MAPPING = {
    "roles": {"admin": ["GW-Admins"], "reviewer": ["Conformité"], "auditor": ["Audit"]},
    "departments": {"compta": ["Finance"], "ventes": ["Sales", "Ventes"]},
    "department_claim": "department",
    "default_department": "general",
}


@pytest.fixture(scope="session")
def oidc_provider() -> Iterator[OidcProvider]:
    provider = OidcProvider()
    with ServerThread(provider.app) as server:
        provider.issuer = server.url
        provider.add("alice", Account("alice.martin@exemple.fr", "Alice Martin", ["Sales"]))
        provider.add("bob", Account("bob.durand@exemple.fr", "Bob Durand",
                                    ["Finance", "GW-Admins"]))
        provider.add("carla", Account("carla.petit@exemple.fr", "Carla Petit", ["Sales"]))
        provider.add("dora", Account("dora.roux@exemple.fr", "Dora Roux", ["Ventes"]))
        provider.add("erwan", Account("erwan.guen@exemple.fr", "Erwan Guen", [],
                                      department="Logistique"))
        yield provider


@pytest.fixture(scope="session")
def sso_gateway(
    databases: Databases, oidc_provider: OidcProvider,
    _fake_openai_server: FakeOpenAIProvider, tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    tmp = tmp_path_factory.mktemp("sso")
    models_file = tmp / "models.yaml"
    models_file.write_text(yaml.safe_dump(catalogue_for(_fake_openai_server.url)))
    mapping_file = tmp / "identity.yaml"
    mapping_file.write_text(yaml.safe_dump(MAPPING, allow_unicode=True))
    url = databases.new("sso")
    migrate.upgrade(url)
    os.environ[UPSTREAM_KEY_ENV] = UPSTREAM_KEY
    settings = Settings(
        database_url=url, secret_key=SECRET, content_key=CONTENT_KEY, models_file=models_file,
        policies_dir=REPO / "policies", key_cache_ttl_seconds=0.3,
        oidc_issuer=oidc_provider.issuer, oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET, oidc_provider_name="Test IdP",
        identity_mapping_file=Path(mapping_file), console_key_login="admin",
        personal_keys_max=3, personal_key_max_days=90, scim_token=SCIM_TOKEN,
    )
    engine = create_engine(settings.sqlalchemy_url)
    app = create_app(settings)
    with ServerThread(app) as server:
        oidc_provider.register_redirect(server.url + "/admin/auth/callback")
        live = Gateway(server.url, settings, engine, gateway_env(url, models_file),
                       _fake_openai_server, app=app)
        live.scope = "sso"
        try:
            yield live
        finally:
            live.close_clients()
    engine.dispose()


@pytest.fixture
def sso(sso_gateway: Gateway, oidc_provider: OidcProvider) -> Iterator[Gateway]:
    oidc_provider.mischief = None
    try:
        yield sso_gateway
    finally:
        oidc_provider.mischief = None
        sso_gateway.close_clients()

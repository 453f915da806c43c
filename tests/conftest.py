"""Shared fixtures: databases (SQLite always, PostgreSQL when given), fakes, a live gateway.

Set ``GATEWAY_TEST_DATABASE_URL`` (e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/test``)
and every database-backed test runs on PostgreSQL as well as on SQLite, in the same run.
Each run works in a database of its own, created and dropped here.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from anthropic import Anthropic
from openai import OpenAI
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.audit.models import PENDING, Interaction
from gateway.audit.reading.records import to_record
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.settings import Settings
from tests.fakes.anthropic_provider import FakeAnthropicProvider
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.scripted import ScriptedProvider
from tests.fakes.server import ServerThread
from tests.support import REPO
from tests.support.processes import run_cli

pytest_plugins = ["tests.fakes.fixtures"]

PG_URL = os.environ.get("GATEWAY_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
SECRET = "test-secret-" + "x" * 40
# Seals raw content for log_content: full-encrypted (32 bytes, hex).
CONTENT_KEY = "c0" * 32
UPSTREAM_KEY_ENV = "GATEWAY_TEST_UPSTREAM_KEY"
UPSTREAM_KEY = "sk-org-licensed-key"


# Where the gateway processes the tests start keep their compiled bytecode (see below).
_PYCACHE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """Compiled bytecode for the gateway processes the tests start, in a directory of the run.

    With ``PYTHONDONTWRITEBYTECODE`` set (CI's machine sets it), every ``gateway serve`` or
    CLI command the tests start compiled SQLAlchemy, FastAPI, pydantic and spaCy from source
    again: 1 s of CPU for ``gateway keys list``, 3 to 4 s for a ``serve``, hundreds of times
    a run on 2 cores. Here the first process compiles into a temporary directory
    (``PYTHONPYCACHEPREFIX``), the others read it; the checkout and the venv stay free of
    ``__pycache__``, as the variable asked. The xdist workers inherit it from the controller.
    """
    if (os.environ.get("PYTHONDONTWRITEBYTECODE") and not os.environ.get("PYTHONPYCACHEPREFIX")
            and "PYTEST_XDIST_WORKER" not in os.environ):
        cache = Path(tempfile.mkdtemp(prefix="gateway-tests-pycache-"))
        config.stash[_PYCACHE] = cache
        os.environ["PYTHONPYCACHEPREFIX"] = str(cache)
        del os.environ["PYTHONDONTWRITEBYTECODE"]


def pytest_unconfigure(config: pytest.Config) -> None:
    cache = config.stash.get(_PYCACHE, None)
    if cache is not None:
        shutil.rmtree(cache, ignore_errors=True)


class Databases:
    """Creates throwaway databases on the backend under test."""

    def __init__(self, backend: str, tmp: Path) -> None:
        self.backend = backend
        self.tmp = tmp
        self._created: list[str] = []

    def new(self, label: str) -> str:
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp / (label + '.db')}"
        assert PG_URL
        name = f"gw_{label}_{secrets.token_hex(4)}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self._created.append(name)
        url = make_url(PG_URL).set(database=name)
        return url.render_as_string(hide_password=False)

    def drop_all(self) -> None:
        if not self._created:
            return
        admin = create_engine(PG_URL or "", isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self._created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    dbs = Databases(request.param, tmp_path_factory.mktemp(request.param))
    yield dbs
    dbs.drop_all()


def catalogue_for(fake_url: str, anthropic_url: str | None = None) -> dict[str, Any]:
    base = f"{fake_url}/v1"

    def model(name: str, **extra: Any) -> dict[str, Any]:
        return {
            "name": name, "provider": "openai_compatible", "upstream_model": name,
            "base_url": base, "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu",
            "price_per_mtok": {"input": 2.0, "output": 6.0}, **extra,
        }

    return {"models": [
        model("gpt-test", upstream_model="fake-model"),
        model("fake-tools"), model("fake-slow"), model("fake-slow-0.2"), model("fake-cut"),
        model("fake-drip"), model("fake-drip-8"), model("fake-error-500"),
        model("fake-error-429"), model("fake-error-400"), model("fake-error-401"),
        model("fake-gzip"), model("fake-invent"), model("fake-stream-error"),
        model("fake-unfinished"),
        model("embed-test", upstream_model="fake-embedding", kind="embedding"),
        {"name": "azure-test", "provider": "azure", "upstream_model": "my-deployment",
         "base_url": fake_url, "api_key_env": UPSTREAM_KEY_ENV, "api_version": "2024-10-21",
         "hosting": "eu"},
        {"name": "mistral-test", "provider": "mistral", "upstream_model": "fake-model",
         "base_url": base, "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu"},
        model("gpt-us", upstream_model="fake-model", hosting="us"),
        model("local-llm", upstream_model="fake-model", hosting="on_prem"),
        # The bundled policies route HR requests here.
        {"name": "mistral-small", "provider": "mistral", "upstream_model": "fake-model",
         "base_url": base, "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu"},
        {"name": "ollama-test", "provider": "ollama", "upstream_model": "fake-model",
         "base_url": base, "hosting": "on_prem"},
        {"name": "echo", "provider": "echo", "hosting": "on_prem"},
        # OpenAI itself: /v1/responses passes through (the others get it translated).
        *({"name": name, "provider": "openai", "upstream_model": upstream, "base_url": base,
           "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu"}
          for name, upstream in (("openai-test", "fake-model"), ("openai-tools", "fake-tools"),
                                 ("openai-bytes", "fake-bytes"), ("openai-cut", "fake-cut"),
                                 ("openai-invent", "fake-invent"))),
        # A code model whose server fills the middle itself: /v1/completions passes through.
        model("coder-native", upstream_model="fake-model", native_apis=["completions"]),
        model("coder-invent", upstream_model="fake-invent", native_apis=["completions"]),
        *(anthropic_models(anthropic_url) if anthropic_url else []),
    ]}


def anthropic_models(anthropic_url: str) -> list[dict[str, Any]]:
    """Entries served by the fake Anthropic provider: ``claude-X`` reaches ``fake-X``."""

    def model(name: str, upstream: str) -> dict[str, Any]:
        return {
            "name": name, "provider": "anthropic", "upstream_model": upstream,
            "base_url": anthropic_url, "api_key_env": UPSTREAM_KEY_ENV, "hosting": "eu",
            "price_per_mtok": {"input": 3.0, "output": 15.0},
        }

    return [
        model("claude-test", "fake-model"), model("claude-tools", "fake-tools"),
        model("claude-drip", "fake-drip"), model("claude-cut", "fake-cut"),
        model("claude-error-400", "fake-error-400"), model("claude-error-500", "fake-error-500"),
        model("claude-error-529", "fake-error-529"),
    ]


@dataclass
class Gateway:
    """A gateway served on loopback, with helpers to issue keys and read records."""

    url: str
    settings: Settings
    engine: Engine
    env: dict[str, str]
    fake: FakeOpenAIProvider
    keys: dict[str, str] = field(default_factory=dict)
    fake_anthropic: FakeAnthropicProvider | None = None
    app: Any = None
    # SDK clients handed out by ``openai()``/``anthropic()``, closed by ``close_clients()``
    # (the ``gw`` fixture's teardown): each holds an httpx pool with a keep-alive socket.
    clients: list[OpenAI | Anthropic] = field(default_factory=list, repr=False)

    def key(self, role: str = "employee", *, user: str | None = None,
            department: str = "ventes", tool: str | None = None,
            tags: tuple[str, ...] = ()) -> str:
        """A fresh key (cached per role/user for speed)."""
        user = user or f"{role}.{self.scope}@exemple.fr"
        cache_key = f"{role}/{user}/{department}/{tool}/{tags}"
        if cache_key not in self.keys:
            with Session(self.engine) as session, session.begin():
                _, token = create_key(
                    session, SECRET.encode(), user=user,
                    department=department, role=role, tool=tool, tags=list(tags),
                )
            self.keys[cache_key] = token
        return self.keys[cache_key]

    def openai(self, role: str = "employee", *, api_key: str | None = None,
               user: str | None = None, department: str = "ventes", tool: str | None = None,
               tags: tuple[str, ...] = (), **options: Any) -> OpenAI:
        """An openai SDK client on ``/v1``, with ``api_key`` or a key from ``key(...)``;
        ``options`` go to the client (``max_retries`` is 0 unless given). Closed at teardown."""
        key = api_key if api_key is not None else self.key(
            role, user=user, department=department, tool=tool, tags=tags)
        options.setdefault("max_retries", 0)
        client = OpenAI(base_url=self.url + "/v1", api_key=key, **options)
        self.clients.append(client)
        return client

    def anthropic(self, role: str = "employee", *, api_key: str | None = None,
                  user: str | None = None, department: str = "ventes", tool: str | None = None,
                  tags: tuple[str, ...] = (), **options: Any) -> Anthropic:
        """An anthropic SDK client on the gateway, as ``openai()``. Closed at teardown."""
        key = api_key if api_key is not None else self.key(
            role, user=user, department=department, tool=tool, tags=tags)
        options.setdefault("max_retries", 0)
        client = Anthropic(base_url=self.url, api_key=key, **options)
        self.clients.append(client)
        return client

    def close_clients(self) -> None:
        """Close the SDK clients handed out so far (their connection pools and sockets)."""
        while self.clients:
            self.clients.pop().close()

    def record(self, interaction_id: str, *, complete: bool = True, chained: bool = False,
               timeout: float = 5.0) -> dict[str, Any]:
        """The record of an interaction, waiting for its completion to be committed
        (and, with ``chained``, for its link in the integrity chain: within 0.25 s)."""
        deadline = time.monotonic() + timeout
        while True:
            with Session(self.engine) as session:
                row = session.scalars(
                    select(Interaction).where(Interaction.id == interaction_id)
                ).first()
                if row is not None and (not complete or row.state != PENDING) and (
                    not chained or row.hash is not None
                ):
                    return to_record(row)
            if time.monotonic() > deadline:
                raise AssertionError(f"no completed record {interaction_id} (row={row})")
            time.sleep(0.02)

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, env=self.env, check=check)


def gateway_env(database_url: str, models_file: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env.update({
        "GATEWAY_DATABASE_URL": database_url,
        "GATEWAY_SECRET_KEY": SECRET,
        "GATEWAY_CONTENT_KEY": CONTENT_KEY,
        "GATEWAY_MODELS_FILE": str(models_file),
        "GATEWAY_POLICIES_DIR": str(REPO / "policies"),
        UPSTREAM_KEY_ENV: UPSTREAM_KEY,
    })
    return env


@pytest.fixture(scope="session")
def gateway(
    databases: Databases, _fake_openai_server: FakeOpenAIProvider,
    _fake_anthropic_server: FakeAnthropicProvider, tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Gateway]:
    tmp = tmp_path_factory.mktemp("gateway")
    models_file = tmp / "models.yaml"
    models_file.write_text(yaml.safe_dump(
        catalogue_for(_fake_openai_server.url, _fake_anthropic_server.url)))
    url = databases.new("gateway")
    migrate.upgrade(url)
    os.environ[UPSTREAM_KEY_ENV] = UPSTREAM_KEY
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        content_key=CONTENT_KEY,
        models_file=models_file,
        policies_dir=REPO / "policies",
        upstream_read_timeout=1.0,
        key_cache_ttl_seconds=0.3,
        max_body_bytes=64 * 1024,
    )
    engine = create_engine(settings.sqlalchemy_url)
    app = create_app(settings)
    with ServerThread(app) as server:
        live = Gateway(server.url, settings, engine, gateway_env(url, models_file),
                       _fake_openai_server, fake_anthropic=_fake_anthropic_server, app=app)
        try:
            yield live
        finally:
            live.close_clients()
    engine.dispose()


@pytest.fixture
def gw(gateway: Gateway, fake_openai: FakeOpenAIProvider,
       request: pytest.FixtureRequest) -> Iterator[Gateway]:
    """The live gateway, with the fake provider's records reset for this test; the SDK
    clients the test got from ``gw.openai()``/``gw.anthropic()`` are closed after it."""
    gateway.scope = hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]
    try:
        yield gateway
    finally:
        gateway.close_clients()


@pytest.fixture
def http(gw: Gateway) -> Iterator[httpx.Client]:
    # Raw HTTP tests stand for curl, a tool the bundled policies authorise.
    with httpx.Client(base_url=gw.url, timeout=30, headers={"User-Agent": "curl/8.5.0"}) as client:
        yield client


@pytest.fixture(scope="module")
def scripted() -> Iterator[ScriptedProvider]:
    """A provider whose answers each test writes (tests/fakes/scripted.py), one per module."""
    with ScriptedProvider() as fake:
        yield fake


@pytest.fixture(scope="module")
def masking(databases: Databases, scripted: ScriptedProvider,
            tmp_path_factory: pytest.TempPathFactory,
            request: pytest.FixtureRequest) -> Iterator[Gateway]:
    """A gateway of the module's own, in front of ``scripted``, whose policies mask NIRs and
    card numbers in answers where the bundled ones block them; its database is named after
    the module."""
    # Imported here: tests.core._answers imports this module.
    from tests.core._answers import masking_gateway

    label = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    with masking_gateway(databases, scripted, tmp_path_factory, label,
                         redaction_enabled=True) as gw:
        yield gw

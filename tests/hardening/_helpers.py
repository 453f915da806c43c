"""A gateway of its own, on the backend under test, for settings the shared one lacks."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
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
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.scripted import ScriptedProvider
from tests.fakes.server import ServerThread
from tests.support import REPO

_SENDERS = itertools.count()
CURL = {"User-Agent": "curl/8.5.0"}


@contextmanager
def own_gateway(
    databases: Databases, fake: FakeOpenAIProvider, tmp: Path, label: str,
    *, url: str | None = None, server_options: dict[str, Any] | None = None,
    anthropic_url: str | None = None, **settings: Any,
) -> Iterator[Gateway]:
    """A gateway on a fresh database (or ``url``), served on loopback, with ``settings``
    over the test defaults (no personal-data scan unless asked: these tests are about the
    log and the process)."""
    models_file = tmp / f"{label}-models.yaml"
    models_file.write_text(yaml.safe_dump(catalogue_for(fake.url, anthropic_url)))
    url = url or databases.new(label)
    migrate.upgrade(url)
    os.environ[UPSTREAM_KEY_ENV] = UPSTREAM_KEY
    options: dict[str, Any] = {
        "database_url": url, "secret_key": SECRET, "content_key": CONTENT_KEY,
        "models_file": models_file, "policies_dir": REPO / "policies",
        "redaction_enabled": False, "upstream_read_timeout": 2.0,
    }
    options.update(settings)
    config = Settings(**options)
    engine = create_engine(config.sqlalchemy_url)
    app = create_app(config)
    try:
        with ServerThread(app, **(server_options or {})) as server:
            live = Gateway(server.url, config, engine, gateway_env(url, models_file), fake,
                           app=app)
            live.scope = label
            try:
                yield live
            finally:
                live.close_clients()
    finally:
        engine.dispose()


def client(gw: Gateway, key: str, **options: Any) -> httpx.Client:
    headers = {"Authorization": f"Bearer {key}", **CURL}
    return httpx.Client(base_url=gw.url, timeout=options.pop("timeout", 30), headers=headers,
                        **options)


def chat(model: str = "gpt-test", content: Any = "bonjour", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}], **extra}


UNREADABLE_REFUSED = """
description: Pièces jointes illisibles refusées
rules:
  - id: pieces-jointes-illisibles
    match: {attachments: [unreadable]}
    action: deny
    message: Pièce jointe illisible refusée (règle « {rule_id} »).
"""


@contextmanager
def refusing_unreadable(databases: Databases, fake: FakeOpenAIProvider, tmp: Path, label: str,
                        **settings: Any) -> Iterator[Gateway]:
    """A gateway with the scan on whose policies (the bundled base and one rule) refuse
    what it cannot read: ``attachments: [unreadable]`` denied."""
    policies = tmp / "policies"
    policies.mkdir()
    (policies / "00-socle.yaml").write_text(
        (REPO / "policies" / "00-socle.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (policies / "50-pieces.yaml").write_text(UNREADABLE_REFUSED, encoding="utf-8")
    with own_gateway(databases, fake, tmp, label, policies_dir=policies,
                     redaction_enabled=True, **settings) as gw:
        yield gw


def post_fresh(gw: Gateway, http: httpx.Client, path: str, body: dict[str, Any], *,
               key: str | None = None, sender: str | None = None) -> httpx.Response:
    """``body`` to ``path``, the fake providers' records emptied first (what they hold
    after is what this request sent). The key is ``key``, or with ``sender`` a new
    employee's (« sender.N@exemple.fr »: the bundled budget allows 30 requests a minute
    to each, which a module of attacks would exceed), or else the gateway's test key."""
    gw.fake.reset()
    if gw.fake_anthropic is not None:
        gw.fake_anthropic.reset()
    if key is None:
        key = gw.key(user=f"{sender}.{next(_SENDERS)}@exemple.fr") if sender else gw.key()
    return http.post(path, json=body, headers={"Authorization": f"Bearer {key}"})


def scripted_answer(gw: Gateway, scripted: ScriptedProvider, content: str, pieces: int,
                    user: str) -> str:
    """What the employee ``user`` reads when the scripted provider answers ``content`` in
    ``pieces`` stream chunks (1: a whole answer, not streamed), through the openai SDK."""
    scripted.reset()
    scripted.chat = {"content": content}
    scripted.pieces = pieces
    sdk = gw.openai(user=user)
    asked = [{"role": "user", "content": "Le tableau ?"}]
    if pieces == 1:
        reply = sdk.chat.completions.create(model="gpt-test", messages=asked)
        return reply.choices[0].message.content or ""
    chunks = sdk.chat.completions.create(model="gpt-test", messages=asked, stream=True)
    return "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)

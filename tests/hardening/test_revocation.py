"""A key revoked anywhere stops working in every running process within a second.

The gateway under test caches key lookups for an hour: only the revocation notice can make
it refuse the key before then.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from gateway.auth.revocation import announce
from tests.conftest import Databases
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import chat, client, own_gateway
from tests.support.processes import wait_until


@pytest.fixture
def cached_gw(databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path):
    with own_gateway(databases, fake_openai, tmp_path, "revocation",
                     key_cache_ttl_seconds=3600, revocation_poll_seconds=0.2) as gw:
        yield gw


def _status(gw, key: str) -> int:
    with client(gw, key) as http:
        return http.post("/v1/chat/completions", json=chat()).status_code


def test_a_key_revoked_by_the_cli_is_refused_by_a_running_gateway(cached_gw) -> None:
    key = cached_gw.key("employee", user="partant@exemple.fr")
    assert _status(cached_gw, key) == 200  # now cached for an hour
    listed = json.loads(cached_gw.cli("keys", "list", "--json").stdout)
    [key_id] = [k["id"] for k in listed if k["user"] == "partant@exemple.fr"]
    cached_gw.cli("keys", "revoke", key_id)
    assert wait_until(lambda: _status(cached_gw, key) == 401, timeout=10)


def test_every_key_of_a_deprovisioned_person_is_dropped(cached_gw) -> None:
    first = cached_gw.key("employee", user="depart@exemple.fr", department="rh")
    second = cached_gw.key("employee", user="depart@exemple.fr", department="ventes")
    other = cached_gw.key("employee", user="reste@exemple.fr")
    assert {_status(cached_gw, k) for k in (first, second, other)} == {200}
    # What deprovisioning does: revoke the person's keys, announce it for the person.
    with Session(cached_gw.engine) as session, session.begin():
        session.execute(text(
            "UPDATE api_keys SET revoked_at = CURRENT_TIMESTAMP "
            "WHERE user_email = 'depart@exemple.fr'"))
        announce(session.connection(), user="depart@exemple.fr", reason="person.deprovisioned")
    assert wait_until(lambda: _status(cached_gw, first) == 401 == _status(cached_gw, second),
                      timeout=10)
    assert _status(cached_gw, other) == 200

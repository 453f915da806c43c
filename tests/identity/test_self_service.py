"""Self-service keys in « Mon activité »: created by a signed-in person, used with the openai
SDK, limited as IT says, revoked by their owner; a personal key cannot open the admin API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import openai
import pytest

from tests.conftest import Gateway
from tests.console._helpers import csrf_in
from tests.identity._helpers import company_sign_in, events, person

SECRET_IN_PAGE = re.compile(r'<code id="new-secret" class="secret-value">(gw-[^<]+)</code>')


@contextmanager
def signed_in(gw: Gateway, login: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=gw.url, timeout=30, follow_redirects=False) as client:
        assert company_sign_in(client, login).status_code == 303
        yield client


def create_key(client: httpx.Client, **fields: str) -> httpx.Response:
    form = csrf_in(client.get("/admin/me").text)
    return client.post("/admin/me/keys", data={"csrf_token": form, **fields})


def test_a_personal_key_works_with_the_sdk_until_its_owner_revokes_it(sso: Gateway) -> None:
    with signed_in(sso, "carla") as client:
        created = create_key(client, name="Script compta", tool="", days="30")
        assert created.status_code == 201, created.text
        token = SECRET_IN_PAGE.search(created.text).group(1)  # type: ignore[union-attr]
        assert "Script compta" in created.text
        # Shown once: the page does not show it again.
        assert token not in client.get("/admin/me").text

        sdk = sso.openai(api_key=token)
        answer = sdk.chat.completions.with_raw_response.create(
            model="gpt-test", messages=[{"role": "user", "content": "Bonjour"}])
        record = sso.record(answer.headers["x-gateway-interaction-id"])
        carla = person(sso, "carla.petit@exemple.fr")
        assert carla is not None
        assert (record["user"], record["department"], record["role"]) == (
            "carla.petit@exemple.fr", "ventes", "employee")

        # Personal keys are for tools: the admin API wants a key IT issued.
        assert httpx.get(sso.url + "/admin/api/keys", headers={
            "Authorization": f"Bearer {token}"}).status_code == 403

        key_id = re.search(r'id="key-(key_[0-9a-f]+)"', created.text).group(1)  # type: ignore[union-attr]
        csrf = csrf_in(client.get("/admin/me").text)
        revoked = client.post(f"/admin/me/keys/{key_id}/revoke", data={"csrf_token": csrf})
        assert revoked.status_code == 303
        with pytest.raises(openai.AuthenticationError):
            sdk.models.list()
    created_events = [e for e in events(sso, "key.created", carla.id) if e.key_id == key_id]
    assert created_events and created_events[0].detail["kind"] == "personal"
    assert "carla" not in str(created_events[0].detail)
    revoked_events = [e for e in events(sso, "key.revoked", carla.id) if e.key_id == key_id]
    assert revoked_events and revoked_events[0].detail["by"] == "owner"


def test_it_rules_expiry_and_the_number_of_keys(sso: Gateway) -> None:
    with signed_in(sso, "alice") as client:
        never = create_key(client, name="Sans fin", days="")
        assert never.status_code == 400 and "au plus 90 jours" in never.text
        too_long = create_key(client, name="Trop long", days="365")
        assert too_long.status_code == 400
        made = 0
        for n in range(4):
            answer = create_key(client, name=f"Outil {n}", days="90")
            if answer.status_code == 201:
                made += 1
            else:
                assert answer.status_code == 400 and "maximum" in answer.text
        alice = person(sso, "alice.martin@exemple.fr")
        assert alice is not None
        assert made <= 3


def test_a_person_cannot_revoke_someone_elses_key(sso: Gateway) -> None:
    with signed_in(sso, "carla") as carla:
        answer = create_key(carla, name="A moi", days="30")
        key_id = re.search(r'id="key-(key_[0-9a-f]+)"', answer.text).group(1)  # type: ignore[union-attr]
    with signed_in(sso, "bob") as bob:
        csrf = csrf_in(bob.get("/admin/me").text)
        assert bob.post(f"/admin/me/keys/{key_id}/revoke",
                        data={"csrf_token": csrf}).status_code == 404

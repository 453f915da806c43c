"""Company sign-in against a real OpenID provider on loopback (httpx as the browser).

Sign-in creates the person with the role and department their groups give, later sign-ins
refresh them, and every sign-in is a chained event without the e-mail in it. A tampered ID
token, a wrong nonce, an expired token, another audience and a replayed code are refused.
"""

from __future__ import annotations

import httpx
import pytest
from pydantic import ValidationError

from gateway.audit.verify import verify
from gateway.settings import Settings
from tests.conftest import Gateway
from tests.console._helpers import csrf_in
from tests.fakes.oidc_provider import OidcProvider
from tests.identity._helpers import (
    company_sign_in,
    events,
    person,
    provider_login,
    start_sign_in,
)


def browser(gw: Gateway) -> httpx.Client:
    return httpx.Client(base_url=gw.url, timeout=30, follow_redirects=False)


def test_first_sign_in_creates_the_person_from_their_groups(sso: Gateway) -> None:
    with browser(sso) as client:
        landing = company_sign_in(client, "alice")
        assert landing.status_code == 303 and landing.headers["location"] == "/admin"
        assert client.get("/admin").headers["location"] == "/admin/me"
        page = client.get("/admin/me")
        assert page.status_code == 200
        assert "alice.martin@exemple.fr" in page.text
    alice = person(sso, "alice.martin@exemple.fr")
    assert alice is not None
    assert (alice.role, alice.department, alice.source) == ("employee", "ventes", "oidc")
    assert alice.oidc_subject == "sub-alice" and alice.display_name == "Alice Martin"
    signed_in = events(sso, "person.signed_in", alice.id)
    assert signed_in and signed_in[-1].detail == {"person": alice.id, "method": "oidc"}
    # Nothing of the e-mail in the chain's events about her, and the chain verifies.
    assert all("alice" not in str(e.detail) for e in events(sso, "person.created", alice.id))
    assert verify(sso.engine).intact


def test_admin_group_gives_the_admin_pages_and_a_later_sign_in_demotes(
    sso: Gateway, oidc_provider: OidcProvider
) -> None:
    with browser(sso) as client:
        company_sign_in(client, "bob")
        assert client.get("/admin").headers["location"] == "/admin/dashboard"
        assert client.get("/admin/keys").status_code == 200
    bob = person(sso, "bob.durand@exemple.fr")
    assert bob is not None and (bob.role, bob.department) == ("admin", "compta")

    oidc_provider.accounts["bob"].groups = ["Finance"]  # IT removed him from GW-Admins
    try:
        with browser(sso) as client:
            company_sign_in(client, "bob")
            assert client.get("/admin/keys").status_code == 403
    finally:
        oidc_provider.accounts["bob"].groups = ["Finance", "GW-Admins"]
    updated = events(sso, "person.updated", bob.id)
    assert updated[-1].detail["role"] == ["admin", "employee"]
    assert updated[-1].detail["by"] == "oidc"


@pytest.mark.parametrize("mischief", ["tamper", "nonce", "expired", "audience"])
def test_a_wrong_id_token_is_refused(
    sso: Gateway, oidc_provider: OidcProvider, mischief: str
) -> None:
    oidc_provider.mischief = mischief
    with browser(sso) as client:
        answer = company_sign_in(client, "carla")
        assert answer.status_code == 401, (mischief, answer.text)
        assert "reçue est invalide" in answer.text
        # No session: the console still asks to sign in.
        assert client.get("/admin/me").headers["location"] == "/admin/login"
    refused = person(sso, "carla.petit@exemple.fr")
    assert refused is None or refused.role == "employee"  # a tampered admin claim never took


def test_a_replayed_code_is_refused(sso: Gateway, oidc_provider: OidcProvider) -> None:
    with browser(sso) as client:
        authorize = start_sign_in(client)
        pending_cookie = client.cookies.get("gw_oidc")
        callback = provider_login(authorize, "alice")
        assert client.get(callback).status_code == 303
        # The browser's pending sign-in is gone: the same callback is an unknown state.
        again = client.get(callback)
        assert again.status_code == 400 and "déjà servi" in again.text
    # An attacker holding the old pending cookie too: the provider refuses the used code.
    with browser(sso) as attacker:
        attacker.cookies.set("gw_oidc", pending_cookie, path="/admin/auth")
        replay = attacker.get(callback)
        assert replay.status_code == 401 and "déjà utilisé" in replay.text
        assert attacker.get("/admin/me").headers["location"] == "/admin/login"


def test_a_callback_without_the_browsers_pending_sign_in_is_refused(sso: Gateway) -> None:
    with browser(sso) as victim:
        callback = provider_login(start_sign_in(victim), "alice")
    # Login CSRF: another browser handed the victim's callback gets nothing.
    with browser(sso) as other:
        answer = other.get(callback)
        assert answer.status_code == 400
        assert other.get("/admin/me").headers["location"] == "/admin/login"


def test_key_sign_in_is_break_glass_only(sso: Gateway) -> None:
    with browser(sso) as client:
        form = client.get("/admin/login")
        assert "Se connecter avec Test IdP" in form.text
        assert "Accès de secours" in form.text
        refused = client.post("/admin/login", data={
            "csrf_token": csrf_in(form.text), "key": sso.key("employee", user="emp@exemple.fr")})
        assert refused.status_code == 403 and "secours des administrateurs" in refused.text
        admin = client.post("/admin/login", data={
            "csrf_token": csrf_in(form.text),
            "key": sso.key("admin", user="secours@exemple.fr", department="it")})
        assert admin.status_code == 303
        assert client.get("/admin/dashboard").status_code == 200


def test_an_http_issuer_is_accepted_on_loopback_only() -> None:
    assert Settings(oidc_issuer="http://127.0.0.1:9000/realms/x").oidc_issuer
    with pytest.raises(ValidationError, match="https"):
        Settings(oidc_issuer="http://idp.exemple.fr/realms/x")

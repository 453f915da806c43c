"""Company sign-in in headless Chromium (Debian's, driven by Playwright), against the
OpenID provider on loopback: sign in, the role the groups give, a personal key created in
« Mon activité » then used with the openai SDK, the people page, sign-out.

Screenshots go to pytest's temporary directory (``GATEWAY_UPDATE_SCREENSHOTS=1``: to
``docs/screenshots/``), as in the other browser tests. The gateway and its provider are tests/identity's.
"""

from __future__ import annotations

from typing import Any

import openai
import pytest

from tests.conftest import Gateway
from tests.console._browser import Shot
from tests.identity.conftest import (  # noqa: F401 (the gateway with company sign-in)
    oidc_provider,
    sso,
    sso_gateway,
)


def company_sign_in(page: Any, gw: Gateway, account: str) -> None:
    page.goto(gw.url + "/admin/login")
    page.get_by_role("link", name="Se connecter avec Test IdP").click()
    page.get_by_label("Compte").select_option(account)
    page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/admin/**")


def test_an_employee_signs_in_creates_a_key_uses_it_and_signs_out(
    sso: Gateway, tab: Any, shot: Shot  # noqa: F811 (the fixture)
) -> None:
    tab.goto(sso.url + "/admin/login")
    shot(tab, "sso-login.png")
    company_sign_in(tab, sso, "erwan")
    assert tab.url.endswith("/admin/me")
    nav = tab.get_by_role("navigation", name="Navigation principale")
    assert nav.get_by_role("link").all_inner_texts() == ["Mon activité"]
    assert "erwan.guen@exemple.fr" in tab.locator("header").inner_text()

    tab.get_by_label("Nom de la clé").fill("VS Code, portable")
    tab.get_by_label("Expiration").select_option("30")
    tab.get_by_role("button", name="Créer la clé").click()
    tab.locator("#new-secret").wait_for()
    secret = tab.locator("#new-secret").inner_text()
    assert secret.startswith("gw-")
    assert "VS Code, portable" in tab.locator("#my-keys").inner_text()
    shot(tab, "my-keys.png")

    answer = sso.openai(api_key=secret).chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "Bonjour"}])
    assert answer.choices[0].message.content

    tab.get_by_role("button", name="Se déconnecter").click()
    tab.wait_for_url("**/admin/login?bye=1")
    assert tab.goto(sso.url + "/admin/me").url.endswith("/admin/login")
    # Signing out of the console does not revoke the key: it is the tool's, not the session's.
    assert sso.openai(api_key=secret).models.list().data


def test_an_admin_from_the_directory_sees_people_and_disables_one(
    sso: Gateway, tab: Any, shot: Shot  # noqa: F811 (the fixture)
) -> None:
    company_sign_in(tab, sso, "dora")
    tab.get_by_label("Nom de la clé").fill("Script")
    tab.get_by_role("button", name="Créer la clé").click()
    dora_key = tab.locator("#new-secret").inner_text()
    tab.context.clear_cookies()

    company_sign_in(tab, sso, "bob")
    assert tab.url.endswith("/admin/dashboard")
    tab.goto(sso.url + "/admin/people")
    row = tab.locator("#people tr", has_text="dora.roux@exemple.fr")
    assert "connexion d'entreprise" in row.inner_text()
    assert "connexion" in tab.locator("#events").inner_text()
    shot(tab, "people.png")
    row.get_by_role("button", name="Désactiver").click()
    tab.wait_for_load_state()
    assert "dora.roux@exemple.fr est désactivé·e" in tab.locator("main").inner_text()
    with pytest.raises(openai.AuthenticationError):
        sso.openai(api_key=dora_key).models.list()
    # Back again, for the other tests: her old key stays revoked.
    tab.locator("#people tr", has_text="dora.roux@exemple.fr").get_by_role(
        "button", name="Réactiver").click()
    tab.wait_for_load_state()
    with pytest.raises(openai.AuthenticationError):
        sso.openai(api_key=dora_key).models.list()

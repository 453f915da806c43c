"""The keys page in the browser: tags shown in the list, set at creation, and checked."""

from __future__ import annotations

from typing import Any

import openai
import pytest

from tests.conftest import Gateway
from tests.console._browser import sign_in

PAYMENT = [{"type": "function", "function": {"name": "send_payment", "parameters": {}}}]


def _row(tab: Any, user: str) -> Any:
    return tab.locator("table.list tbody tr", has_text=user)


def test_admin_tags_a_key_at_creation_and_sees_its_tags(gw: Gateway, tab: Any) -> None:
    sign_in(tab, gw, gw.key("admin", user=f"admin.{gw.scope}@exemple.fr", department="it"))
    tab.goto(gw.url + "/admin/keys")
    # The page says which tags the bundled policies act on.
    assert "stagiaire" in tab.locator("#k-tags-hint").inner_text()
    assert tab.get_by_role("columnheader", name="Étiquettes").is_visible()

    intern = f"stagiaire.{gw.scope}@exemple.fr"
    tab.get_by_label("Utilisateur (e-mail)").fill(intern)
    tab.get_by_label("Service").fill("ventes")
    tab.get_by_label("Étiquettes (facultatif, séparées par des virgules)").fill(
        "stagiaire, projet-x stagiaire")
    tab.get_by_role("button", name="Créer").click()
    tab.wait_for_load_state()
    secret = tab.locator("#new-secret").inner_text()
    assert secret.startswith("gw-")
    assert _row(tab, intern).locator(".tag").all_inner_texts() == ["stagiaire", "projet-x"]
    # The tag is the one the policies read: the intern rule refuses a payment tool.
    with pytest.raises(openai.PermissionDeniedError) as refused:
        gw.openai(api_key=secret).chat.completions.create(
            model="gpt-test", tools=PAYMENT, messages=[{"role": "user", "content": "Paie"}])
    assert "stagiaires-sans-outils-sensibles" in refused.value.body["message"]

    # A key without tags says so; a malformed tag is refused with the reason, form kept.
    tab.goto(gw.url + "/admin/keys")
    assert _row(tab, f"admin.{gw.scope}@exemple.fr").locator("td.tags").inner_text() == "—"
    other = f"autre.{gw.scope}@exemple.fr"
    tab.get_by_label("Utilisateur (e-mail)").fill(other)
    tab.get_by_label("Service").fill("ventes")
    tab.get_by_label("Étiquettes (facultatif, séparées par des virgules)").fill("stagiaire; rm")
    with tab.expect_response(lambda r: r.url.endswith("/admin/keys")) as answer:
        tab.get_by_role("button", name="Créer").click()
    assert answer.value.status == 400
    alert = tab.get_by_role("alert").inner_text()
    assert "l'étiquette « stagiaire; » n'est pas valable" in alert
    assert tab.get_by_label("Utilisateur (e-mail)").input_value() == other
    assert _row(tab, other).count() == 0

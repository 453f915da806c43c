"""« Mon activité » in the browser: each request's status and outcome in words, what happens
to a held request, and the link between an approved request and the retry that went through."""

from __future__ import annotations

import re
from typing import Any

from tests.conftest import Gateway
from tests.console._browser import Shot, sign_in
from tests.core.test_hold_review_flow import ask, decide

# A recorded code as scripts read it (« approval_required: », « policy_violation: »).
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+:")


def _row(tab: Any, interaction_id: str) -> Any:
    return tab.locator(f"#req-{interaction_id}")


def test_a_held_request_says_what_happens_next_and_links_to_its_retry(
    gw: Gateway, tab: Any, shot: Shot
) -> None:
    user = f"claire.{gw.scope}@exemple.fr"
    key = gw.key(user=user, department="direction")
    status, held_id, _ = ask(gw, key)
    assert status == 403
    sign_in(tab, gw, key)
    assert tab.url.endswith("/admin/me")
    held = _row(tab, held_id)
    assert held.get_attribute("data-outcome") == "held"
    text = held.locator("td.outcome").inner_text()
    assert "Rien n'a été envoyé pour l'instant : la demande attend une validation." in text
    # Who decides, how the employee learns it, what to do then.
    assert "Un·e valideur·se de l'entreprise va l'examiner" in text
    assert "sa décision et son commentaire s'afficheront ici, dans « Mon activité »" in text
    assert "renvoyez exactement la même requête" in text and "dans les 24 heures" in text
    assert "Motif : " in text and "(règle « documents-confidentiels »)" in text  # no code
    assert "Identifiant de la demande" not in text  # the API's own tail: the page says it
    assert not RAW_CODE.search(tab.locator("main").inner_text())

    held.get_by_role("link", name="Détail").click()
    tab.wait_for_load_state()
    assert tab.locator("#request-id").inner_text() == held_id
    answer = tab.locator("#no-response").inner_text()
    assert answer == "Rien n'a été envoyé pour l'instant : la demande attend une validation."
    assert "purgé" not in tab.locator("main").inner_text()

    assert decide(gw, held_id, "approve", comment="Vu avec le DAF").status_code == 200
    tab.goto(gw.url + "/admin/me")
    held = _row(tab, held_id)
    assert held.get_attribute("data-outcome") == "approved"
    text = held.locator("td.outcome").inner_text()
    assert re.search(r"Approuvée par reviewer\.\w+@exemple\.fr le [\d-]+ [\d:]+ : "
                     r"« Vu avec le DAF »", text), text
    assert "Rien n'a encore été envoyé : renvoyez exactement la même requête avant le" in text
    assert not RAW_CODE.search(tab.locator("main").inner_text())

    status, retry_id, _ = ask(gw, key)
    assert status == 200
    gw.record(retry_id)
    tab.goto(gw.url + "/admin/me")
    held = _row(tab, held_id)
    assert held.get_attribute("data-outcome") == "used"
    assert "Renvoyée et transmise le" in held.inner_text()
    retry = _row(tab, retry_id)
    assert retry.get_attribute("data-outcome") == "retry"
    assert "Transmise après validation de la demande du" in retry.inner_text()
    assert not RAW_CODE.search(tab.locator("main").inner_text())
    # Each links to the other's page.
    held.get_by_role("link", name="voir la requête transmise").click()
    tab.wait_for_url(f"**/admin/me/requests/{retry_id}")
    assert "reçu: CONFIDENTIEL" in tab.locator("main pre").last.inner_text()
    tab.get_by_role("link", name="voir la demande validée").click()
    tab.wait_for_url(f"**/admin/me/requests/{held_id}")
    assert "Rien n'a été envoyé au modèle pour cette demande." in tab.locator(
        "#no-response").inner_text()

    # Held again (an approval is used once), then rejected: the reason, nothing sent.
    status, again_id, _ = ask(gw, key)
    assert status == 403
    assert decide(gw, again_id, "reject", comment="Pas pour ce document").status_code == 200
    tab.goto(gw.url + "/admin/me")
    again = _row(tab, again_id).locator("td.outcome").inner_text()
    assert "Rejetée par" in again and "« Pas pour ce document »" in again
    assert "Rien n'a été envoyé." in again
    shot(tab, "my-activity.png")  # held, approved and sent again, rejected: every outcome

    tab.goto(gw.url + "/admin/me?lang=en")
    assert "Nothing was sent." in _row(tab, again_id).inner_text()
    assert "Sent after approval of the request of" in _row(tab, retry_id).inner_text()


def test_the_log_links_an_approved_request_and_its_retry(gw: Gateway, tab: Any) -> None:
    key = gw.key(user=f"denis.{gw.scope}@exemple.fr")
    _, held_id, _ = ask(gw, key)
    assert decide(gw, held_id, "approve").status_code == 200
    status, retry_id, _ = ask(gw, key)
    assert status == 200
    gw.record(retry_id)
    sign_in(tab, gw, gw.key("auditor", department="it"))
    tab.goto(f"{gw.url}/admin/interactions/{held_id}")
    assert "Rien n'a été envoyé au modèle" in tab.locator("#no-response").inner_text()
    tab.locator("#related").get_by_role("link").click()
    tab.wait_for_url(f"**/admin/interactions/{retry_id}")
    assert tab.locator("#related").inner_text().startswith(held_id)
    # Someone else's request is not to be read through « Mon activité ».
    assert tab.goto(f"{gw.url}/admin/me/requests/{held_id}").status == 404

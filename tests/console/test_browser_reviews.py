"""The review queue in the browser: a compact list, one decision form opened at a time."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.admin._helpers import insert_rows, row
from tests.conftest import Gateway
from tests.console._browser import sign_in
from tests.core.test_hold_review_flow import ask

BLOCKED = 30


def test_the_all_view_lists_requests_compactly_with_forms_on_demand(
    gw: Gateway, tab: Any
) -> None:
    # Many blocked requests and one held: the case that made « Toutes » a very long page.
    now = datetime.now(UTC)
    blocked_ids = insert_rows(gw.engine, [
        row(id=str(uuid.uuid4()), created_at=now - timedelta(seconds=i), decision="blocked",
            user_email=f"u{i}.{gw.scope}@exemple.fr", status_code=403,
            rule_ids=["donnees-sensibles"], error="policy_violation: Refusé.")
        for i in range(BLOCKED)
    ])
    employee = gw.key(user=f"claire.{gw.scope}@exemple.fr")
    status, held_id, _ = ask(gw, employee)
    assert status == 403
    sign_in(tab, gw, gw.key("reviewer", department="conformite"))
    tab.get_by_role("link", name="Toutes").click()
    tab.wait_for_url("**/admin/reviews?status=all")
    items = tab.locator(".queue > li")
    assert items.count() >= 2
    # No form shows until asked for; each request stays a line or two.
    assert tab.locator("textarea:visible").count() == 0
    for item_id in (held_id, blocked_ids[0]):
        box = tab.locator(f"#item-{item_id}").bounding_box()
        assert box is not None and box["height"] < 90, box
    held, blocked = tab.locator(f"#item-{held_id}"), tab.locator(f"#item-{blocked_ids[0]}")
    blocked.get_by_text("Décider…").click()
    assert tab.locator("textarea:visible").count() == 1
    assert blocked.get_by_role("button", name="Confirmer le blocage").is_visible()
    held.get_by_text("Décider…").click()  # opening another closes the first
    assert tab.locator("textarea:visible").count() == 1
    assert held.get_by_label("Commentaire (obligatoire)").is_visible()
    assert not blocked.get_by_label("Commentaire (obligatoire)").is_visible()

    # The comment is still mandatory: the browser will not send the form without it…
    comment = held.get_by_label("Commentaire (obligatoire)")
    held.get_by_role("button", name="Approuver").click()
    assert comment.evaluate("e => e.validity.valueMissing")
    assert tab.url.endswith("/admin/reviews?status=all")
    # …and with it, the decision is made and the reviewer is back on the same tab.
    comment.fill("Vu avec le DAF")
    held.get_by_role("button", name="Approuver").click()
    tab.wait_for_url("**/admin/reviews?status=all&done=approved")
    assert "Décision enregistrée : approuvée" in tab.get_by_role("status").inner_text()
    verdict = tab.locator(f"#item-{held_id} .verdict").inner_text()
    assert verdict.startswith("approuvée") and "Vu avec le DAF" in verdict

    # The retry the approval let through is « approved » too: it says whose approval it used.
    status, retry_id, _ = ask(gw, employee)
    assert status == 200
    gw.record(retry_id)
    tab.reload()
    retry = tab.locator(f"#item-{retry_id}")
    assert "Renvoi transmis grâce à l'approbation de la demande d'origine" in retry.inner_text()
    retry.get_by_role("link", name="la demande d'origine").click()
    tab.wait_for_url(f"**/admin/reviews/{held_id}")

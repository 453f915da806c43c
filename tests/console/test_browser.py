"""The console in headless Chromium (the Debian package, driven by Playwright for Python).

Sign in as a reviewer and approve a held request, then see the employee's retry pass; be
refused the admin pages as an employee; see the dashboard's SVG charts. The browser and the
screenshots (``GATEWAY_UPDATE_SCREENSHOTS=1`` refreshes ``docs/screenshots/``) are set up
in ``conftest.py``.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.admin._helpers import insert_rows, row
from tests.conftest import Gateway
from tests.console._browser import Shot, sign_in
from tests.core.test_hold_review_flow import ask


def test_reviewer_approves_and_the_employee_retry_passes(gw: Gateway, tab: Any, shot: Shot) -> None:
    employee = gw.key(user=f"claire.{gw.scope}@exemple.fr", department="direction")
    status, held_id, _ = ask(gw, employee)
    assert status == 403

    sign_in(tab, gw, gw.key("reviewer", user="valerie.revue@exemple.fr", department="conformite"))
    assert tab.url.endswith("/admin/reviews")
    item = tab.locator(f"#item-{held_id}")
    assert item.is_visible()
    shot(tab, "review-queue.png")

    item.get_by_text("Décider…").click()
    item.get_by_label("Commentaire (obligatoire)").fill("Vu avec le DAF : synthèse autorisée.")
    item.get_by_role("button", name="Approuver").click()
    tab.wait_for_load_state()
    assert "Décision enregistrée : approuvée" in tab.locator("main").inner_text()
    assert tab.locator(f"#item-{held_id}").count() == 0  # no longer held

    status, retry_id, _ = ask(gw, employee)
    assert status == 200
    assert gw.record(retry_id)["decision"] == "approved"

    tab.goto(f"{gw.url}/admin/reviews/{held_id}")
    assert "Vu avec le DAF" in tab.locator("main").inner_text()
    shot(tab, "review-detail.png")


def test_employee_is_refused_the_admin_pages(gw: Gateway, tab: Any) -> None:
    user = f"employe.{gw.scope}@exemple.fr"
    ask(gw, gw.key(user=user))  # a held request, to have a reason to show
    sign_in(tab, gw, gw.key(user=user))
    assert tab.url.endswith("/admin/me")
    nav = tab.get_by_role("navigation", name="Navigation principale")
    assert nav.get_by_role("link").all_inner_texts() == ["Mon activité"]
    assert "CONFIDENTIEL" in tab.locator("main").inner_text()
    for path in ("/admin/dashboard", "/admin/interactions", "/admin/reviews", "/admin/keys"):
        response = tab.goto(gw.url + path)
        assert response.status == 403
        assert "Accès refusé" in tab.locator("h1").inner_text()
    # The roles in words, never the codes of the key table (« admin », « employee »).
    message = tab.get_by_role("alert").inner_text()
    assert "réservée aux rôles « administrateur·rice »" in message
    assert "Votre clé a le rôle « salarié·e »" in message
    tab.goto(gw.url + "/admin/interactions?lang=en")
    message = tab.get_by_role("alert").inner_text()
    assert "for the roles “auditor” or “administrator”" in message
    assert "Your key has the role “employee”" in message
    tab.goto(gw.url + "/admin/me?lang=fr")
    tab.get_by_role("button", name="Se déconnecter").click()
    tab.wait_for_load_state()
    assert tab.url.endswith("/admin/login?bye=1")


def _sample_usage(gw: Gateway) -> None:
    """A few weeks of plausible traffic, so the charts have something to draw."""
    rng = random.Random(6)
    now = datetime.now(UTC)
    departments = {"ventes": 9, "compta": 5, "rh": 3, "direction": 2, "it": 4}
    models = [("mistral-small", 0.004), ("gpt-test", 0.02), ("claude-test", 0.05)]
    rows = []
    for day in range(21):
        for department, people in departments.items():
            for _ in range(rng.randint(people, people * 3)):
                model, price = rng.choice(models)
                decision = rng.choices(["allowed", "redacted", "blocked", "held"], [70, 22, 5, 3])[0]
                findings = {"PERSON": rng.randint(1, 3)} if decision == "redacted" else {}
                if decision == "redacted" and rng.random() < 0.4:
                    findings["EMAIL_ADDRESS"] = 1
                if decision == "redacted" and rng.random() < 0.15:
                    findings["FR_PHONE_NUMBER"] = 1
                rows.append(row(
                    id=str(uuid.uuid4()),
                    created_at=now - timedelta(days=day, minutes=rng.randint(0, 600)),
                    user_email=f"u{rng.randint(1, people)}.{department}@demo.exemple.fr",
                    department=department, model=model, cost=round(price * rng.uniform(0.5, 40), 4),
                    decision=decision, pii_findings=findings,
                ))
    insert_rows(gw.engine, rows)


def test_dashboard_renders_its_charts(gw: Gateway, tab: Any, shot: Shot) -> None:
    _sample_usage(gw)
    sign_in(tab, gw, gw.key("admin", user="admin.demo@exemple.fr", department="it"))
    assert tab.url.endswith("/admin/dashboard")
    charts = tab.locator("main svg.chart")
    assert charts.count() >= 5
    assert tab.locator("main svg.chart rect.bar").count() > 20
    assert tab.locator("main svg.chart line.budget").count() >= 1
    shot(tab, "dashboard.png")

    tab.goto(gw.url + "/admin/interactions")
    tab.get_by_label("Service").fill("rh")
    tab.get_by_role("button", name="Rechercher").click()
    tab.wait_for_url("**department=rh**")
    rows = tab.locator("#results tbody tr")
    assert rows.count() > 0
    assert set(tab.locator("#results tbody tr td:nth-child(3)").all_inner_texts()) == {"rh"}
    shot(tab, "interactions.png")

    tab.goto(gw.url + "/admin/policies")
    assert "documents-confidentiels" in tab.locator("main").inner_text()
    shot(tab, "policies.png")

    tab.goto(gw.url + "/admin/integrity")
    tab.get_by_role("button", name="Lancer la vérification").click()
    tab.locator("#verdict").wait_for()
    shot(tab, "integrity.png")

    tab.goto(gw.url + "/admin/dashboard?lang=en")
    assert tab.locator("h1").inner_text() == "Dashboard"

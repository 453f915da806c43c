"""Every console page and form against the live gateway: content, roles, journal, decisions."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.reading.models import AccessLogEntry
from tests.admin._helpers import insert_rows, row
from tests.conftest import Gateway
from tests.console._helpers import browser, csrf_in, csrf_of, sign_in
from tests.core.test_hold_review_flow import ask

PAGES = ["/admin/dashboard", "/admin/interactions", "/admin/reviews", "/admin/keys",
         "/admin/policies", "/admin/integrity", "/admin/me"]
ALLOWED = {
    "employee": {"/admin/me"},
    "auditor": {"/admin/interactions", "/admin/integrity", "/admin/policies", "/admin/me"},
    "reviewer": {"/admin/reviews", "/admin/policies", "/admin/me"},
    "admin": set(PAGES),
}
ROLE_WORDS = {"employee": "salarié·e", "auditor": "auditeur·rice", "reviewer": "valideur·se",
              "admin": "administrateur·rice"}


@pytest.mark.parametrize("role", sorted(ALLOWED))
def test_each_role_sees_its_pages_only(gw: Gateway, role: str) -> None:
    with sign_in(gw, role) as client:
        for path in PAGES:
            response = client.get(path)
            expected = 200 if path in ALLOWED[role] else 403
            assert response.status_code == expected, (role, path, response.status_code)
            if expected == 403:
                assert "Accès refusé" in response.text
                assert f"Votre clé a le rôle « {ROLE_WORDS[role]} »" in response.text
        nav = client.get("/admin/me").text.split("</nav>")[0]
        for path in PAGES:
            assert (f'href="{path}"' in nav) == (path in ALLOWED[role]), (role, path)


def test_signed_out_visitors_are_sent_to_sign_in(gw: Gateway) -> None:
    with browser(gw) as client:
        for path in [*PAGES, "/admin", "/admin/interactions/x", "/admin/reviews/x"]:
            response = client.get(path)
            assert response.status_code == 303 and response.headers["location"] == "/admin/login"
        assert client.get("/admin/static/htmx.min.js").status_code == 200
        assert client.get("/admin/static/console.css").status_code == 200


def test_dashboard_draws_usage_cost_budget_and_findings(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    insert_rows(gw.engine, [
        row(user_email=f"a.{tag}@exemple.fr", department=f"compta-{tag}", cost=12.5,
            pii_findings={"EMAIL_ADDRESS": 2}),
        row(user_email=f"b.{tag}@exemple.fr", department=f"compta-{tag}", decision="blocked"),
        row(user_email=f"c.{tag}@exemple.fr", department="direction", model=f"m-{tag}", cost=3.0),
    ])
    with sign_in(gw, "admin") as client:
        page = client.get("/admin/dashboard?days=7").text
    assert page.count("<svg") >= 5 and 'role="img"' in page
    assert f"compta-{tag}" in page and "EMAIL_ADDRESS" in page
    # A model outside the catalogue is not a row of the cost per model: it is grouped.
    assert f"m-{tag}" not in page and "Hors catalogue" in page
    assert "budget-mensuel-par-service" in page  # the budget that binds the department
    assert "300.00 €" in page and 'class="budget"' in page
    assert f"a.{tag}@exemple.fr" not in page  # counts per department, never people


def test_interactions_search_detail_and_journal(gw: Gateway) -> None:
    key = gw.key(user=f"marie.{gw.scope}@exemple.fr")
    sdk = gw.openai(api_key=key)
    raw = sdk.chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": f"Bonjour {gw.scope}"}])
    interaction_id = raw.headers["x-gateway-interaction-id"]
    record = gw.record(interaction_id, chained=True)
    auditor_user = f"auditeur.{gw.scope}@exemple.fr"
    with sign_in(gw, "auditor", user=auditor_user) as client:
        found = client.get("/admin/interactions", params={"q": gw.scope, "decision": "", "since": ""})
        assert found.status_code == 200 and interaction_id in found.text
        by_user = client.get("/admin/interactions", params={"user": record["user"]})
        assert interaction_id in by_user.text
        none = client.get("/admin/interactions", params={"q": "absent-" + gw.scope})
        assert "Aucune interaction ne correspond" in none.text
        detail = client.get(f"/admin/interactions/{interaction_id}")
        assert detail.status_code == 200
        assert f"Bonjour {gw.scope}" in detail.text and "enregistrement est vérifiée" in detail.text
        assert record["hash"][:16] in detail.text
        assert client.get("/admin/interactions/nope").status_code == 404
    with Session(gw.engine) as session:
        entries = session.scalars(select(AccessLogEntry).where(
            AccessLogEntry.user_email == auditor_user)).all()
    endpoints = [(e.endpoint, e.record_ids) for e in entries]
    assert ("GET /admin/interactions", [interaction_id]) in endpoints  # the search by user
    assert (f"GET /admin/interactions/{interaction_id}", [interaction_id]) in endpoints
    # Every list is journaled, whatever its filters (issue 16): the text searches too,
    # with what they asked for.
    assert len(entries) == 4
    searched = [e.filters.get("text") for e in entries if e.endpoint == "GET /admin/interactions"]
    assert sorted(filter(None, searched)) == sorted([gw.scope, "absent-" + gw.scope])


def test_reviewer_approves_a_held_request_from_the_queue(gw: Gateway) -> None:
    key = gw.key(user=f"claire.{gw.scope}@exemple.fr")
    status, held_id, _ = ask(gw, key)
    assert status == 403
    with sign_in(gw, "reviewer") as client:
        queue = client.get("/admin/reviews")
        assert held_id in queue.text and "documents-confidentiels" in queue.text
        token = csrf_in(queue.text)
        detail = client.get(f"/admin/reviews/{held_id}")
        assert "CONFIDENTIEL" in detail.text and 'value="approve"' in detail.text
        empty = client.post(f"/admin/reviews/{held_id}/decide",
                            data={"csrf_token": token, "action": "approve", "comment": "  "})
        assert empty.status_code == 400 and "commentaire est obligatoire" in empty.text
        done = client.post(f"/admin/reviews/{held_id}/decide",
                           data={"csrf_token": token, "action": "approve", "comment": "Vu avec le DAF"})
        assert done.status_code == 303 and done.headers["location"] == "/admin/reviews?done=approved"
        assert "Décision enregistrée : approuvée" in client.get(done.headers["location"]).text
        again = client.post(f"/admin/reviews/{held_id}/decide",
                            data={"csrf_token": token, "action": "reject", "comment": "non"})
        assert again.status_code == 409 and "définitive" in again.text
        assert "Vu avec le DAF" in client.get(f"/admin/reviews/{held_id}").text
    assert gw.record(held_id)["decision"] == "approved"
    status, _, _ = ask(gw, key)
    assert status == 200


def test_admin_creates_lists_and_revokes_keys(gw: Gateway) -> None:
    user = f"nouveau.{gw.scope}@exemple.fr"
    with sign_in(gw, "admin") as client:
        token = csrf_of(client, "/admin/keys")
        created = client.post("/admin/keys", data={"csrf_token": token, "user": user,
                                                     "department": "compta", "role": "employee",
                                                     "tool": "continue"})
        assert created.status_code == 201 and "ne sera plus jamais affichée" in created.text
        secret = created.text.split('id="new-secret" class="secret-value">')[1].split("<")[0]
        assert secret.startswith("gw-")
        listing = client.get("/admin/keys").text
        assert user in listing and secret not in listing and "continue" in listing
        models = gw.openai(api_key=secret).models.list()
        assert models.data
        bad = client.post("/admin/keys", data={"csrf_token": token, "user": "", "department": "",
                                               "role": "boss"})
        assert bad.status_code == 400
        key_id = listing.split(user)[0].rsplit('id="key-', 1)[1].split('"')[0]
        revoked = client.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": token})
        assert revoked.status_code == 303
        assert f"Clé {key_id} révoquée" in client.get(revoked.headers["location"]).text
        assert client.post("/admin/keys/key_nope/revoke", data={"csrf_token": token}).status_code == 404


def test_policies_page_reads_rules_in_french_with_shadow_hits(gw: Gateway) -> None:
    insert_rows(gw.engine, [row(rule_ids=["shadow:tres-gros-envois-externes"])])
    with sign_in(gw, "admin") as client:
        page = client.get("/admin/policies").text
        english = client.get("/admin/policies?lang=en").text
    version = gw.app.state.gateway.policy_set.version
    assert version in page and "documents-confidentiels" in page
    assert "Soumettre à la validation d&#39;un responsable" in page
    assert "le texte contient « CONFIDENTIEL » ou « DIFFUSION RESTREINTE »" in page
    assert "hébergé dans l&#39;UE ou hébergé aux États-Unis" in page
    assert "Déclenchements en observation :" in page and "mode observation" in page
    hits = int(page.split("Déclenchements en observation : ")[1].split("<")[0])
    assert hits >= 1
    assert "300 € par mois" in page
    assert "Hold for a reviewer&#39;s approval" in english
    # The trial rule on files the gateway cannot read, in words.
    assert "la requête joint un fichier que la passerelle ne peut pas lire" in page
    assert "the request carries a file the gateway cannot read" in english


def test_integrity_verification_runs_from_the_page(gw: Gateway) -> None:
    with sign_in(gw, "auditor") as client:
        token = csrf_of(client, "/admin/integrity")
        report = client.post("/admin/integrity", data={"csrf_token": token})
    assert report.status_code == 200, report.text
    assert "Journal intact." in report.text and "interactions" in report.text


def test_my_activity_shows_my_requests_and_refusal_reasons(gw: Gateway) -> None:
    user = f"paul.{gw.scope}@exemple.fr"
    status, _, _ = ask(gw, gw.key(user=user))
    assert status == 403
    insert_rows(gw.engine, [row(user_email=f"other.{gw.scope}@exemple.fr",
                                prompt=f'[{{"role":"user","content":"secret {gw.scope}"}}]')])
    with sign_in(gw, "employee", user=user) as client:
        page = client.get("/admin/me").text
        assert client.get("/admin/interactions").status_code == 403
    assert "CONFIDENTIEL" in page and "en attente de validation" in page
    assert "transmise à" in page  # the refusal's recorded message
    assert f"secret {gw.scope}" not in page


def test_key_tags_are_checked_alike_by_the_form_the_api_and_the_cli(gw: Gateway) -> None:
    user = f"tags.{gw.scope}@exemple.fr"
    with sign_in(gw, "admin") as client:
        token = csrf_of(client, "/admin/keys")
        form = client.post("/admin/keys", data={"csrf_token": token, "user": user,
                                                "department": "ventes", "role": "employee",
                                                "tags": "stagiaire,é-t-é"})
        assert form.status_code == 400 and "l&#39;étiquette « é-t-é » n&#39;est pas valable" in form.text
        api = client.post("/admin/api/keys", headers={"Authorization": f"Bearer {gw.key('admin')}"},
                          json={"user": user, "department": "ventes", "tags": ["stagiaire", "a b"]})
        assert api.status_code == 400 and "invalid tag 'a b'" in api.json()["error"]["message"]
    cli = gw.cli("keys", "create", "--user", user, "--department", "ventes", "--tag", "x/y",
                 check=False)
    assert cli.returncode == 2 and "invalid tag 'x/y'" in cli.stderr
    with sign_in(gw, "admin") as client:
        assert user not in client.get("/admin/keys").text  # none of the three made a key

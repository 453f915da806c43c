"""« Mon activité » › « Mes données »: what is kept about me and until when, the rules that
apply to me, who read my records and why; in French and English; my own export; and the
people page's export button (journaled). Through the console over HTTP."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.identity.models import Person
from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway
from tests.console._helpers import sign_in, sign_in_with

OLDEST = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _reads(html: str) -> list[str]:
    return re.findall(r'<tr class="read" data-how="([a-z_]+)">', html)


def test_my_data_page_tells_what_is_kept_rules_and_readers(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    alice, bob = f"alice-{tag}@exemple.fr", f"bob-{tag}@exemple.fr"
    auditor = f"auditeur-{tag}@exemple.fr"
    mine = insert_rows(gw.engine, [row(user_email=alice, created_at=OLDEST),
                                   row(user_email=alice)])
    insert_rows(gw.engine, [row(user_email=bob)])
    with admin_client(gw, "auditor", user=auditor) as reader:
        assert reader.get(f"/admin/api/interactions/{mine[0]}").status_code == 200
    with sign_in(gw, "employee", user=alice, department="rh") as console:
        activity = console.get("/admin/me")
        assert 'href="/admin/me/data"' in activity.text
        page = console.get("/admin/me/data")
        assert page.status_code == 200, page.text
        html = page.text
        english = console.get("/admin/me/data", params={"lang": "en"}).text
        own = console.get("/admin/me/data/export")
    # Until when: the content of my oldest request goes 180 days after it, the record 365.
    assert "2 requête(s) conservée(s)" in html
    content_row = html.split('id="kept-content"')[1].split("</tr>")[0]
    assert "180 jours" in content_row
    assert (OLDEST + timedelta(days=180)).strftime("%Y-%m-%d") in content_row
    metadata_row = html.split('id="kept-metadata"')[1].split("</tr>")[0]
    assert (OLDEST + timedelta(days=365)).strftime("%Y-%m-%d") in metadata_row
    # The rules: HR's rule applies to me (department rh), the management budget does not.
    assert 'id="rule-rh-modeles-ue-uniquement"' in html
    assert 'id="limit-budget-mensuel-direction"' not in html
    # Who read my records: the auditor, by role, never by address. (Other tests sharing this
    # gateway export the whole log, which reads these records too: listed as such.)
    assert "records" in _reads(html) and auditor not in html
    # Where requests go: the US-hosted model is marked as a transfer.
    assert 'data-transfer="yes"' in html and "gpt-us" in html
    assert "What is kept, and until when" in english and "Who read your requests" in english
    # My own export: my records only.
    assert own.status_code == 200 and "attachment" in own.headers["content-disposition"]
    assert sorted(r["id"] for r in own.json()["records"]) == sorted(mine)
    assert bob not in own.text
    with sign_in(gw, "employee", user=bob) as console:
        html = console.get("/admin/me/data").text
    assert "records" not in _reads(html)
    with admin_client(gw, "auditor") as reader:  # a whole-log export reads nobody's absent records
        assert reader.get("/admin/api/interactions/export").status_code == 200
    with sign_in(gw, "employee", user=f"nouvelle-{tag}@exemple.fr") as console:
        html = console.get("/admin/me/data").text  # no record: nobody can have read one
    assert _reads(html) == [] and "Personne n&#39;a consulté vos requêtes." in html
    assert 'id="rule-rh-modeles-ue-uniquement"' not in html


def test_people_page_exports_one_person_journaled(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    carol = f"carol-{tag}@exemple.fr"
    gw.key("employee", user=carol)  # gives carol a person row
    insert_rows(gw.engine, [row(user_email=carol)])
    with Session(gw.engine) as session:
        person_id = session.scalars(select(Person.id).where(Person.email == carol)).one()
    dpo = f"dpo-{tag}@exemple.fr"
    with sign_in(gw, "auditor", user=dpo) as console:
        people = console.get("/admin/people").text
        assert f'action="/admin/people/{person_id}/export"' in people
        response = console.get(f"/admin/people/{person_id}/export",
                               params={"reason": "demande du 3 décembre"})
    assert response.status_code == 200 and response.json()["subject"] == carol
    with admin_client(gw, "auditor") as auditor:
        journal = auditor.get("/admin/api/access-log", params={"user": dpo}).json()["data"]
    (entry,) = [e for e in journal if e["endpoint"].endswith("/export")]
    assert entry["filters"]["user"] == carol and entry["reason"] == "demande du 3 décembre"
    with sign_in(gw, "employee", user=carol) as console:
        denied = console.get(f"/admin/people/{person_id}/export")
        assert denied.status_code == 403
        # Carol sees that her data was exported, and why.
        html = console.get("/admin/me/data").text
    assert "export" in _reads(html) and "demande du 3 décembre" in html


def test_policies_page_shows_retention_per_field(gw: Gateway) -> None:
    with sign_in(gw, "reviewer") as console:
        html = console.get("/admin/policies").text
        english = console.get("/admin/policies", params={"lang": "en"}).text
    rows = {key: html.split(f'id="retention-{key}"')[1].split("</tr>")[0]
            for key in ("raw_content", "content", "metadata", "access_log")}
    assert "90 jours" in rows["raw_content"] and "180 jours" in rows["content"]
    assert "365 jours" in rows["metadata"] and "GATEWAY_RETENTION_ACCESS_LOG_DAYS" in rows[
        "access_log"]
    assert "Log retention" in english and "180 days" in english


def test_rules_on_key_tags_show_for_the_people_whose_keys_carry_them(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    intern, colleague = f"stagiaire-{tag}@exemple.fr", f"collegue-{tag}@exemple.fr"
    with sign_in_with(gw, gw.key("employee", user=intern, tags=("stagiaire",))) as console:
        html = console.get("/admin/me/data").text
    assert 'id="rule-stagiaires-sans-outils-sensibles"' in html
    assert 'id="limit-quota-stagiaires"' in html
    with sign_in(gw, "employee", user=colleague) as console:
        html = console.get("/admin/me/data").text
    assert 'id="rule-stagiaires-sans-outils-sensibles"' not in html
    assert 'id="limit-quota-stagiaires"' not in html

"""Erasure over the admin API: the key proves who asks and who confirms (four eyes)."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway


def test_an_erasure_asked_and_confirmed_by_two_admins_over_the_api(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    victim = f"victime-{tag}@exemple.fr"
    gw.key(user=victim)
    insert_rows(gw.engine, [row(user_email=victim, prompt=f'"dossier Zorglub-{tag}"')
                            for _ in range(2)])
    first, second = f"dpo-{tag}@exemple.fr", f"rssi-{tag}@exemple.fr"
    with admin_client(gw, "admin", user=first) as dpo, \
            admin_client(gw, "admin", user=second) as rssi, \
            admin_client(gw, "auditor") as auditor:
        assert auditor.post("/admin/api/gdpr/erasures",
                            json={"user": victim, "reason": "art. 17"}).status_code == 403
        asked = dpo.post("/admin/api/gdpr/erasures",
                         json={"user": victim, "reason": "Demande art. 17 du 2026-12-01"})
        assert asked.status_code == 201, asked.text
        erasure_id = asked.json()["id"]
        assert asked.json()["status"] == "pending"
        # The same admin cannot confirm their own request, even with another key.
        with admin_client(gw, "admin", user=first.upper()) as same:
            refused = same.post(f"/admin/api/gdpr/erasures/{erasure_id}/confirm")
        assert refused.status_code == 409, refused.text
        assert "Quatre yeux" in refused.json()["error"]["message"]
        done = rssi.post(f"/admin/api/gdpr/erasures/{erasure_id}/confirm")
        assert done.status_code == 200, done.text
        assert done.json()["status"] == "done" and done.json()["confirmed_by"] == second
        assert done.json()["result"]["records"] == 2
    with gw.engine.connect() as connection:
        left = connection.execute(text(
            "SELECT count(*) FROM interactions WHERE user_email = :e OR prompt LIKE :p"),
            {"e": victim, "p": f"%Zorglub-{tag}%"}).scalar()
    assert left == 0


def test_a_legal_hold_set_over_the_api_refuses_the_erasure(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    person = f"salarie-{tag}@exemple.fr"
    gw.key(user=person)  # the person exists (a key was issued to them)
    with admin_client(gw, "admin", user=f"juriste-{tag}@exemple.fr") as lawyer:
        held = lawyer.post("/admin/api/gdpr/holds", json={"user": person})
        assert held.status_code == 200 and held.json()["legal_hold"] is True
        refused = lawyer.post("/admin/api/gdpr/erasures",
                              json={"user": person, "reason": "Demande du salarié"})
        assert refused.status_code == 409
        assert "legal hold" in refused.json()["error"]["message"]
        lifted = lawyer.post("/admin/api/gdpr/holds", json={"user": person, "on": False})
        assert lifted.json()["legal_hold"] is False
        asked = lawyer.post("/admin/api/gdpr/erasures",
                            json={"user": person, "reason": "Demande du salarié"})
        assert asked.status_code == 201, asked.text

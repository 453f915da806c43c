"""The review queue: decisions with a comment, final rejections, one-time approvals."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from gateway.db.base import utcnow
from gateway.review.models import ReviewDecision
from gateway.review.service import consume_approval, request_fingerprint
from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway

MESSAGES = [{"role": "user", "content": "Voici le RIB de M. Dupont"}]
CHAT = "/v1/chat/completions"
REQUEST = {"model": "gpt-test", "messages": MESSAGES}


def _held(gw: Gateway, user: str, decision: str = "held", **values: object) -> str:
    fingerprint = request_fingerprint(CHAT, REQUEST)
    (record_id,) = insert_rows(gw.engine, [row(
        user_email=user, decision=decision, rule_ids=["pii.iban.hold"],
        pii_findings={"IBAN_CODE": 1}, request_fingerprint=fingerprint,
        status_code=403, error="approval_required: en attente", **values)])
    return record_id


def _user() -> str:
    return f"demandeur-{uuid.uuid4().hex[:8]}@exemple.fr"


def test_fingerprint_is_stable_and_canonical() -> None:
    a = request_fingerprint(CHAT, {"model": "m", "messages": [{"role": "user", "content": "é"}]})
    b = request_fingerprint(CHAT, {"messages": [{"content": "é", "role": "user"}], "model": "m"})
    assert a == b and len(a) == 64
    assert a != request_fingerprint(CHAT, {"model": "m2", "messages": [{"role": "user",
                                                                        "content": "é"}]})
    assert a != request_fingerprint("/v1/messages", {"model": "m", "messages": [
        {"role": "user", "content": "é"}]})


def test_approve_then_consume_once(gw: Gateway) -> None:
    user = _user()
    record_id = _held(gw, user)
    with admin_client(gw, "reviewer", user="relecteur@exemple.fr") as client:
        queue = client.get("/admin/api/reviews", params={"status": "held"}).json()["data"]
        assert record_id in [item["id"] for item in queue]
        assert "prompt" not in queue[0]  # the queue lists; opening an item reads it
        opened = client.get(f"/admin/api/reviews/{record_id}").json()
        assert opened["rule_ids"] == ["pii.iban.hold"] and opened["prompt"]
        assert opened["pii_findings"] == {"IBAN_CODE": 1} and opened["review"] is None
        for body in ({}, {"comment": ""}, {"comment": "   "}):
            refused = client.post(f"/admin/api/reviews/{record_id}/approve", json=body)
            assert refused.status_code == 400, body
        approved = client.post(f"/admin/api/reviews/{record_id}/approve",
                               json={"comment": "RIB fournisseur, usage légitime"})
        assert approved.status_code == 200, approved.text
        body = approved.json()
        assert body["decision"] == "approved"
        assert body["review"]["reviewer"] == "relecteur@exemple.fr"
        assert body["review"]["comment"] == "RIB fournisseur, usage légitime"
        again = client.post(f"/admin/api/reviews/{record_id}/reject", json={"comment": "non"})
        assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
        queue = client.get("/admin/api/reviews").json()["data"]
        assert record_id not in [item["id"] for item in queue]
        everything = client.get("/admin/api/reviews", params={"status": "all"}).json()["data"]
        assert record_id in [item["id"] for item in everything]
    assert gw.record(record_id)["decision"] == "approved"

    fingerprint = request_fingerprint(CHAT, REQUEST)
    now = utcnow()
    assert consume_approval(gw.engine, "autre@exemple.fr", fingerprint, now) is None
    assert consume_approval(gw.engine, user, "0" * 64, now) is None
    assert consume_approval(gw.engine, user, fingerprint, now) == record_id
    assert consume_approval(gw.engine, user, fingerprint, now) is None  # once only
    with Session(gw.engine) as session:
        decision = session.scalars(select(ReviewDecision).where(
            ReviewDecision.interaction_id == record_id)).one()
        assert decision.consumed_at is not None and decision.reviewer_key_id


def test_approval_expires(gw: Gateway) -> None:
    user = _user()
    record_id = _held(gw, user)
    with admin_client(gw, "admin") as client:
        assert client.post(f"/admin/api/reviews/{record_id}/approve",
                           json={"comment": "ok"}).status_code == 200
    fingerprint = request_fingerprint(CHAT, REQUEST)
    ttl = gw.settings.approval_ttl_seconds
    later = utcnow() + timedelta(seconds=ttl + 1)
    assert consume_approval(gw.engine, user, fingerprint, later) is None
    # A session-bound call leaves the commit to the caller's transaction.
    with Session(gw.engine) as session:
        assert consume_approval(session, user, fingerprint, utcnow()) == record_id
        session.rollback()
    assert consume_approval(gw.engine, user, fingerprint, utcnow()) == record_id


def test_rejection_is_final_and_blocked_cannot_be_approved(gw: Gateway) -> None:
    held, blocked = _held(gw, _user()), _held(gw, _user(), decision="blocked")
    with admin_client(gw, "reviewer") as client:
        rejected = client.post(f"/admin/api/reviews/{held}/reject",
                               json={"comment": "Données bancaires d'un tiers"})
        assert rejected.status_code == 200 and rejected.json()["decision"] == "rejected"
        for action in ("approve", "reject"):
            retry = client.post(f"/admin/api/reviews/{held}/{action}", json={"comment": "x"})
            assert retry.status_code == 409
        refused = client.post(f"/admin/api/reviews/{blocked}/approve", json={"comment": "x"})
        assert refused.status_code == 409
        assert "politique" in refused.json()["error"]["message"]
        confirmed = client.post(f"/admin/api/reviews/{blocked}/reject",
                                json={"comment": "Blocage confirmé"})
        assert confirmed.status_code == 200 and confirmed.json()["decision"] == "blocked"
        listed = client.get("/admin/api/reviews", params={"status": "blocked"}).json()["data"]
        item = next(i for i in listed if i["id"] == blocked)
        assert item["review"]["action"] == "rejected"
        allowed = insert_rows(gw.engine, [row()])[0]
        assert client.post(f"/admin/api/reviews/{allowed}/reject",
                           json={"comment": "x"}).status_code == 409
        assert client.get(f"/admin/api/reviews/{allowed}").status_code == 404
    fingerprint = request_fingerprint(CHAT, REQUEST)
    with Session(gw.engine) as session:
        user = session.get(Interaction, held)
        assert user is not None
        assert consume_approval(gw.engine, user.user_email, fingerprint, utcnow()) is None


def _race(gw: Gateway, user: str, fingerprint: str) -> list[str | None]:
    """Two threads consuming the same approval at the same instant."""
    barrier = threading.Barrier(2)
    results: list[str | None] = []

    def consume() -> None:
        barrier.wait()
        results.append(consume_approval(gw.engine, user, fingerprint, utcnow()))

    threads = [threading.Thread(target=consume) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_concurrent_consume_has_one_winner(gw: Gateway) -> None:
    fingerprint = request_fingerprint(CHAT, REQUEST)
    with admin_client(gw, "reviewer") as client:
        for _ in range(8):
            user = _user()
            record_id = _held(gw, user)
            assert client.post(f"/admin/api/reviews/{record_id}/approve",
                               json={"comment": "ok"}).status_code == 200
            results = _race(gw, user, fingerprint)
            assert sorted(results, key=str) == sorted([record_id, None], key=str)


def test_review_cli(gw: Gateway) -> None:
    user = _user()
    first, second = _held(gw, user), _held(gw, user)
    listed = json.loads(gw.cli("review", "list", "--status", "held", "--json").stdout)
    assert {first, second} <= {item["id"] for item in listed}
    approved = json.loads(gw.cli("review", "approve", first, "--comment", "vu avec le RSSI",
                                 "--by", "rssi@exemple.fr", "--json").stdout)
    assert approved["review"]["reviewer"] == "rssi@exemple.fr"
    assert approved["review"]["action"] == "approved"
    gw.cli("review", "reject", second, "--comment", "non")
    final = gw.cli("review", "approve", second, "--comment", "finalement oui", check=False)
    assert final.returncode == 1 and "définitive" in final.stderr
    blank = gw.cli("review", "reject", first, "--comment", " ", check=False)
    assert blank.returncode != 0
    missing = gw.cli("review", "approve", first, check=False)
    assert missing.returncode == 2  # argparse: --comment is required
    assert gw.record(second)["decision"] == "rejected"
    all_items = json.loads(gw.cli("review", "list", "--status", "all", "--json").stdout)
    assert {first, second} <= {item["id"] for item in all_items}
    human = gw.cli("review", "list", "--status", "all").stdout.splitlines()
    created = {item["id"]: item["created_at"] for item in all_items}
    for record_id, decision in ((first, "approved"), (second, "rejected")):
        assert (f"{record_id}  {created[record_id]}  {decision:<8} {user:<30} "
                "pii.iban.hold") in human


def test_reviewer_reads_are_journaled(gw: Gateway) -> None:
    record_id = _held(gw, _user())
    reviewer = f"rev-{uuid.uuid4().hex[:8]}@exemple.fr"
    with admin_client(gw, "reviewer", user=reviewer) as client:
        client.get(f"/admin/api/reviews/{record_id}")
    with admin_client(gw, "auditor") as client:
        entries = client.get("/admin/api/access-log", params={"user": reviewer}).json()["data"]
    assert [(e["role"], e["record_ids"]) for e in entries] == [("reviewer", [record_id])]

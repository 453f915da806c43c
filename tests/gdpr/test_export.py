"""``gateway gdpr export`` and ``/admin/api/gdpr/export``: one person's data, nobody else's.

Through the real interfaces: records a gateway wrote, a reviewer's decision made over HTTP,
an auditor's reads journaled by the admin API, then the export over HTTP and by the CLI.
"""

from __future__ import annotations

import uuid

import orjson

from gateway.review.service import request_fingerprint
from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway


def _people() -> tuple[str, str]:
    tag = uuid.uuid4().hex[:8]
    return f"alice-{tag}@exemple.fr", f"bob-{tag}@exemple.fr"


def _scene(gw: Gateway) -> tuple[str, str, list[str], list[str], str]:
    """Alice's and Bob's records; a held request of Alice's rejected with a comment; an
    auditor who opened one record of Alice's."""
    alice, bob = _people()
    mine = insert_rows(gw.engine, [row(user_email=alice, prompt=f'"alice {i}"')
                                   for i in range(3)])
    held = insert_rows(gw.engine, [row(
        user_email=alice, decision="held", rule_ids=["retenue"], status_code=403,
        request_fingerprint=request_fingerprint("/v1/chat/completions", {"model": "gpt-test"}),
        error="approval_required: en attente")])[0]
    theirs = insert_rows(gw.engine, [row(user_email=bob, prompt='"secret de bob"')
                                     for _ in range(2)])
    with admin_client(gw, "reviewer", user=f"valideuse-{alice}") as reviewer:
        decided = reviewer.post(f"/admin/api/reviews/{held}/reject",
                                json={"comment": "Pas de données clients ici"})
        assert decided.status_code == 200, decided.text
    with admin_client(gw, "auditor", user=f"auditrice-{alice}") as auditor:
        assert auditor.get(f"/admin/api/interactions/{mine[0]}").status_code == 200
    return alice, bob, [*mine, held], theirs, held


def test_export_over_http_holds_the_person_and_nobody_else(gw: Gateway) -> None:
    alice, bob, mine, theirs, held = _scene(gw)
    with admin_client(gw, "auditor", user=f"dpo-{alice}") as dpo:
        response = dpo.get("/admin/api/gdpr/export",
                           params={"user": alice, "reason": "demande du 2026-12-01"})
        assert response.status_code == 200, response.text
        document = response.json()
        journal = dpo.get("/admin/api/access-log", params={"user": f"dpo-{alice}"}).json()
    assert document["subject"] == alice
    assert sorted(r["id"] for r in document["records"]) == sorted(mine)
    assert all(r["user"] == alice for r in document["records"])
    raw = orjson.dumps(document)
    assert bob.encode() not in raw and b"secret de bob" not in raw
    assert not set(theirs) & {r["id"] for r in document["records"]}
    # Every record comes with its chain link and when its parts go.
    assert all({"seq", "hash", "prev_hash", "kept_until"} <= set(r) for r in document["records"])
    assert document["verification"]["chain_heads"]["interactions"] is not None
    # The reviewer's decision and comment, the reviewer named by role only.
    (review,) = document["reviews"]
    assert review["interaction_id"] == held and review["comment"] == "Pas de données clients ici"
    assert review["reviewer"] == "reviewer 1"
    # The auditor's read is there, pseudonymized; colleagues' e-mails are not.
    reads = [r for r in document["access_journal"] if r["how"] == "records"]
    assert [r["records"] for r in reads] == [[mine[0]]]
    assert reads[0]["reader"] == "auditor 1"
    assert f"auditrice-{alice}".encode() not in raw and f"valideuse-{alice}".encode() not in raw
    # Purposes, recipients (each provider of the catalogue) and retention per field.
    processing = document["processing"]
    assert {"gpt-test", "gpt-us"} <= {m for r in processing["recipients"] for m in r["models"]}
    assert {r["data"] for r in processing["retention"]} >= {"content", "metadata"}
    # The export itself is journaled, with its reason.
    (entry,) = [e for e in journal["data"] if e["endpoint"] == "GET /admin/api/gdpr/export"]
    assert entry["filters"]["user"] == alice and entry["reason"] == "demande du 2026-12-01"
    assert entry["record_count"] == len(mine)


def test_export_by_the_cli_and_readable(gw: Gateway) -> None:
    alice, bob, _, theirs, _ = _scene(gw)
    result = gw.cli("gdpr", "export", "--user", bob, "--reason", "ticket 42")
    document = orjson.loads(result.stdout)
    assert sorted(r["id"] for r in document["records"]) == sorted(theirs)
    assert alice.encode() not in result.stdout.encode()
    # Bob's records were read by nobody but this export; Alice's auditor read is not his.
    assert document["access_journal"] == []
    readable = gw.cli("gdpr", "export", "--user", alice, "--format", "md").stdout
    assert readable.startswith(f"# Données conservées sur {alice}")
    assert "Pas de données clients ici" in readable and bob not in readable
    # The earlier CLI export of Bob is in his next one, as an export.
    again = orjson.loads(gw.cli("gdpr", "export", "--user", bob).stdout)
    assert [r["how"] for r in again["access_journal"]] == ["export"]
    assert again["access_journal"][0]["reason"] == "ticket 42"


def test_export_refuses_bad_input_and_other_roles(gw: Gateway) -> None:
    with admin_client(gw, "auditor") as auditor:
        for params in ({}, {"user": ""}, {"user": "pas-un-email"}, {"user": "x@" + "a" * 400}):
            response = auditor.get("/admin/api/gdpr/export", params=params)
            assert response.status_code == 400, (params, response.text)
            assert response.json()["error"]["code"] == "invalid_request"
    with admin_client(gw, "reviewer") as reviewer:
        assert reviewer.get("/admin/api/gdpr/export",
                            params={"user": "a@exemple.fr"}).status_code == 403
    refused = gw.cli("gdpr", "export", "--user", "pas-un-email", check=False)
    assert refused.returncode == 2 and "e-mail" in refused.stderr


def test_export_lists_kept_responses_conversations_without_their_text(gw: Gateway) -> None:
    alice, bob = _people()
    answer = gw.openai(user=alice).responses.create(model="gpt-test",
                                                    input="Bonjour, résume ce texte.")
    with admin_client(gw, "auditor") as dpo:
        mine = dpo.get("/admin/api/gdpr/export", params={"user": alice}).json()
        theirs = dpo.get("/admin/api/gdpr/export", params={"user": bob}).json()
    (kept,) = mine["conversations"]
    assert kept["id"] == answer.id and kept["model"] == "gpt-test" and kept["kept_until"]
    assert "résume ce texte" not in orjson.dumps(kept).decode()
    assert theirs["conversations"] == []

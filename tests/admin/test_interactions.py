"""Searching, reading and exporting the log, and the access journal those reads leave."""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway

T0 = datetime(2003, 3, 3, 9, 0, tzinfo=UTC)


def _tag() -> str:
    return uuid.uuid4().hex[:8]


def test_search_filters_and_pagination(gw: Gateway) -> None:
    tag = _tag()
    dept = f"search-{tag}"
    rows = [
        row(user_email=f"a-{tag}@exemple.fr", department=dept, created_at=T0 + timedelta(minutes=i),
            tool="continue" if i % 2 else "curl", model="gpt-test" if i < 5 else "echo",
            decision="blocked" if i == 3 else "allowed",
            rule_ids=["secrets.block", "pii.hold"] if i == 3 else [],
            prompt=f'[{{"role":"user","content":"Facture NUMÉRO {tag}-{i} 100%_off"}}]')
        for i in range(7)
    ]
    ids = insert_rows(gw.engine, rows)
    with admin_client(gw, "auditor") as client:
        def search(**params: object) -> list[str]:
            response = client.get("/admin/api/interactions", params={"department": dept, **params})
            assert response.status_code == 200, response.text
            return [r["id"] for r in response.json()["data"]]

        assert search() == ids[::-1]  # newest first
        assert search(tool="continue") == [ids[5], ids[3], ids[1]]
        assert search(model="echo") == [ids[6], ids[5]]
        assert search(decision="blocked") == [ids[3]]
        assert search(rule="pii.hold") == [ids[3]]
        assert search(rule="pii") == []  # a whole rule id, not a prefix
        assert search(since=(T0 + timedelta(minutes=2)).isoformat(),
                      until=(T0 + timedelta(minutes=4)).isoformat()) == [ids[3], ids[2]]
        # Case-insensitive (SQLite folds ASCII letters only, PostgreSQL all of them).
        assert search(q=f"facture NUMÉRO {tag}-4") == [ids[4]]
        assert search(q="100%_o") == ids[::-1]  # LIKE wildcards are literal
        assert search(q="0%x") == []
        # Cursor pagination walks the same list without gaps or repeats.
        seen, cursor = [], None
        while True:
            params: dict[str, object] = {"department": dept, "limit": 3}
            if cursor:
                params["cursor"] = cursor
            body = client.get("/admin/api/interactions", params=params).json()
            seen += [r["id"] for r in body["data"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        assert seen == ids[::-1]
        too_many = client.get("/admin/api/interactions", params={"limit": 501})
        assert too_many.status_code == 400
        bad = client.get("/admin/api/interactions", params={"cursor": "%%%"})
        assert bad.status_code == 400 and bad.json()["error"]["param"] == "cursor"


def test_detail_has_the_export_field_names(gw: Gateway) -> None:
    (record_id,) = insert_rows(gw.engine, [row(pii_findings={"EMAIL_ADDRESS": 1})])
    with admin_client(gw, "auditor") as client:
        record = client.get(f"/admin/api/interactions/{record_id}").json()
    for name in ("id", "created_at", "user", "department", "role", "tool", "endpoint", "model",
                 "provider", "upstream_model", "decision", "rule_ids", "policy_version",
                 "pii_findings", "prompt", "response", "prompt_tokens", "completion_tokens",
                 "cost", "latency_ms", "upstream_latency_ms", "status_code", "error", "stream",
                 "prev_hash", "hash"):
        assert name in record
    assert record["id"] == record_id and record["pii_findings"] == {"EMAIL_ADDRESS": 1}
    assert record["created_at"].endswith("Z") and record["review"] is None


def test_auditor_reads_are_journaled(gw: Gateway) -> None:
    tag = _tag()
    target = f"cible-{tag}@exemple.fr"
    auditor = f"audit-{tag}@exemple.fr"
    ids = insert_rows(gw.engine, [row(user_email=target, department=f"j-{tag}") for _ in range(3)])
    with admin_client(gw, "auditor", user=auditor) as client:
        def journal() -> list[dict[str, object]]:
            response = client.get("/admin/api/access-log", params={"user": auditor})
            assert response.status_code == 200
            return list(response.json()["data"])

        assert journal() == []
        # Every list reads content (prompts, answers): journaled whatever its filters
        # (issue 16: a department or text search was not).
        client.get("/admin/api/interactions", params={"department": f"j-{tag}"})
        [by_department] = journal()
        assert by_department["filters"] == {"department": f"j-{tag}"}
        assert sorted(by_department["record_ids"]) == sorted(ids)
        client.get("/admin/api/interactions", params={"user": target})
        client.get(f"/admin/api/interactions/{ids[0]}")
        export = client.get("/admin/api/interactions/export", params={"user": target})
        assert len(export.text.splitlines()) == 3
        entries = journal()
    assert [e["endpoint"] for e in entries] == [
        "GET /admin/api/interactions/export",
        f"GET /admin/api/interactions/{ids[0]}",
        "GET /admin/api/interactions",
        "GET /admin/api/interactions",
    ]
    exported, detail, listed, _ = entries
    assert all(e["user"] == auditor and e["role"] == "auditor" and e["key_id"] for e in entries)
    assert listed["filters"] == {"user": target} and sorted(listed["record_ids"]) == sorted(ids)
    assert detail["record_ids"] == [ids[0]] and detail["record_count"] == 1
    assert exported["filters"] == {"user": target, "format": "jsonl"}
    assert exported["record_count"] == 3
    # Admins read the journal too; reviewers and employees do not.
    with admin_client(gw, "admin") as client:
        assert client.get("/admin/api/access-log", params={"user": auditor}).json()["data"]


def test_export_over_http_jsonl_and_csv(gw: Gateway) -> None:
    tag = _tag()
    dept = f"exp-{tag}"
    rows = [row(department=dept, created_at=T0 + timedelta(seconds=i), rule_ids=["r1"],
                pii_findings={"PERSON": i}, prompt=f"ligne, \"{i}\"\nsuite")
            for i in range(1200)]
    ids = insert_rows(gw.engine, rows)
    with admin_client(gw, "auditor") as client:
        with client.stream("GET", "/admin/api/interactions/export",
                           params={"department": dept}) as response:
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("application/x-ndjson")
            lines = list(response.iter_lines())
        records = [json.loads(line) for line in lines]
        assert [r["id"] for r in records] == ids  # oldest first
        assert records[7]["pii_findings"] == {"PERSON": 7} and records[7]["rule_ids"] == ["r1"]
        as_csv = client.get("/admin/api/interactions/export",
                            params={"department": dept, "format": "csv"})
        assert as_csv.headers["content-type"].startswith("text/csv")
        parsed = list(csv.DictReader(io.StringIO(as_csv.text)))
        assert [r["id"] for r in parsed] == ids
        assert parsed[2]["prompt"] == "ligne, \"2\"\nsuite"
        assert json.loads(parsed[2]["pii_findings"]) == {"PERSON": 2}
        bad = client.get("/admin/api/interactions/export", params={"format": "xml"})
        assert bad.status_code == 400

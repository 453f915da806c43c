"""Usage aggregates on known records: per department, model, tool and day, never per person."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.admin._helpers import admin_client, insert_rows, row
from tests.conftest import Gateway

DAY1 = datetime(2002, 2, 2, 23, 30, tzinfo=UTC)
DAY2 = DAY1 + timedelta(hours=1)  # the next UTC day


@pytest.fixture(scope="module")
def known(gateway: Gateway) -> str:
    """Records inserted once per backend: the day window below holds only these."""
    gw = gateway
    tag = uuid.uuid4().hex[:8]
    insert_rows(gw.engine, [
        row(user_email="u1@exemple.fr", department=f"compta-{tag}", model=f"m1-{tag}",
            tool="curl", created_at=DAY1, prompt_tokens=100, completion_tokens=20, cost=0.5,
            pii_findings={"PERSON": 2, "EMAIL_ADDRESS": 1}),
        row(user_email="u2@exemple.fr", department=f"compta-{tag}", model=f"m1-{tag}",
            tool="continue", created_at=DAY1, prompt_tokens=50, completion_tokens=10, cost=0.25,
            pii_findings={"PERSON": 1}, decision="redacted"),
        row(user_email="u1@exemple.fr", department=f"compta-{tag}", model=f"m2-{tag}",
            tool="curl", created_at=DAY2, prompt_tokens=None, completion_tokens=None, cost=None,
            decision="blocked", rule_ids=["secrets"], pii_findings={"IBAN_CODE": 1}),
        row(user_email="u3@exemple.fr", department=f"rh-{tag}", model=f"m2-{tag}",
            tool="curl", created_at=DAY2, prompt_tokens=7, completion_tokens=3, cost=0.01,
            decision="held", pii_findings={"PERSON": 1}),
        row(user_email="u3@exemple.fr", department=f"rh-{tag}", model=f"m2-{tag}",
            tool="curl", created_at=DAY2, decision="approved", pii_findings={}),
    ])
    return tag


def _stats(gw: Gateway, **params: str) -> dict[str, object]:
    with admin_client(gw, "admin") as client:
        response = client.get("/admin/api/stats", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_stats_by_department(gw: Gateway, known: str) -> None:
    body = _stats(gw, group_by="department")
    groups = {g["key"]: g for g in body["groups"]}  # type: ignore[union-attr]
    compta, rh = groups[f"compta-{known}"], groups[f"rh-{known}"]
    assert compta["requests"] == 3 and rh["requests"] == 2
    assert compta["prompt_tokens"] == 150 and compta["completion_tokens"] == 30
    assert compta["tokens"] == 180
    assert compta["cost"] == pytest.approx(0.75)
    assert (compta["blocked"], compta["held"]) == (1, 0)
    assert (rh["blocked"], rh["held"], rh["approved"]) == (0, 2, 1)
    assert compta["pii_findings"] == {"EMAIL_ADDRESS": 1, "IBAN_CODE": 1, "PERSON": 3}
    assert rh["pii_findings"] == {"PERSON": 1}
    assert "user" not in str(body["groups"]) and "u1@exemple.fr" not in str(body)


def test_stats_by_day_model_and_tool_in_a_window(gw: Gateway, known: str) -> None:
    window = {"since": "2002-02-02T00:00:00Z", "until": "2002-02-04T00:00:00Z"}
    by_day = _stats(gw, group_by="day", **window)
    days = {g["key"]: g for g in by_day["groups"]}  # type: ignore[union-attr]
    assert days["2002-02-02"]["requests"] == 2 and days["2002-02-03"]["requests"] == 3
    assert by_day["totals"]["pii_findings"]["PERSON"] == 4  # type: ignore[index]
    by_model = {g["key"]: g for g in _stats(gw, group_by="model", **window)["groups"]}  # type: ignore[union-attr]
    assert by_model[f"m1-{known}"]["requests"] == 2 and by_model[f"m2-{known}"]["blocked"] == 1
    by_tool = {g["key"]: g for g in _stats(gw, group_by="tool", **window)["groups"]}  # type: ignore[union-attr]
    assert by_tool["continue"]["requests"] == 1 and by_tool["curl"]["requests"] == 4


def test_stats_totals_add_the_groups_up(gw: Gateway, known: str) -> None:
    window = {"since": "2002-02-02T00:00:00Z", "until": "2002-02-04T00:00:00Z"}
    body = _stats(gw, group_by="department", **window)
    assert list(body["groups"][0]) == [  # type: ignore[index]
        "key", "requests", "prompt_tokens", "completion_tokens", "cost", "blocked", "held",
        "approved", "rejected", "errors", "tokens", "pii_findings"]
    totals = dict(body["totals"])  # type: ignore[call-overload]
    assert totals.pop("cost") == pytest.approx(0.7601)
    assert totals == {
        "requests": 5, "prompt_tokens": 167, "completion_tokens": 38, "tokens": 205,
        "blocked": 1, "held": 2, "approved": 1, "rejected": 0, "errors": 0,
        "pii_findings": {"EMAIL_ADDRESS": 1, "IBAN_CODE": 1, "PERSON": 4},
    }
    assert list(body["totals"]) == [  # type: ignore[call-overload]
        "requests", "prompt_tokens", "completion_tokens", "tokens", "blocked", "held",
        "approved", "rejected", "errors", "cost", "pii_findings"]


def test_stats_never_per_person(gw: Gateway) -> None:
    with admin_client(gw, "admin") as client:
        response = client.get("/admin/api/stats", params={"group_by": "user"})
    assert response.status_code == 400

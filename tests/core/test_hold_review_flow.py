"""Held → reviewed → the employee's retry passes once (the `hold` action end to end)."""

from __future__ import annotations

import httpx
import openai
import pytest

from tests.conftest import Gateway

HELD = [{"role": "user", "content": "CONFIDENTIEL – prépare la synthèse du conseil d'administration."}]


def ask(gw: Gateway, key: str) -> tuple[int, str, dict]:
    sdk = gw.openai(api_key=key)
    try:
        raw = sdk.chat.completions.with_raw_response.create(model="gpt-test", messages=HELD)
    except openai.PermissionDeniedError as exc:
        return 403, exc.response.headers["x-gateway-interaction-id"], exc.body
    return 200, raw.headers["x-gateway-interaction-id"], {}


def decide(gw: Gateway, interaction_id: str, action: str, comment: str = "Vu avec le DAF") -> httpx.Response:
    return httpx.post(f"{gw.url}/admin/api/reviews/{interaction_id}/{action}",
                      headers={"Authorization": f"Bearer {gw.key('reviewer')}", "User-Agent": "curl/8.5.0"},
                      json={"comment": comment}, timeout=30)


def test_approval_lets_the_same_request_through_once(gw: Gateway) -> None:
    key = gw.key(user="claire@exemple.fr")
    status, held_id, body = ask(gw, key)
    assert status == 403 and body["code"] == "approval_required" and held_id in body["message"]
    assert gw.record(held_id)["decision"] == "held"

    assert decide(gw, held_id, "approve", comment="").status_code == 400  # a comment is required
    assert decide(gw, held_id, "approve").status_code == 200

    status, retry_id, _ = ask(gw, key)
    assert status == 200
    assert len(gw.fake.requests_for("fake-model")) == 1
    retry = gw.record(retry_id)
    assert retry["decision"] == "approved" and f"approval:{held_id}" in retry["rule_ids"]
    assert gw.record(held_id)["decision"] == "approved"

    status, _, body = ask(gw, key)  # once only
    assert status == 403 and body["code"] == "approval_required"
    assert len(gw.fake.requests_for("fake-model")) == 1


def test_approval_is_for_that_user_and_that_request_only(gw: Gateway) -> None:
    key = gw.key(user="denis@exemple.fr")
    _, held_id, _ = ask(gw, key)
    assert decide(gw, held_id, "approve").status_code == 200
    status, _, _ = ask(gw, gw.key(user="eric@exemple.fr"))  # someone else, same text
    assert status == 403
    sdk = gw.openai(api_key=key)
    with pytest.raises(openai.PermissionDeniedError):  # same user, other text
        sdk.chat.completions.create(model="gpt-test", messages=[
            {"role": "user", "content": "CONFIDENTIEL – autre document."}])
    assert gw.fake.received == []


def test_rejection_is_final(gw: Gateway) -> None:
    key = gw.key(user="fanny@exemple.fr")
    _, held_id, _ = ask(gw, key)
    assert decide(gw, held_id, "reject", comment="Données du conseil : non").status_code == 200
    assert decide(gw, held_id, "approve").status_code == 409
    status, _, _ = ask(gw, key)
    assert status == 403
    assert gw.record(held_id)["decision"] == "rejected"
    assert gw.fake.received == []

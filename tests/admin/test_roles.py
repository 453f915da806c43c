"""Who may call what under /admin/api: the role matrix, in the OpenAI error shape."""

from __future__ import annotations

import httpx
import pytest

from tests.admin._helpers import admin_client
from tests.conftest import Gateway

ROLES = ("employee", "auditor", "reviewer", "admin")
COMMENT = {"comment": "vérifié"}
# (method, path, body, roles allowed)
ENDPOINTS = [
    ("GET", "/admin/api/interactions", None, {"auditor", "admin"}),
    ("GET", "/admin/api/interactions/nope", None, {"auditor", "admin"}),
    ("GET", "/admin/api/interactions/export", None, {"auditor", "admin"}),
    ("GET", "/admin/api/interactions/export?format=csv", None, {"auditor", "admin"}),
    ("GET", "/admin/api/interactions/nope/content?reason=contr%C3%B4le", None,
     {"auditor", "admin"}),
    ("GET", "/admin/api/reviews", None, {"reviewer", "admin"}),
    ("GET", "/admin/api/reviews/nope", None, {"reviewer", "admin"}),
    ("POST", "/admin/api/reviews/nope/approve", COMMENT, {"reviewer", "admin"}),
    ("POST", "/admin/api/reviews/nope/reject", COMMENT, {"reviewer", "admin"}),
    ("GET", "/admin/api/keys", None, {"admin"}),
    ("POST", "/admin/api/keys", {"user": "new@exemple.fr", "department": "it"}, {"admin"}),
    ("POST", "/admin/api/keys/key_nope/revoke", None, {"admin"}),
    ("GET", "/admin/api/stats", None, {"admin"}),
    ("GET", "/admin/api/access-log", None, {"auditor", "admin"}),
    ("GET", "/admin/api/audit/verify", None, {"auditor", "admin"}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("method", "path", "body", "allowed"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_role_matrix(gw: Gateway, role: str, method: str, path: str,
                     body: dict[str, str] | None, allowed: set[str]) -> None:
    with admin_client(gw, role) as client:
        response = client.request(method, path, json=body)
    if role in allowed:
        # Allowed through: the answer is the route's own (found, not found, created…).
        assert response.status_code in (200, 201, 404), response.text
        if response.status_code == 404:
            assert response.json()["error"]["code"] == "not_found"
    else:
        assert response.status_code == 403, response.text
        error = response.json()["error"]
        assert error["code"] == "forbidden" and error["type"] == "permission_error"
        assert role in error["message"]


@pytest.mark.parametrize("path", ["/admin/api/interactions", "/admin/api/stats",
                                  "/v1/me/interactions"])
def test_without_a_valid_key_is_401(gw: Gateway, path: str) -> None:
    assert httpx.get(gw.url + path).status_code == 401
    response = httpx.get(gw.url + path, headers={"Authorization": "Bearer gw-nope"})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_api_key"


def test_keys_create_list_revoke(gw: Gateway) -> None:
    with admin_client(gw, "admin") as client:
        created = client.post("/admin/api/keys", json={
            "user": "zoe@exemple.fr", "department": "rh", "role": "reviewer", "tool": "continue"})
        assert created.status_code == 201
        key = created.json()
        assert key["key"].startswith("gw-") and key["role"] == "reviewer"
        listed = client.get("/admin/api/keys").json()
        assert key["key"] not in str(listed)
        mine = next(k for k in listed if k["id"] == key["id"])
        assert mine["revoked_at"] is None and "key" not in mine
        # The new key works at once, and stops working once revoked.
        own = {"Authorization": f"Bearer {key['key']}"}
        assert httpx.get(gw.url + "/admin/api/reviews", headers=own).status_code == 200
        revoked = client.post(f"/admin/api/keys/{key['id']}/revoke")
        assert revoked.status_code == 200 and revoked.json()["revoked_at"]
        assert httpx.get(gw.url + "/admin/api/reviews", headers=own).status_code == 401
        bad = client.post("/admin/api/keys", json={"user": "x@exemple.fr", "department": "it",
                                                   "role": "boss"})
        assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_request"


def test_audit_verify_reports_the_live_log_intact(gw: Gateway) -> None:
    with admin_client(gw, "auditor") as client:
        sent = client.post("/v1/chat/completions", json={
            "model": "echo", "messages": [{"role": "user", "content": "trace"}]})
        # Records are linked by a chain step every 250 ms: wait for this one's link.
        gw.record(sent.headers["x-gateway-interaction-id"], chained=True)
        response = client.get("/admin/api/audit/verify")
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["intact"] is True and report["broken"] is None
    interactions = next(c for c in report["chains"] if c["chain"] == "interactions")
    assert interactions["checked"] >= 1 and interactions["head_hash"]

"""GET /v1/me/interactions: a key holder sees their own records and nobody else's."""

from __future__ import annotations

import uuid

import httpx

from tests.admin._helpers import insert_rows, row
from tests.conftest import Gateway


def test_own_records_only(gw: Gateway) -> None:
    tag = uuid.uuid4().hex[:8]
    me, other = f"moi-{tag}@exemple.fr", f"autre-{tag}@exemple.fr"
    mine = insert_rows(gw.engine, [row(user_email=me) for _ in range(5)])
    insert_rows(gw.engine, [row(user_email=other) for _ in range(3)])
    key = gw.key("employee", user=me)
    seen: list[str] = []
    with httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {key}"}) as client:
        cursor = None
        while True:
            params: dict[str, object] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
            response = client.get("/v1/me/interactions", params=params)
            assert response.status_code == 200
            body = response.json()
            assert all(r["user"] == me for r in body["data"])
            seen += [r["id"] for r in body["data"]]
            cursor = body["next_cursor"]
            if not cursor:
                break
        # A request of this user through the gateway shows up too, refused or not.
        chat = client.post("/v1/chat/completions", json={
            "model": "gpt-test", "messages": [{"role": "user", "content": "bonjour"}]})
        gw.record(chat.headers["x-gateway-interaction-id"])
        latest = client.get("/v1/me/interactions", params={"limit": 1}).json()["data"]
    assert sorted(seen) == sorted(mine)
    assert latest[0]["id"] == chat.headers["x-gateway-interaction-id"]

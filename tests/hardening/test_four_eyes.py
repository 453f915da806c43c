"""Four eyes on the review queue: nobody decides on their own held request, and an approval
covers the whole request its author sends again, not only its model and messages."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.console._helpers import csrf_of, sign_in_with

CURL = {"User-Agent": "curl/8.5.0"}
HELD = [{"role": "user", "content": "CONFIDENTIEL – budget du rachat, à résumer."}]


def _send(gw: Gateway, key: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{gw.url}/v1/chat/completions", json=body, timeout=30,
                      headers={"Authorization": f"Bearer {key}", **CURL})


def _held(gw: Gateway, key: str, body: dict[str, Any] | None = None) -> str:
    response = _send(gw, key, body or {"model": "gpt-test", "messages": HELD})
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "approval_required"
    return response.headers["x-gateway-interaction-id"]


def _decide(gw: Gateway, key: str, interaction_id: str, action: str = "approve") -> httpx.Response:
    return httpx.post(f"{gw.url}/admin/api/reviews/{interaction_id}/{action}", timeout=30,
                      headers={"Authorization": f"Bearer {key}", **CURL},
                      json={"comment": "Vu avec la direction financière"})


def test_a_reviewer_cannot_approve_or_reject_their_own_request_through_the_api(
    gw: Gateway,
) -> None:
    own = gw.key("reviewer", user="valideur.r@exemple.fr")
    held_id = _held(gw, own)
    for action in ("approve", "reject"):
        refused = _decide(gw, own, held_id, action)
        assert refused.status_code == 403, refused.text
        assert refused.json()["error"]["code"] == "self_review"
    # Another key of the same person, the address in other letters: still their own.
    other_key = gw.key("admin", user="Valideur.R@Exemple.fr")
    assert _decide(gw, other_key, held_id).status_code == 403
    assert gw.record(held_id)["decision"] == "held"
    # Someone else may.
    assert _decide(gw, gw.key("reviewer", user="collegue@exemple.fr"), held_id).status_code == 200
    assert gw.record(held_id)["decision"] == "approved"


def test_a_reviewer_cannot_decide_on_their_own_request_in_the_console(gw: Gateway) -> None:
    own = gw.key("reviewer", user="valideuse.c@exemple.fr")
    held_id = _held(gw, own)
    with sign_in_with(gw, own) as browser:
        # The page offers no decision on one's own request, and says why.
        shown = browser.get(f"/admin/reviews/{held_id}").text
        assert f"/admin/reviews/{held_id}/decide" not in shown
        assert "un autre validateur doit l&#39;examiner" in shown or \
            "un autre validateur doit l'examiner" in shown
        queue = browser.get("/admin/reviews").text
        assert f"/admin/reviews/{held_id}/decide" not in queue
        # And a decision posted all the same is refused.
        csrf = csrf_of(browser, "/admin/reviews")
        page = browser.post(f"/admin/reviews/{held_id}/decide", data={
            "csrf_token": csrf, "action": "approve", "comment": "Je me l'autorise"})
    assert page.status_code == 403
    assert "propre demande" in page.text
    assert gw.record(held_id)["decision"] == "held"


def test_the_command_line_refuses_a_decision_by_the_requester(gw: Gateway) -> None:
    held_id = _held(gw, gw.key("employee", user="demandeur.cli@exemple.fr"))
    result = gw.cli("review", "approve", held_id, "--comment", "ok",
                    "--by", "DEMANDEUR.cli@exemple.fr", "--json", check=False)
    assert result.returncode == 1
    assert "propre demande" in result.stdout
    assert gw.record(held_id)["decision"] == "held"
    approved = gw.cli("review", "approve", held_id, "--comment", "ok",
                      "--by", "rssi@exemple.fr", "--json")
    assert approved.returncode == 0
    assert gw.record(held_id)["decision"] == "approved"


@pytest.mark.parametrize("extra", [
    {"functions": [{"name": "envoyer_virement", "parameters": {"type": "object"}}]},
    {"user": "quelqu-un-d-autre"},
    {"functions": [{"name": "exporter", "parameters": {"type": "object"}}],
     "user": "autre"},
    {"tools": [{"type": "function", "function": {"name": "exporter",
                                                 "parameters": {"type": "object"}}}]},
    {"temperature": 1.5},
], ids=["functions", "user", "functions+user", "tools", "temperature"])
def test_an_approval_does_not_cover_a_resend_with_more_fields(
    gw: Gateway, extra: dict[str, Any],
) -> None:
    key = gw.key("employee", user=f"auteur.{len(gw.keys)}@exemple.fr")
    original = {"model": "gpt-test", "messages": HELD}
    held_id = _held(gw, key, original)
    assert _decide(gw, gw.key("reviewer", user="rssi@exemple.fr"), held_id).status_code == 200

    widened = _send(gw, key, {**original, **extra})
    assert widened.status_code == 403, widened.text
    assert widened.json()["error"]["code"] == "approval_required"
    assert gw.fake.received == []
    # The approval was not spent by the widened request: the exact one still passes, once
    # (the same request, whatever the order of its keys).
    assert _send(gw, key, {"messages": HELD, "model": "gpt-test"}).status_code == 200
    assert len(gw.fake.received) == 1
    assert _send(gw, key, {**original}).status_code == 403


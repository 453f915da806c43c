"""Function tools of every shape meet the policies' ``function_tools``, and the tool header
names the client only where IT trusts it.

The bundled rule ``stagiaires-sans-outils-sensibles`` denies keys tagged ``stagiaire`` any
tool that sends e-mail or pays: offered as a chat function tool, a custom tool, a legacy
function, an Anthropic tool or a Responses tool, it is refused before anything is sent.
"""

from __future__ import annotations

from typing import Any

import anthropic
import httpx
import openai
import pytest

from tests.conftest import Gateway

RULE = "stagiaires-sans-outils-sensibles"
HELLO = [{"role": "user", "content": "Bonjour"}]
PARAMS = {"type": "object", "properties": {"to": {"type": "string"}}}

CHAT_TOOLS: dict[str, dict[str, Any]] = {
    "function tool": {"tools": [{"type": "function", "function": {
        "name": "send_email", "parameters": PARAMS}}]},
    "custom tool": {"tools": [{"type": "custom", "custom": {"name": "send_email"}}]},
    "legacy function": {"functions": [{"name": "create_payment", "parameters": PARAMS}]},
}


@pytest.mark.parametrize("shape", list(CHAT_TOOLS))
def test_interns_cannot_offer_sensitive_tools_in_any_chat_shape(gw: Gateway, shape: str) -> None:
    intern = gw.openai(tags=("stagiaire",))
    with pytest.raises(openai.PermissionDeniedError) as info:
        intern.chat.completions.create(model="gpt-test", messages=HELLO,  # type: ignore[arg-type]
                                       **CHAT_TOOLS[shape])
    assert info.value.code == "policy_violation" and RULE in info.value.message
    assert gw.fake.received == []
    # The same request from an employee who is not an intern goes through.
    gw.openai().chat.completions.create(model="gpt-test", messages=HELLO,  # type: ignore[arg-type]
                                        **CHAT_TOOLS[shape])
    assert len(gw.fake.received) == 1


def test_interns_cannot_offer_sensitive_tools_on_messages_and_responses(
    gw: Gateway, fake_anthropic: Any
) -> None:
    with pytest.raises(anthropic.PermissionDeniedError) as refused:
        gw.anthropic(tags=("stagiaire",)).messages.create(
            model="claude-test", max_tokens=100, messages=HELLO,  # type: ignore[arg-type]
            tools=[{"name": "send_email", "input_schema": PARAMS}])
    assert RULE in refused.value.message
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai(tags=("stagiaire",)).responses.create(
            model="gpt-test", input="Bonjour",
            tools=[{"type": "function", "name": "pay_invoice", "parameters": PARAMS,
                    "strict": False}])
    assert RULE in info.value.message
    assert fake_anthropic.received == [] and gw.fake.received == []


def _post(gw: Gateway, key: str, user_agent: str, tool: str) -> httpx.Response:
    return httpx.post(gw.url + "/v1/chat/completions", timeout=30, headers={
        "Authorization": f"Bearer {key}", "User-Agent": user_agent, "X-Gateway-Tool": tool,
    }, json={"model": "echo", "messages": HELLO})


def test_tool_header_is_ignored_unless_the_key_is_trusted_with_it(gw: Gateway) -> None:
    # A client the allow-list refuses cannot pass by naming an allowed tool in the header.
    refused = _post(gw, gw.key(), "RapportsMaison/2.1", "open-webui")
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "policy_violation"
    assert "outils-autorises" in refused.json()["error"]["message"]
    assert gw.record(refused.headers["x-gateway-interaction-id"])["tool"] == "unknown"
    # A key IT tagged « tool-header » (a chat front-end calling for several tools) may.
    trusted = _post(gw, gw.key(tags=("tool-header",)), "RapportsMaison/2.1", "open-webui")
    assert trusted.status_code == 200
    assert gw.record(trusted.headers["x-gateway-interaction-id"])["tool"] == "open-webui"

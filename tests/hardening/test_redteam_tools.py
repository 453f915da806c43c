"""Red team: a tool the policies refuse, offered to the model another way, through real
HTTP against the bundled policies.

Before their fixes these reached the fake provider: a tool Anthropic runs itself (a
Messages ``web_search_20250305`` server tool, an MCP server under ``mcp_servers``) or the
web search of OpenAI's chat search models (``web_search_options``), while the Responses
route refused its hosted tools unless an ``allow`` rule names them; a tool a rule refuses,
under a name written with a zero-width space, a look-alike letter or other separators
(« sendEmail » for « *send_email* »).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

HELLO = [{"role": "user", "content": "Bonjour"}]



def _nothing_sent(gw: Gateway) -> None:
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


def _messages(**extra: Any) -> dict[str, Any]:
    return {"model": "claude-test", "max_tokens": 50, "messages": HELLO, **extra}


@pytest.mark.parametrize("body, param, kind", [
    (_messages(tools=[{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]),
     "tools[0]", "web_search_20250305"),
    (_messages(tools=[{"name": "lookup", "input_schema": {"type": "object"}},
                      {"type": "web_fetch_20250910", "name": "web_fetch"}]),
     "tools[1]", "web_fetch_20250910"),
    (_messages(mcp_servers=[{"type": "url", "url": "https://mcp.exemple.com/sse",
                             "name": "mail"}]), "mcp_servers[0]", "mcp"),
], ids=["web search", "web fetch", "MCP connector"])
def test_a_tool_anthropic_runs_itself_is_refused_like_a_hosted_responses_tool(
    gw: Gateway, http: httpx.Client, body: dict[str, Any], param: str, kind: str,
) -> None:
    response = post_fresh(gw, http, "/v1/messages", body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert f"« {kind} »" in error["message"] and "function_tools" in error["message"]
    _nothing_sent(gw)


def test_client_tools_anthropic_defines_are_still_offered(
    gw: Gateway, http: httpx.Client,
) -> None:
    tools = [{"type": "bash_20250124", "name": "bash"},
             {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"},
             {"type": "custom", "name": "lookup", "input_schema": {"type": "object"}},
             {"name": "other", "input_schema": {"type": "object"}}]
    response = post_fresh(gw, http, "/v1/messages", _messages(tools=tools))
    assert response.status_code == 200, response.text


def test_chat_web_search_options_is_refused_like_a_hosted_responses_tool(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", {
        "model": "openai-test", "messages": HELLO,
        "web_search_options": {"search_context_size": "low"}})
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["param"] == "web_search_options" and "« web_search »" in error["message"]
    _nothing_sent(gw)


@pytest.mark.parametrize("name", [
    "send_e\u200bmail",  # a zero-width space
    "\u0455end_email",  # a Cyrillic ѕ
    "send_\uff45mail",  # a full-width e
    "sendEmail", "send-email", "Send.Email",
])
def test_a_refused_tool_under_a_disguised_name_is_refused(
    gw: Gateway, http: httpx.Client, name: str,
) -> None:
    intern = gw.key(user="stagiaire.outils@exemple.fr", tags=("stagiaire",))
    tools = [{"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}]
    response = post_fresh(gw, http, "/v1/chat/completions",
                     {"model": "gpt-test", "messages": HELLO, "tools": tools}, key=intern)
    assert response.status_code == 403, response.text
    assert "stagiaires-sans-outils-sensibles" in response.text
    _nothing_sent(gw)
    messages = post_fresh(gw, http, "/v1/messages", _messages(
        tools=[{"name": name, "input_schema": {"type": "object"}}]), key=intern)
    assert messages.status_code == 403, messages.text
    _nothing_sent(gw)


@pytest.mark.parametrize("name", ["envoyer_mail", "sendMail", "mail_send", "courriel",
                                  "virement_sepa", "notify_customer"])
def test_a_tool_the_intern_allow_list_does_not_name_is_refused(
    gw: Gateway, http: httpx.Client, name: str,
) -> None:
    # No list of forbidden names is complete (« envoyer_mail », « sendMail », « mail_send »
    # passed « *send_email* »): the bundled policy names what interns may offer instead.
    intern = gw.key(user="stagiaire.liste@exemple.fr", tags=("stagiaire",))
    tools = [{"type": "function", "function": {"name": "search_docs",
                                               "parameters": {"type": "object"}}},
             {"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}]
    response = post_fresh(gw, http, "/v1/chat/completions",
                     {"model": "gpt-test", "messages": HELLO, "tools": tools}, key=intern)
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "policy_violation"
    assert "stagiaires-outils-autorises" in response.text
    _nothing_sent(gw)


@pytest.mark.parametrize("name", ["search_docs", "lookup-customer", "getWeather", "Read"])
def test_a_tool_the_intern_allow_list_names_goes_through(
    gw: Gateway, http: httpx.Client, name: str,
) -> None:
    intern = gw.key(user="stagiaire.liste@exemple.fr", tags=("stagiaire",))
    tools = [{"type": "function", "function": {"name": name, "parameters": {"type": "object"}}}]
    response = post_fresh(gw, http, "/v1/chat/completions",
                     {"model": "gpt-test", "messages": HELLO, "tools": tools}, key=intern)
    assert response.status_code == 200, response.text

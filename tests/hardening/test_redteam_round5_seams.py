"""Red team, fifth round: a NIR split between two fields the model reads in a row.

The fourth round read a seam between two parts or messages of one role. Each case below
reached the provider (200, ``allowed``) before its fix: the halves in the system prompt
and the user's message, in a user's message and the assistant's prefilled answer, in a
tool's description and the first message (providers render tool definitions beside the
opening of the conversation), in Anthropic's top-level ``system`` and the first message,
in Responses ``instructions`` and its input. Against the bundled policies (NIR refused).

Halves that join into no identifier are sent as written, and the record of each refusal
holds the finding, not the digits.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

HEAD, TAIL = "Dossier NIR 1840369", "12304581 à traiter"
TOOL = {"type": "function", "function": {"name": "fiche", "description": TAIL,
                                         "parameters": {"type": "object", "properties": {}}}}


def _chat(*messages: tuple[str, str], **extra: Any) -> tuple[str, dict[str, Any]]:
    return "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": role, "content": content} for role, content in messages], **extra}


SPLIT = {
    "the system prompt, then the user's message": _chat(("system", HEAD), ("user", TAIL)),
    "the user's message, then the assistant's prefill": _chat(("user", HEAD),
                                                             ("assistant", TAIL)),
    "the user's message, then a tool's description": _chat(("user", HEAD), tools=[TOOL]),
    "a tool's description, then the system prompt": _chat(
        ("system", TAIL), ("user", "Bonjour"),
        tools=[{**TOOL, "function": {**TOOL["function"], "description": HEAD}}]),
    "Anthropic system, then the first message": ("/v1/messages", {
        "model": "claude-test", "max_tokens": 50, "system": HEAD,
        "messages": [{"role": "user", "content": TAIL}]}),
    "Anthropic system blocks, then the first message": ("/v1/messages", {
        "model": "claude-test", "max_tokens": 50,
        "system": [{"type": "text", "text": "Assistant RH."}, {"type": "text", "text": HEAD}],
        "messages": [{"role": "user", "content": TAIL}]}),
    "Anthropic tool description, then system": ("/v1/messages", {
        "model": "claude-test", "max_tokens": 50, "system": TAIL,
        "tools": [{"name": "fiche", "description": HEAD,
                   "input_schema": {"type": "object", "properties": {}}}],
        "messages": [{"role": "user", "content": "Bonjour"}]}),
    "Responses instructions, then the input": ("/v1/responses", {
        "model": "gpt-test", "instructions": HEAD, "input": TAIL}),
}


@pytest.mark.parametrize("case", list(SPLIT))
def test_a_nir_split_between_two_fields_read_in_a_row_is_refused(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    path, body = SPLIT[case]
    response = post_fresh(gw, http, path, body, sender="round5.coutures")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked"
    assert record["pii_findings"].get("FR_NIR") == 1, record["pii_findings"]
    assert "12304581" not in json.dumps(record["prompt"])


def test_figures_on_both_sides_of_a_seam_that_make_no_identifier_are_sent(
    gw: Gateway, http: httpx.Client,
) -> None:
    path, body = _chat(("system", "Version 2024"), ("user", "12 articles, lot 3021"),
                       tools=[{**TOOL, "function": {**TOOL["function"],
                                                    "description": "Renvoie 10 fiches"}}])
    response = post_fresh(gw, http, path, body, sender="round5.coutures")
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body
    assert [m["content"] for m in sent["messages"]] == ["Version 2024", "12 articles, lot 3021"]
    assert sent["tools"][0]["function"]["description"] == "Renvoie 10 fiches"

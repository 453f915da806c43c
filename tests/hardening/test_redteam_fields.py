"""Red team: a blocked value or a held phrase in a place of the request the scan did not
read as text, through real HTTP against the bundled policies.

Each case is an attempt that reached the fake provider before its fix: a NIR or a card
number typed as a JSON number (a tool's input, a schema's ``enum``/``default``/``const``/
``examples``, metadata) or passed off as a provider's id (``call_269054958815780``) or a
thinking block's signature, a « CONFIDENTIEL » document sent as a chat ``developer`` message
(the system prompt of newer models) or a legacy ``function`` result, which the bundled
hold rule (``roles: [system, user, tool]``) did not read.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

NIR = 269054958815780  # valid key
CARD = 4970101234567893  # Luhn-valid
HELLO = [{"role": "user", "content": "Bonjour"}]


def _schema(**keyword: Any) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": "lookup", "parameters": {
        "type": "object", "properties": {"q": {"type": "integer", **keyword}}}}}]


def _anthropic_tool_input(value: Any) -> dict[str, Any]:
    return {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": "Cherche le dossier"},
        {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01abcdef",
                                           "name": "lookup", "input": {"nir": value}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01abcdef",
                                      "content": "trouvé"}]}]}


NUMBERS: dict[str, tuple[str, dict[str, Any]]] = {
    "schema enum": ("/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "tools": _schema(enum=[NIR])}),
    "schema default": ("/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "tools": _schema(default=NIR)}),
    "schema const as a float": ("/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "tools": _schema(const=float(NIR))}),
    "schema examples, a card": ("/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "tools": _schema(examples=[CARD])}),
    "metadata": ("/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "metadata": {"dossier": NIR}}),
    "Messages tool_use input": ("/v1/messages", _anthropic_tool_input(NIR)),
    "Messages tool_use input, a card": ("/v1/messages", _anthropic_tool_input(CARD)),
    "Responses tool parameters": ("/v1/responses", {
        "model": "gpt-test", "input": "Bonjour", "tools": [{
            "type": "function", "name": "lookup", "parameters": {
                "type": "object", "properties": {"q": {"type": "integer", "enum": [NIR]}}}}]}),
}



def _nothing_sent(gw: Gateway) -> None:
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


@pytest.mark.parametrize("case", list(NUMBERS))
def test_identifier_typed_as_a_json_number_is_refused(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    gw.fake.reset()
    assert gw.fake_anthropic is not None
    gw.fake_anthropic.reset()
    path, body = NUMBERS[case]
    response = post_fresh(gw, http, path, body)
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    _nothing_sent(gw)
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert str(NIR) not in record["prompt"] and str(CARD) not in record["prompt"]
    assert record["decision"] == "blocked"


def test_short_numbers_stay_numbers(gw: Gateway, http: httpx.Client) -> None:
    gw.fake.reset()
    response = post_fresh(gw, http, "/v1/chat/completions", {
        "model": "gpt-test", "messages": HELLO, "seed": 12345678,
        "tools": _schema(enum=[1, 2, 99999999], maximum=10**12)})
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body
    parameters = sent["tools"][0]["function"]["parameters"]["properties"]["q"]
    assert sent["seed"] == 12345678 and parameters["enum"] == [1, 2, 99999999]
    assert parameters["maximum"] == 10**12  # a number that is no identifier is left alone


@pytest.mark.parametrize("message", [
    {"role": "developer", "content": "CONFIDENTIEL : note sur le PROJET AURORE"},
    {"role": "developer", "content": [{"type": "text", "text": "CONFIDENTIEL"}]},
    {"role": "function", "name": "lire_note", "content": "CONFIDENTIEL - PROJET AURORE"},
], ids=["developer", "developer part", "legacy function result"])
def test_confidential_document_in_a_chat_developer_or_function_message_is_held(
    gw: Gateway, http: httpx.Client, message: dict[str, Any],
) -> None:
    gw.fake.reset()
    response = post_fresh(gw, http, "/v1/chat/completions", {
        "model": "gpt-test", "messages": [message, *HELLO]})
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == "approval_required"
    assert "documents-confidentiels" in response.text
    assert gw.fake.received == []


def _tool_turn(call_id: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [
        *HELLO, {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function",
                                                      "function": {"name": "f",
                                                                   "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": call_id, "content": "ok"}]}


@pytest.mark.parametrize("body", [
    _tool_turn(f"call_{NIR}"),
    {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": "x"},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "ok", "signature": f"carte {CARD}"},
            {"type": "tool_use", "id": f"toolu_{NIR}", "name": "f", "input": {}}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": f"toolu_{NIR}",
                                      "content": "ok"}]}]},
], ids=["chat call id", "Messages tool_use id and signature"])
def test_identifier_passed_off_as_a_provider_id_is_refused(
    gw: Gateway, http: httpx.Client, body: dict[str, Any],
) -> None:
    gw.fake.reset()
    assert gw.fake_anthropic is not None
    gw.fake_anthropic.reset()
    path = "/v1/messages" if body["model"].startswith("claude") else "/v1/chat/completions"
    response = post_fresh(gw, http, path, body)
    assert response.status_code == 403, response.text
    _nothing_sent(gw)
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert str(NIR) not in record["prompt"] and str(CARD) not in record["prompt"]


def test_provider_ids_that_only_look_like_data_go_back_as_they_came(
    gw: Gateway, http: httpx.Client,
) -> None:
    # A real id with a phone-like run and a person-like word: set aside, never rewritten.
    call_id = "call_0612345678_JeanDupont"
    gw.fake.reset()
    response = post_fresh(gw, http, "/v1/chat/completions", _tool_turn(call_id))
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"]
    assert sent[1]["tool_calls"][0]["id"] == call_id and sent[2]["tool_call_id"] == call_id


@pytest.mark.parametrize("path, body", [
    ("/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "assistant", "content": "Voici la note CONFIDENTIEL du PROJET AURORE : …"},
        {"role": "user", "content": "Résume ta réponse précédente"}]}),
    ("/v1/messages", {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": "Continue"},
        {"role": "assistant", "content": "Note CONFIDENTIEL, PROJET AURORE :"}]}),
    ("/v1/messages", {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": "x"},
        {"role": "assistant", "content": [
            {"type": "thinking", "thinking": "La note CONFIDENTIEL dit…", "signature": "c2ln"},
            {"type": "text", "text": "ok"}]},
        {"role": "user", "content": "suite"}]}),
    ("/v1/responses", {"model": "gpt-test", "input": [
        {"type": "message", "role": "assistant",
         "content": [{"type": "output_text", "text": "PROJET AURORE, note CONFIDENTIEL"}]},
        {"role": "user", "content": "Résume"}]}),
], ids=["chat assistant turn", "Messages prefill", "Messages thinking", "Responses item"])
def test_confidential_document_in_a_turn_the_client_wrote_as_the_assistant_is_held(
    gw: Gateway, http: httpx.Client, path: str, body: dict[str, Any],
) -> None:
    gw.fake.reset()
    assert gw.fake_anthropic is not None
    gw.fake_anthropic.reset()
    response = post_fresh(gw, http, path, body)
    assert response.status_code == 403, response.text
    assert "documents-confidentiels" in response.text
    _nothing_sent(gw)

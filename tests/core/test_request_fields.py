"""Every text-bearing field of a request is scanned, judged, rewritten and recorded.

Through the official SDKs, against the bundled policies: a valid NIR in any field a provider
receives is refused before anything is sent (rule ``nir-et-cartes-interdits-hors-site``); an
e-mail address in any of them reaches the provider as a placeholder, and the record shows
the field as the provider received it. The « CONFIDENTIEL » hold reads every field too.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import anthropic
import openai
import pytest

from tests.conftest import Gateway

NIR_DIGITS = "1850578006084"
NIR = f"{NIR_DIGITS}{97 - int(NIR_DIGITS) % 97:02d}"
NIR_SPACED = f"1 85 05 78 006 084 {NIR[-2:]}"
EMAIL = "jm.dubreuil@cabinet-lefort.fr"
HELLO = [{"role": "user", "content": "Bonjour"}]

Build = Callable[[str], dict[str, Any]]


def _schema(value: str) -> dict[str, Any]:
    return {"type": "object", "properties": {
        "dossier": {"type": "string", "description": f"Dossier de {value}"}}}


# One request per field of the chat schema, with ``value`` written in that field.
CHAT_FIELDS: dict[str, Build] = {
    "message content": lambda v: {"messages": [{"role": "user", "content": f"Écris à {v}"}]},
    "text part": lambda v: {"messages": [{"role": "user", "content": [
        {"type": "text", "text": f"Écris à {v}"}]}]},
    "message name": lambda v: {"messages": [{"role": "user", "content": "Bonjour", "name": v}]},
    "image_url URL": lambda v: {"messages": [{"role": "user", "content": [
        {"type": "text", "text": "Décris l'image"},
        {"type": "image_url", "image_url": {"url": f"https://intranet.exemple.fr/scan?id={v}"}},
    ]}]},
    "tool description": lambda v: {"messages": HELLO, "tools": [{"type": "function", "function": {
        "name": "lookup", "description": f"Cherche le dossier de {v}",
        "parameters": {"type": "object", "properties": {}}}}]},
    "tool parameters": lambda v: {"messages": HELLO, "tools": [{"type": "function", "function": {
        "name": "lookup", "parameters": _schema(v)}}]},
    "tool parameter name": lambda v: {"messages": HELLO, "tools": [{
        "type": "function", "function": {"name": "lookup", "parameters": {
            "type": "object", "properties": {v: {"type": "string"}}}}}]},
    "custom tool": lambda v: {"messages": HELLO, "tools": [{"type": "custom", "custom": {
        "name": "shell", "description": f"Exécute pour {v}"}}]},
    "legacy function": lambda v: {"messages": HELLO, "functions": [{
        "name": "lookup", "description": f"Cherche {v}", "parameters": _schema("x")}]},
    "legacy function_call arguments": lambda v: {"messages": [
        *HELLO, {"role": "assistant", "content": None, "function_call": {
            "name": "lookup", "arguments": json.dumps({"q": v})}},
        {"role": "function", "name": "lookup", "content": "ok"}]},
    "tool_calls arguments": lambda v: {"messages": [
        *HELLO, {"role": "assistant", "tool_calls": [{"id": "call_a1b2c3", "type": "function",
                 "function": {"name": "lookup", "arguments": json.dumps({"q": v})}}]},
        {"role": "tool", "tool_call_id": "call_a1b2c3", "content": "ok"}]},
    "response_format description": lambda v: {"messages": HELLO, "response_format": {
        "type": "json_schema", "json_schema": {"name": "fiche", "description": f"Fiche client : {v}",
                                               "schema": _schema("x")}}},
    "response_format schema": lambda v: {"messages": HELLO, "response_format": {
        "type": "json_schema", "json_schema": {"name": "fiche", "schema": _schema(v)}}},
    "prediction": lambda v: {"messages": HELLO, "prediction": {
        "type": "content", "content": f"Le dossier de {v} est complet."}},
    "user": lambda v: {"messages": HELLO, "user": v},
    "metadata": lambda v: {"messages": HELLO, "metadata": {"dossier": v}},
    "stop": lambda v: {"messages": HELLO, "stop": [v]},
    "unknown field": lambda v: {"messages": HELLO, "extra_body": {"note_interne": f"pour {v}"}},
}


def _chat(gw: Gateway, build: Build, value: str, **extra: Any) -> Any:
    kwargs = build(value)
    kwargs.update(extra)
    return gw.openai().chat.completions.with_raw_response.create(model="gpt-test", **kwargs)


def _assert_refused_unsent(gw: Gateway, error: openai.APIStatusError | anthropic.APIStatusError,
                           fakes: list[Any]) -> dict[str, Any]:
    assert error.status_code == 403
    for fake in fakes:
        assert fake.received == []
    return gw.record(error.response.headers["x-gateway-interaction-id"])


@pytest.mark.parametrize("field", list(CHAT_FIELDS))
def test_chat_nir_in_any_field_is_refused(gw: Gateway, field: str) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        _chat(gw, CHAT_FIELDS[field], f"n° de sécurité sociale {NIR_SPACED}")
    assert info.value.code == "policy_violation"
    assert "nir-et-cartes-interdits-hors-site" in info.value.message
    record = _assert_refused_unsent(gw, info.value, [gw.fake])
    assert record["decision"] == "blocked" and record["pii_findings"].get("FR_NIR") == 1
    assert NIR_SPACED not in record["prompt"] and NIR not in record["prompt"]


@pytest.mark.parametrize("field", list(CHAT_FIELDS))
def test_chat_email_in_any_field_is_pseudonymized_and_recorded(gw: Gateway, field: str) -> None:
    raw = _chat(gw, CHAT_FIELDS[field], EMAIL)
    sent = gw.fake.requests_for("fake-model")[-1].raw_body.decode()
    assert EMAIL not in sent and "<EMAIL_ADDRESS_1>" in sent
    assert "EMAIL_ADDRESS=1" in raw.headers["x-gateway-redactions"]
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted"
    assert EMAIL not in record["prompt"] and "<EMAIL_ADDRESS_1>" in record["prompt"]


def _document(v: str) -> dict[str, Any]:
    return {"type": "document", "source": {"type": "text", "media_type": "text/plain",
                                            "data": f"Attestation pour {v}."}}


MESSAGES_FIELDS: dict[str, Build] = {
    "system": lambda v: {"system": f"Tu assistes {v}.", "messages": HELLO},
    "system block": lambda v: {"system": [{"type": "text", "text": f"Tu assistes {v}."}],
                               "messages": HELLO},
    "text block": lambda v: {"messages": [{"role": "user", "content": [
        {"type": "text", "text": f"Écris à {v}"}]}]},
    "document text source": lambda v: {"messages": [{"role": "user", "content": [
        _document(v), {"type": "text", "text": "Résume."}]}]},
    "document base64 text source": lambda v: {"messages": [{"role": "user", "content": [
        {"type": "document", "source": {
            "type": "base64", "media_type": "text/plain",
            "data": base64.b64encode(f"Attestation pour {v}.".encode()).decode()}},
        {"type": "text", "text": "Résume."}]}]},
    "document title and context": lambda v: {"messages": [{"role": "user", "content": [
        {**_document("x"), "title": f"Dossier {v}", "context": f"Demande de {v}"},
        {"type": "text", "text": "Résume."}]}]},
    "thinking block": lambda v: {"messages": [
        *HELLO, {"role": "assistant", "content": [
            {"type": "thinking", "thinking": f"Le dossier concerne {v}.",
             "signature": "c2lnbmF0dXJl"},
            {"type": "text", "text": "Bien reçu."}]},
        {"role": "user", "content": "Continue."}]},
    "tool_use input": lambda v: {"messages": [
        *HELLO, {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_01abcdEF", "name": "lookup", "input": {"q": v}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01abcdEF", "content": "ok"}]}]},
    "tool_result content": lambda v: {"messages": [
        *HELLO, {"role": "assistant", "content": [
            {"type": "tool_use", "id": "toolu_01abcdEF", "name": "lookup", "input": {}}]},
        {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "toolu_01abcdEF",
             "content": [{"type": "text", "text": f"Trouvé : {v}"}]}]}]},
    "metadata.user_id": lambda v: {"messages": HELLO, "metadata": {"user_id": v}},
    "tool description": lambda v: {"messages": HELLO, "tools": [{
        "name": "lookup", "description": f"Cherche le dossier de {v}",
        "input_schema": {"type": "object", "properties": {}}}]},
    "tool input_schema": lambda v: {"messages": HELLO, "tools": [{
        "name": "lookup", "input_schema": _schema(v)}]},
    "stop_sequences": lambda v: {"messages": HELLO, "stop_sequences": [v]},
    "unknown field": lambda v: {"messages": HELLO, "extra_body": {"note_interne": f"pour {v}"}},
}


def _messages(gw: Gateway, build: Build, value: str) -> Any:
    kwargs = build(value)
    return gw.anthropic().messages.with_raw_response.create(
        model="claude-test", max_tokens=200, **kwargs)


@pytest.mark.parametrize("field", list(MESSAGES_FIELDS))
def test_messages_nir_in_any_field_is_refused(
    gw: Gateway, fake_anthropic: Any, field: str
) -> None:
    with pytest.raises(anthropic.PermissionDeniedError) as info:
        _messages(gw, MESSAGES_FIELDS[field], f"n° de sécurité sociale {NIR_SPACED}")
    record = _assert_refused_unsent(gw, info.value, [fake_anthropic, gw.fake])
    assert record["decision"] == "blocked" and record["pii_findings"].get("FR_NIR", 0) >= 1
    assert NIR_SPACED not in record["prompt"] and NIR not in record["prompt"]


@pytest.mark.parametrize("field", list(MESSAGES_FIELDS))
def test_messages_email_in_any_field_is_pseudonymized_and_recorded(
    gw: Gateway, fake_anthropic: Any, field: str
) -> None:
    raw = _messages(gw, MESSAGES_FIELDS[field], EMAIL)
    sent = fake_anthropic.received[-1]
    text = sent.raw_body.decode()
    assert EMAIL not in text
    encoded = base64.b64encode(f"Attestation pour {EMAIL}.".encode()).decode()
    assert encoded not in text
    if field == "document base64 text source":
        data = sent.body["messages"][0]["content"][0]["source"]["data"]
        assert base64.b64decode(data).decode() == "Attestation pour <EMAIL_ADDRESS_1>."
    else:
        assert "<EMAIL_ADDRESS_1>" in text
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted"
    assert EMAIL not in record["prompt"] and encoded not in record["prompt"]


def test_thinking_signature_and_provider_ids_are_sent_as_they_came(
    gw: Gateway, fake_anthropic: Any
) -> None:
    _messages(gw, MESSAGES_FIELDS["thinking block"], EMAIL)
    _messages(gw, MESSAGES_FIELDS["tool_use input"], EMAIL)
    thinking, tool = (r.body["messages"][1]["content"][0] for r in fake_anthropic.received)
    assert thinking["signature"] == "c2lnbmF0dXJl"
    assert tool["id"] == "toolu_01abcdEF" and tool["input"] == {"q": "<EMAIL_ADDRESS_1>"}


@pytest.mark.parametrize("value", [
    "DOCUMENT CONFIDENTIEL PROJET AURORE",
    "document interne, PROJET AUR\u200bORE",       # zero-width space
    "document interne, PROJET AUR\u041eRE",        # Cyrillic « О »
    "document interne, PROJET\u00a0AURORE",        # no-break space
])
def test_confidential_marking_in_a_response_format_is_held(gw: Gateway, value: str) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        _chat(gw, CHAT_FIELDS["response_format description"], value)
    assert info.value.code == "approval_required"
    record = _assert_refused_unsent(gw, info.value, [gw.fake])
    assert record["decision"] == "held"
    assert "documents-confidentiels" in record["rule_ids"]


def test_embeddings_string_input_is_judged_and_never_recorded_raw(gw: Gateway) -> None:
    sdk = gw.openai()
    raw = sdk.embeddings.with_raw_response.create(model="embed-test", input=f"Contact {EMAIL}")
    assert gw.fake.requests_for("fake-embedding")[-1].body["input"] == \
        "Contact <EMAIL_ADDRESS_1>"
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert json.loads(record["prompt"]) == "Contact <EMAIL_ADDRESS_1>"
    for value in (f"NIR {NIR_SPACED}", [f"NIR {NIR_SPACED}"]):
        with pytest.raises(openai.PermissionDeniedError) as info:
            sdk.embeddings.create(model="embed-test", input=value)  # type: ignore[arg-type]
        blocked = gw.record(info.value.response.headers["x-gateway-interaction-id"])
        assert blocked["decision"] == "blocked"
        assert NIR_SPACED not in blocked["prompt"] and "<FR_NIR>" in blocked["prompt"]


RESPONSES_FIELDS: dict[str, Build] = {
    "instructions": lambda v: {"instructions": f"Tu assistes {v}.", "input": "Bonjour"},
    "input message": lambda v: {"input": [{"role": "user", "content": [
        {"type": "input_text", "text": f"Écris à {v}"}]}]},
    "function tool description": lambda v: {"input": "Bonjour", "tools": [{
        "type": "function", "name": "lookup", "description": f"Cherche {v}",
        "parameters": {"type": "object", "properties": {}}}]},
    "text format schema": lambda v: {"input": "Bonjour", "text": {"format": {
        "type": "json_schema", "name": "fiche", "schema": _schema(v)}}},
    "metadata": lambda v: {"input": "Bonjour", "metadata": {"dossier": v}},
    "unknown field": lambda v: {"input": "Bonjour", "extra_body": {"note_interne": f"pour {v}"}},
}


@pytest.mark.parametrize("field", list(RESPONSES_FIELDS))
def test_responses_nir_in_any_field_is_refused(gw: Gateway, field: str) -> None:
    kwargs = RESPONSES_FIELDS[field](f"n° de sécurité sociale {NIR_SPACED}")
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai().responses.create(model="gpt-test", **kwargs)
    record = _assert_refused_unsent(gw, info.value, [gw.fake])
    assert record["decision"] == "blocked" and NIR_SPACED not in record["prompt"]


def test_completions_suffix_and_user_are_judged(gw: Gateway) -> None:
    sdk = gw.openai()
    for kwargs in ({"suffix": f"NIR {NIR_SPACED}"}, {"user": f"NIR {NIR_SPACED}"}):
        with pytest.raises(openai.PermissionDeniedError) as info:
            sdk.completions.create(model="gpt-test", prompt="Bonjour", **kwargs)
        _assert_refused_unsent(gw, info.value, [gw.fake])


def test_record_keeps_tools_and_response_format_as_the_provider_received_them(
    gw: Gateway
) -> None:
    tools = CHAT_FIELDS["tool description"](EMAIL)
    fmt = CHAT_FIELDS["response_format description"]("x")
    raw = gw.openai().chat.completions.with_raw_response.create(
        model="gpt-test", messages=HELLO, tools=tools["tools"],
        response_format=fmt["response_format"], temperature=0.2)
    sent = gw.fake.requests_for("fake-model")[-1].body
    prompt = json.loads(gw.record(raw.headers["x-gateway-interaction-id"])["prompt"])
    assert prompt[:-1] == HELLO
    assert prompt[-1]["role"] == "request"
    assert prompt[-1]["content"]["tools"] == sent["tools"]
    assert prompt[-1]["content"]["response_format"] == sent["response_format"]
    assert prompt[-1]["content"]["temperature"] == 0.2
    assert "<EMAIL_ADDRESS_1>" in sent["tools"][0]["function"]["description"]

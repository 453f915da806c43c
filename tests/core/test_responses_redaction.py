"""Policies and personal data on ``/v1/responses`` and ``/v1/completions``: chat's pipeline.

Personal data in ``input``, in ``instructions`` and in a function output never reaches the
provider; the employee gets the values back, in complete answers and in streamed events
split at any byte; a document marked CONFIDENTIEL is held on these endpoints as on chat.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from tests.conftest import Gateway
from tests.core.test_policy_redaction_e2e import EMAIL, NAME, assert_no_personal_data, ticket
from tests.core.test_responses import TOOLS, sent_to
from tests.fakes.anthropic_provider import FakeAnthropicProvider


@pytest.fixture(autouse=True)
def _anthropic_reset(fake_anthropic: FakeAnthropicProvider) -> None:
    """The fake Anthropic provider's requests are this test's only."""


def conversation() -> list[Any]:
    """A tool round trip whose every text field holds personal data."""
    return [
        {"role": "user", "content": [{"type": "input_text", "text": ticket()}]},
        {"type": "function_call", "call_id": "call_1", "name": "get_weather",
         "arguments": json.dumps({"city": f"Brest, chez {NAME}"})},
        {"type": "function_call_output", "call_id": "call_1",
         "output": f"Fiche client : {NAME}, {EMAIL}"},
    ]


@pytest.mark.parametrize("model", ["openai-test", "openai-bytes", "gpt-test", "claude-test"])
@pytest.mark.parametrize("stream", [False, True])
def test_personal_data_never_reaches_the_provider_and_comes_back(
    gw: Gateway, model: str, stream: bool
) -> None:
    request: dict[str, Any] = {"model": model, "instructions": f"Tu assistes {NAME}.",
                               "input": conversation(), "tools": TOOLS}
    sdk = gw.openai()
    if stream:
        with sdk.responses.stream(**request) as events:
            deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
            response = events.get_final_response()
            headers = events._raw_stream.response.headers  # type: ignore[attr-defined]
        assert deltas == response.output_text
    else:
        raw = sdk.responses.with_raw_response.create(**request)
        response, headers = raw.parse(), raw.headers
    # The fakes answer the function output they were given: the values are back.
    assert response.output_text == f"reçu: Fiche client : {NAME}, {EMAIL}"
    assert response.instructions == f"Tu assistes {NAME}."
    assert "EMAIL_ADDRESS=" in headers["x-gateway-redactions"]

    sent = sent_to(gw, model).raw_body.decode()
    assert_no_personal_data(sent)
    assert "<PERSON_1>" in sent and "<EMAIL_ADDRESS_1>" in sent

    record = gw.record(headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted" and record["endpoint"] == "/v1/responses"
    assert "<EMAIL_ADDRESS_1>" in record["response"]
    assert_no_personal_data(record["prompt"] + record["response"])


@pytest.mark.parametrize("model", ["openai-tools", "fake-tools", "claude-tools"])
@pytest.mark.parametrize("stream", [False, True])
def test_function_call_arguments_get_the_values_back(
    gw: Gateway, model: str, stream: bool
) -> None:
    question = f"Quel temps chez {NAME} ?"
    request: dict[str, Any] = {"model": model, "input": question, "tools": TOOLS}
    if stream:
        with gw.openai().responses.stream(**request) as events:
            arguments = "".join(e.delta for e in events
                                if e.type == "response.function_call_arguments.delta")
            response = events.get_final_response()
        assert json.loads(arguments) == {"city": question}
    else:
        response = gw.openai().responses.create(**request)
    call = next(item for item in response.output if item.type == "function_call")
    assert json.loads(call.arguments) == {"city": question}
    assert_no_personal_data(sent_to(gw, model).raw_body.decode())


@pytest.mark.parametrize("where", ["input", "instructions", "function_output"])
@pytest.mark.parametrize("model", ["openai-test", "gpt-test"])
def test_confidential_is_held_as_on_chat(gw: Gateway, where: str, model: str) -> None:
    secret = "CONFIDENTIEL – compte rendu du comité de direction."
    request: dict[str, Any] = {"model": model, "input": "Résume.", "instructions": "Sois bref."}
    if where == "input":
        request["input"] = secret
    elif where == "instructions":
        request["instructions"] = secret
    else:
        request["input"] = [
            {"role": "user", "content": "Lis le document."},
            {"type": "function_call", "call_id": "c1", "name": "lire", "arguments": "{}"},
            {"type": "function_call_output", "call_id": "c1", "output": secret}]
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai().responses.create(**request)
    assert info.value.body["code"] == "approval_required"
    assert gw.fake.received == []
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "held" and "documents-confidentiels" in record["rule_ids"]
    assert record["endpoint"] == "/v1/responses"


def test_confidential_is_held_on_completions(gw: Gateway) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai().completions.create(
            model="gpt-test", prompt="# CONFIDENTIEL\ndef calcul(", suffix="\n")
    assert info.value.body["code"] == "approval_required"
    assert gw.fake.received == []
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "held" and record["endpoint"] == "/v1/completions"


@pytest.mark.parametrize("model", ["gpt-test", "coder-native"])
@pytest.mark.parametrize("stream", [False, True])
def test_completion_prompt_and_suffix_are_redacted_and_restored(
    gw: Gateway, model: str, stream: bool
) -> None:
    prompt, suffix = f"# Auteur : {NAME} <{EMAIL}>\ndef total(", "\n    return s\n"
    sdk = gw.openai()
    if stream:
        with sdk.completions.with_streaming_response.create(
                model=model, prompt=prompt, suffix=suffix, stream=True) as raw:
            headers = raw.headers
            text = "".join(chunk.choices[0].text for chunk in raw.parse() if chunk.choices)
    else:
        raw = sdk.completions.with_raw_response.create(model=model, prompt=prompt, suffix=suffix)
        headers, text = raw.headers, raw.parse().choices[0].text
    sent = sent_to(gw, model)
    assert_no_personal_data(sent.raw_body.decode())
    if model == "coder-native":  # passed through: the server fills the middle itself
        assert sent.path == "/v1/completions"
        assert sent.body["suffix"] == suffix and "<PERSON_1>" in sent.body["prompt"]
        assert text == f"reçu: {prompt} | suffixe: {suffix}"
    else:  # translated: a chat request asking for the missing middle only
        user = sent.body["messages"][-1]["content"]
        assert "<PERSON_" in user and "<EMAIL_ADDRESS_1>" in user
        assert text == f"reçu: <prefix>{prompt}</prefix>\n<suffix>{suffix}</suffix>"
    record = gw.record(headers["x-gateway-interaction-id"])
    assert record["endpoint"] == "/v1/completions" and record["decision"] == "redacted"
    assert record["stream"] is stream
    assert_no_personal_data(record["prompt"] + record["response"])
    assert json.loads(record["prompt"])["suffix"] == suffix


def test_an_approved_held_response_goes_through_once(gw: Gateway) -> None:
    """The hold works here as on chat: a reviewer approves, the same request passes once."""
    key = gw.key(user="helene@exemple.fr")
    request: dict[str, Any] = {
        "model": "openai-test", "instructions": "Sois bref.",
        "input": [{"role": "user", "content": "CONFIDENTIEL – synthèse du conseil."}]}
    sdk = gw.openai(api_key=key)
    with pytest.raises(openai.PermissionDeniedError) as info:
        sdk.responses.create(**request)
    held = info.value.response.headers["x-gateway-interaction-id"]
    approved = httpx.post(f"{gw.url}/admin/api/reviews/{held}/approve", json={"comment": "Vu"},
                          headers={"Authorization": f"Bearer {gw.key('reviewer')}",
                                   "User-Agent": "curl/8.5.0"}, timeout=30)
    assert approved.status_code == 200
    answer = sdk.responses.create(**request)
    assert answer.output_text == "reçu: CONFIDENTIEL – synthèse du conseil."
    assert len(gw.fake.received) == 1
    retry = gw.record(_interaction(answer.id))
    assert retry["decision"] == "approved" and f"approval:{held}" in retry["rule_ids"]
    with pytest.raises(openai.PermissionDeniedError):  # once only
        sdk.responses.create(**request)


def _interaction(response_id: str) -> str:
    core = response_id.removeprefix("resp_")
    return f"{core[:8]}-{core[8:12]}-{core[12:16]}-{core[16:20]}-{core[20:]}"

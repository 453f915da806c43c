"""Chat completions through the gateway with the official openai SDK, read back from the log."""

from __future__ import annotations

import json

import openai
import pytest

from tests.conftest import UPSTREAM_KEY, Gateway


def client(gw: Gateway, role: str = "employee", **kwargs: str) -> openai.OpenAI:
    return gw.openai(role, **kwargs)


def test_chat_non_streaming_is_forwarded_and_recorded(gw: Gateway) -> None:
    sdk = client(gw, user="alice@exemple.fr", department="compta")
    raw = sdk.chat.completions.with_raw_response.create(
        model="gpt-test",
        messages=[{"role": "system", "content": "Sois bref."},
                  {"role": "user", "content": "Quel temps fait-il ?"}],
    )
    completion = raw.parse()
    interaction_id = raw.headers["x-gateway-interaction-id"]

    assert completion.choices[0].message.content == "reçu: Quel temps fait-il ?"
    sent = gw.fake.requests_for("fake-model")
    assert len(sent) == 1
    # The provider sees the organisation's key and the upstream model, never the employee's key.
    assert sent[0].headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert sent[0].body["model"] == "fake-model"
    assert gw.key("employee", user="alice@exemple.fr", department="compta") not in str(sent[0].headers)

    record = gw.record(interaction_id)
    usage = completion.usage
    assert usage is not None
    assert record["user"] == "alice@exemple.fr"
    assert record["department"] == "compta"
    assert record["role"] == "employee"
    assert record["tool"] == "openai-python"
    assert record["endpoint"] == "/v1/chat/completions"
    assert (record["model"], record["provider"], record["upstream_model"]) == (
        "gpt-test", "openai_compatible", "fake-model")
    assert record["decision"] == "allowed"
    assert record["status_code"] == 200
    assert record["stream"] is False
    assert json.loads(record["prompt"])[1]["content"] == "Quel temps fait-il ?"
    assert record["response"] == "reçu: Quel temps fait-il ?"
    assert record["prompt_tokens"] == usage.prompt_tokens
    assert record["completion_tokens"] == usage.completion_tokens
    expected_cost = (usage.prompt_tokens * 2.0 + usage.completion_tokens * 6.0) / 1_000_000
    assert record["cost"] == pytest.approx(expected_cost)
    assert record["latency_ms"] > 0
    assert record["upstream_latency_ms"] > 0
    assert record["policy_version"]
    assert record["created_at"].endswith("Z")


@pytest.mark.parametrize("include_usage", [True, False])
def test_chat_streaming_relays_chunks_and_records_usage(gw: Gateway, include_usage: bool) -> None:
    sdk = client(gw)
    options = {"stream_options": {"include_usage": True}} if include_usage else {}
    raw = sdk.chat.completions.with_raw_response.create(
        model="gpt-test", stream=True,
        messages=[{"role": "user", "content": "Raconte une histoire courte"}], **options,
    )
    chunks = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "reçu: Raconte une histoire courte"
    usage_chunks = [c for c in chunks if not c.choices and c.usage]
    # The gateway always asks the provider for usage (cost), but only forwards it when asked.
    assert len(usage_chunks) == (1 if include_usage else 0)
    assert gw.fake.requests_for("fake-model")[0].body["stream_options"]["include_usage"] is True
    assert len([c for c in chunks if c.choices]) > 2  # relayed as chunks, not one blob

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["stream"] is True
    assert record["response"] == text
    assert record["prompt_tokens"] and record["completion_tokens"]
    assert record["cost"] > 0
    assert record["status_code"] == 200


@pytest.mark.parametrize("stream", [False, True])
def test_a_gzip_encoded_provider_answer_is_decoded(gw: Gateway, stream: bool) -> None:
    """Providers behind a CDN compress their answers: the gateway reads and records the
    text, and relays a stream event by event, never the compressed bytes."""
    sdk = client(gw)
    raw = sdk.chat.completions.with_raw_response.create(
        model="fake-gzip", stream=stream, messages=[{"role": "user", "content": "Quelle heure est-il ?"}],
    )
    if stream:
        chunks = list(raw.parse())
        assert len([c for c in chunks if c.choices]) > 2
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    else:
        text = raw.parse().choices[0].message.content
    assert text == "reçu: Quelle heure est-il ?"
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert (record["status_code"], record["response"]) == (200, "reçu: Quelle heure est-il ?")
    assert record["completion_tokens"]


def test_tool_calls_pass_through_both_modes(gw: Gateway) -> None:
    sdk = client(gw)
    tools = [{"type": "function", "function": {
        "name": "get_weather", "parameters": {"type": "object", "properties": {
            "city": {"type": "string"}}, "required": ["city"]}}}]
    messages = [{"role": "user", "content": "Météo à Lyon ?"}]
    completion = sdk.chat.completions.create(model="fake-tools", messages=messages, tools=tools,
                                             tool_choice="auto")
    call = completion.choices[0].message.tool_calls[0]
    assert completion.choices[0].finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    sent = gw.fake.requests_for("fake-tools")[0].body
    assert sent["tools"] == tools and sent["tool_choice"] == "auto"

    stream = sdk.chat.completions.create(model="fake-tools", messages=messages, tools=tools,
                                         stream=True)
    arguments = ""
    names = []
    for chunk in stream:
        for delta_call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            if delta_call.function and delta_call.function.name:
                names.append(delta_call.function.name)
            arguments += (delta_call.function.arguments or "") if delta_call.function else ""
    assert names == ["get_weather"]
    assert json.loads(arguments) == json.loads(call.function.arguments)


def test_multi_part_content_is_accepted(gw: Gateway) -> None:
    sdk = client(gw)
    completion = sdk.chat.completions.create(model="gpt-test", messages=[{"role": "user", "content": [
        {"type": "text", "text": "Décris"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]}])
    assert completion.choices[0].message.content.startswith("reçu:")
    assert gw.fake.requests_for("fake-model")[0].body["messages"][0]["content"][1]["type"] == "image_url"


def test_tool_is_known_from_header_and_key(gw: Gateway) -> None:
    # The header names the tool for keys IT tagged « tool-header » only.
    sdk = gw.openai(tags=("tool-header",), default_headers={"X-Gateway-Tool": "continue"})
    raw = sdk.chat.completions.with_raw_response.create(
        model="echo", messages=[{"role": "user", "content": "x"}])
    assert gw.record(raw.headers["x-gateway-interaction-id"])["tool"] == "continue"
    untrusted = gw.openai(default_headers={"X-Gateway-Tool": "continue"})
    raw = untrusted.chat.completions.with_raw_response.create(
        model="echo", messages=[{"role": "user", "content": "x"}])
    assert gw.record(raw.headers["x-gateway-interaction-id"])["tool"] == "openai-python"
    bound = gw.openai(tool="open-webui")
    raw = bound.chat.completions.with_raw_response.create(
        model="echo", messages=[{"role": "user", "content": "x"}])
    assert gw.record(raw.headers["x-gateway-interaction-id"])["tool"] == "open-webui"


@pytest.mark.parametrize("model", ["azure-test", "mistral-test", "ollama-test"])
def test_each_openai_family_provider_reaches_its_api(gw: Gateway, model: str) -> None:
    sdk = client(gw)
    completion = sdk.chat.completions.create(model=model, messages=[{"role": "user", "content": "Salut"}])
    assert completion.choices[0].message.content == "reçu: Salut"
    sent = gw.fake.received[-1]
    if model == "azure-test":
        assert sent.path == "/openai/deployments/my-deployment/chat/completions"
        assert sent.query["api-version"] == "2024-10-21"
        assert sent.headers["api-key"] == UPSTREAM_KEY
        assert "authorization" not in sent.headers
    elif model == "mistral-test":
        assert sent.headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    else:  # a local Ollama needs no key: none is invented
        assert "authorization" not in sent.headers


def test_echo_model_answers_locally(gw: Gateway) -> None:
    sdk = client(gw)
    completion = sdk.chat.completions.create(
        model="echo", messages=[{"role": "user", "content": "Bonjour le monde"}])
    assert completion.choices[0].message.content == "Bonjour le monde"
    assert gw.fake.received == []
    chunks = list(sdk.chat.completions.create(
        model="echo", stream=True, messages=[{"role": "user", "content": "un deux trois"}]))
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == "un deux trois"

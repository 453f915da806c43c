"""``/v1/chat/completions`` with the openai SDK, reaching an Anthropic model (translated)."""

from __future__ import annotations

import json

import openai
import pytest

from tests.conftest import UPSTREAM_KEY, Gateway
from tests.fakes.anthropic_provider import FakeAnthropicProvider

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Météo d'une ville",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]}}}]


def client(gw: Gateway) -> openai.OpenAI:
    return gw.openai()


def test_chat_reaches_anthropic_translated(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="claude-test", stop=["FIN"], temperature=0.5,
        messages=[{"role": "system", "content": "Sois bref."},
                  {"role": "user", "content": "Quel temps fait-il ?"}],
    )
    completion = raw.parse()
    assert completion.choices[0].message.content == "reçu: Quel temps fait-il ?"
    assert completion.choices[0].finish_reason == "stop"
    assert completion.model == "claude-test"

    sent = fake_anthropic.requests_for("fake-model")
    assert len(sent) == 1 and sent[0].path == "/v1/messages"
    assert sent[0].headers["x-api-key"] == UPSTREAM_KEY
    assert sent[0].headers["anthropic-version"] == "2023-06-01"
    assert sent[0].body == {
        "model": "fake-model", "max_tokens": 4096, "system": "Sois bref.",
        "messages": [{"role": "user", "content": "Quel temps fait-il ?"}],
        "stop_sequences": ["FIN"], "temperature": 0.5,
    }

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    usage = completion.usage
    assert usage is not None
    assert (record["endpoint"], record["provider"], record["upstream_model"]) == (
        "/v1/chat/completions", "anthropic", "fake-model")
    assert record["response"] == "reçu: Quel temps fait-il ?"
    assert (record["prompt_tokens"], record["completion_tokens"]) == (
        usage.prompt_tokens, usage.completion_tokens)
    assert record["cost"] == pytest.approx(
        (usage.prompt_tokens * 3.0 + usage.completion_tokens * 15.0) / 1e6)


@pytest.mark.parametrize("include_usage", [True, False])
def test_chat_stream_from_anthropic(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider, include_usage: bool
) -> None:
    options = {"stream_options": {"include_usage": True}} if include_usage else {}
    raw = client(gw).chat.completions.with_raw_response.create(
        model="claude-test", stream=True,
        messages=[{"role": "user", "content": "Raconte une histoire courte"}], **options,
    )
    chunks = list(raw.parse())
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "reçu: Raconte une histoire courte"
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    usage_chunks = [c for c in chunks if not c.choices and c.usage]
    assert len(usage_chunks) == (1 if include_usage else 0)
    assert fake_anthropic.requests_for("fake-model")[0].body["stream"] is True

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["stream"] is True and record["status_code"] == 200
    assert record["response"] == text
    assert record["prompt_tokens"] and record["completion_tokens"]
    if include_usage:
        assert record["completion_tokens"] == usage_chunks[0].usage.completion_tokens


def test_chat_tool_calls_from_anthropic_both_modes(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    sdk = client(gw)
    messages: list = [{"role": "user", "content": "Météo à Lyon ?"}]
    completion = sdk.chat.completions.create(model="claude-tools", messages=messages,
                                             tools=TOOLS, tool_choice="required")
    choice = completion.choices[0]
    call = choice.message.tool_calls[0]
    assert choice.finish_reason == "tool_calls"
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": "Météo à Lyon ?"}
    sent = fake_anthropic.requests_for("fake-tools")[0].body
    assert sent["tools"] == [{"name": "get_weather", "description": "Météo d'une ville",
                              "input_schema": TOOLS[0]["function"]["parameters"]}]
    assert sent["tool_choice"] == {"type": "any"}

    stream = sdk.chat.completions.create(model="claude-tools", messages=messages, tools=TOOLS,
                                         stream=True)
    arguments, names, ids = "", [], []
    for chunk in stream:
        for delta_call in (chunk.choices[0].delta.tool_calls or []) if chunk.choices else []:
            if delta_call.id:
                ids.append(delta_call.id)
            if delta_call.function and delta_call.function.name:
                names.append(delta_call.function.name)
            arguments += (delta_call.function.arguments or "") if delta_call.function else ""
    assert names == ["get_weather"] and ids == [call.id]
    assert json.loads(arguments) == json.loads(call.function.arguments)

    follow_up = [*messages, choice.message.model_dump(exclude_none=True),
                 {"role": "tool", "tool_call_id": call.id, "content": "Soleil"}]
    answer = sdk.chat.completions.create(model="claude-test", messages=follow_up, tools=TOOLS)
    assert answer.choices[0].message.content == "reçu: Soleil"
    turns = fake_anthropic.requests_for("fake-model")[-1].body["messages"]
    assert turns[1]["content"][-1]["type"] == "tool_use" and turns[1]["content"][-1]["id"] == call.id
    assert turns[2]["content"] == [
        {"type": "tool_result", "tool_use_id": call.id, "content": "Soleil"}]


def test_chat_field_anthropic_cannot_take_is_refused(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client(gw).chat.completions.create(
            model="claude-test", n=2, messages=[{"role": "user", "content": "x"}])
    assert caught.value.body["param"] == "n"  # type: ignore[index]
    assert fake_anthropic.received == []


def test_chat_stream_cut_by_anthropic_is_reported(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    raw = client(gw).chat.completions.with_raw_response.create(
        model="claude-cut", stream=True, messages=[{"role": "user", "content": "Bonjour à tous"}])
    with pytest.raises(openai.APIError):
        list(raw.parse())
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 502 and record["decision"] == "error"

"""``POST /v1/messages`` with the official anthropic SDK, to Anthropic and to OpenAI-family models."""

from __future__ import annotations

import json
from typing import Any

import anthropic
import httpx
import pytest

from tests.conftest import UPSTREAM_KEY, Gateway
from tests.fakes.anthropic_provider import FakeAnthropicProvider

TOOLS: list[Any] = [{
    "name": "get_weather", "description": "Météo d'une ville",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                     "required": ["city"]},
}]


CURL = {"User-Agent": "curl/8.5.0"}  # an authorised tool for the bundled policies


def client(gw: Gateway, **kwargs: str) -> anthropic.Anthropic:
    return gw.anthropic(**kwargs)


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.split("\n") if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events


# --- to the (fake) Anthropic API: the body passes through natively --------------------------

def test_native_non_streaming_is_forwarded_and_recorded(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    sdk = client(gw, user="bob@exemple.fr", department="rh")
    raw = sdk.messages.with_raw_response.create(
        model="claude-test", max_tokens=256, system="Sois bref.", extra_body={"top_k": 5},
        stop_sequences=["FIN"], messages=[{"role": "user", "content": "Quel temps fait-il ?"}],
    )
    message = raw.parse()
    assert message.content[0].type == "text"
    assert message.content[0].text == "reçu: Quel temps fait-il ?"
    assert message.stop_reason == "end_turn"

    sent = fake_anthropic.requests_for("fake-model")
    assert len(sent) == 1 and sent[0].path == "/v1/messages"
    assert sent[0].headers["x-api-key"] == UPSTREAM_KEY
    assert sent[0].headers["anthropic-version"] == "2023-06-01"
    assert gw.key(user="bob@exemple.fr", department="rh") not in str(sent[0].headers)
    # Native: what OpenAI cannot express (top_k) reaches Anthropic untouched.
    assert sent[0].body == {
        "model": "fake-model", "max_tokens": 256, "system": "Sois bref.", "top_k": 5,
        "stop_sequences": ["FIN"],
        "messages": [{"role": "user", "content": "Quel temps fait-il ?"}],
    }

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["endpoint"] == "/v1/messages"
    assert record["tool"] == "anthropic-python"
    assert (record["model"], record["provider"], record["upstream_model"]) == (
        "claude-test", "anthropic", "fake-model")
    assert (record["user"], record["department"]) == ("bob@exemple.fr", "rh")
    assert record["status_code"] == 200 and record["decision"] == "allowed"
    assert record["stream"] is False
    # The stop sequence is text the provider receives: the record keeps the request's
    # other fields in one last entry.
    assert json.loads(record["prompt"]) == [
        {"role": "system", "content": "Sois bref."},
        {"role": "user", "content": "Quel temps fait-il ?"},
        {"role": "request",
         "content": {"max_tokens": 256, "top_k": 5, "stop_sequences": ["FIN"]}},
    ]
    assert record["response"] == "reçu: Quel temps fait-il ?"
    assert record["prompt_tokens"] == message.usage.input_tokens
    assert record["completion_tokens"] == message.usage.output_tokens
    expected = (message.usage.input_tokens * 3.0 + message.usage.output_tokens * 15.0) / 1e6
    assert record["cost"] == pytest.approx(expected)
    assert record["upstream_latency_ms"] > 0


def test_native_streaming_relays_anthropic_events(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    sdk = client(gw)
    with sdk.messages.stream(
        model="claude-test", max_tokens=100,
        messages=[{"role": "user", "content": "Raconte une histoire courte"}],
    ) as stream:
        interaction_id = stream.response.headers["x-gateway-interaction-id"]
        texts = list(stream.text_stream)
        final = stream.get_final_message()
    assert "".join(texts) == "reçu: Raconte une histoire courte"
    assert len(texts) > 1  # relayed as deltas, not one blob
    assert final.stop_reason == "end_turn"
    assert fake_anthropic.requests_for("fake-model")[0].body["stream"] is True

    record = gw.record(interaction_id)
    assert record["stream"] is True and record["status_code"] == 200
    assert record["response"] == "reçu: Raconte une histoire courte"
    assert record["prompt_tokens"] == final.usage.input_tokens
    assert record["completion_tokens"] == final.usage.output_tokens
    assert record["cost"] > 0


def test_native_tool_use_both_modes(gw: Gateway, fake_anthropic: FakeAnthropicProvider) -> None:
    sdk = client(gw)
    messages: list[Any] = [{"role": "user", "content": "Météo à Lyon ?"}]
    raw = sdk.messages.with_raw_response.create(
        model="claude-tools", max_tokens=100, tools=TOOLS, messages=messages)
    message = raw.parse()
    tool_use = next(block for block in message.content if block.type == "tool_use")
    assert message.stop_reason == "tool_use"
    assert tool_use.name == "get_weather" and tool_use.input == {"city": "Météo à Lyon ?"}
    assert gw.record(raw.headers["x-gateway-interaction-id"])["response"].endswith(
        '[tool_call] get_weather {"city":"Météo à Lyon ?"}')

    with sdk.messages.stream(model="claude-tools", max_tokens=100, tools=TOOLS,
                             messages=messages) as stream:
        final = stream.get_final_message()
    streamed = next(block for block in final.content if block.type == "tool_use")
    assert (streamed.name, streamed.input) == ("get_weather", tool_use.input)

    follow_up = [*messages, {"role": "assistant", "content": message.content}, {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": tool_use.id, "content": "Soleil"}],
    }]
    answer = sdk.messages.create(model="claude-test", max_tokens=100, tools=TOOLS,
                                 messages=follow_up)
    assert answer.content[0].text == "reçu: Soleil"
    sent = fake_anthropic.requests_for("fake-model")[-1].body
    assert sent["messages"][2]["content"][0] == {
        "type": "tool_result", "tool_use_id": tool_use.id, "content": "Soleil"}


# --- to OpenAI-family models: translated both ways ------------------------------------------

def test_translated_non_streaming_reaches_openai_compatible(gw: Gateway) -> None:
    sdk = client(gw)
    raw = sdk.messages.with_raw_response.create(
        model="gpt-test", max_tokens=64, system="Sois bref.", stop_sequences=["FIN"],
        messages=[{"role": "user", "content": [{"type": "text", "text": "Bonjour"}]}],
    )
    message = raw.parse()
    assert message.content[0].text == "reçu: Bonjour"
    assert message.model == "gpt-test" and message.stop_reason == "end_turn"
    assert message.id.startswith("msg_")

    sent = gw.fake.requests_for("fake-model")[0]
    assert sent.headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
    assert sent.body["messages"] == [
        {"role": "system", "content": "Sois bref."},
        {"role": "user", "content": [{"type": "text", "text": "Bonjour"}]}]
    assert (sent.body["max_tokens"], sent.body["stop"]) == (64, ["FIN"])

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["endpoint"] == "/v1/messages" and record["provider"] == "openai_compatible"
    assert record["response"] == "reçu: Bonjour"
    assert record["prompt_tokens"] == message.usage.input_tokens
    assert record["completion_tokens"] == message.usage.output_tokens


def test_translated_streaming_emits_anthropic_event_sequence(gw: Gateway) -> None:
    headers = {"x-api-key": gw.key(), "anthropic-version": "2023-06-01", **CURL}
    body = {"model": "gpt-test", "max_tokens": 50, "stream": True,
            "messages": [{"role": "user", "content": "Salut à tous"}]}
    response = httpx.post(f"{gw.url}/v1/messages", json=body, headers=headers, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    events = sse_events(response.text)
    names = [name for name, _ in events]
    assert names[:3] == ["message_start", "ping", "content_block_start"]
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]
    assert all(name == data["type"] for name, data in events)
    text = "".join(d["delta"]["text"] for n, d in events if n == "content_block_delta")
    assert text == "reçu: Salut à tous"
    delta = events[-2][1]
    assert delta["delta"]["stop_reason"] == "end_turn" and delta["usage"]["output_tokens"] > 0
    assert gw.fake.requests_for("fake-model")[0].body["stream_options"]["include_usage"] is True

    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["stream"] is True and record["response"] == text
    assert record["prompt_tokens"] == delta["usage"]["input_tokens"]
    assert record["completion_tokens"] == delta["usage"]["output_tokens"]


def test_translated_stream_with_the_sdk(gw: Gateway) -> None:
    with client(gw).messages.stream(
        model="ollama-test", max_tokens=50, messages=[{"role": "user", "content": "Salut"}],
    ) as stream:
        final = stream.get_final_message()
        interaction_id = stream.response.headers["x-gateway-interaction-id"]
    assert final.content[0].text == "reçu: Salut"
    assert final.usage.input_tokens > 0 and final.usage.output_tokens > 0
    assert gw.record(interaction_id)["completion_tokens"] == final.usage.output_tokens


def test_translated_tool_use_both_modes(gw: Gateway) -> None:
    sdk = client(gw)
    messages: list[Any] = [{"role": "user", "content": "Météo à Lyon ?"}]
    message = sdk.messages.create(model="fake-tools", max_tokens=100, tools=TOOLS,
                                  tool_choice={"type": "auto"}, messages=messages)
    tool_use = next(block for block in message.content if block.type == "tool_use")
    assert message.stop_reason == "tool_use"
    assert tool_use.name == "get_weather" and tool_use.input == {"city": "Météo à Lyon ?"}
    sent = gw.fake.requests_for("fake-tools")[0].body
    assert sent["tools"] == [{"type": "function", "function": {
        "name": "get_weather", "description": "Météo d'une ville",
        "parameters": TOOLS[0]["input_schema"]}}]
    assert sent["tool_choice"] == "auto"

    with sdk.messages.stream(model="fake-tools", max_tokens=100, tools=TOOLS,
                             messages=messages) as stream:
        final = stream.get_final_message()
    streamed = next(block for block in final.content if block.type == "tool_use")
    assert (streamed.id, streamed.name, streamed.input) == (
        tool_use.id, "get_weather", tool_use.input)
    assert final.stop_reason == "tool_use"

    follow_up = [*messages, {"role": "assistant", "content": message.content}, {
        "role": "user", "content": [
            {"type": "tool_result", "tool_use_id": tool_use.id, "content": "Soleil"},
            {"type": "text", "text": "Et demain ?"}]}]
    answer = sdk.messages.create(model="gpt-test", max_tokens=100, tools=TOOLS,
                                 messages=follow_up)
    assert answer.content[0].text == "reçu: Et demain ?"
    sent_messages = gw.fake.requests_for("fake-model")[-1].body["messages"]
    assert sent_messages[1]["tool_calls"][0]["id"] == tool_use.id
    assert sent_messages[2] == {"role": "tool", "tool_call_id": tool_use.id, "content": "Soleil"}
    assert sent_messages[3]["role"] == "user"


@pytest.mark.parametrize("model", ["azure-test", "mistral-test", "ollama-test", "echo"])
def test_every_openai_family_model_answers_messages(gw: Gateway, model: str) -> None:
    raw = client(gw).messages.with_raw_response.create(
        model=model, max_tokens=50, messages=[{"role": "user", "content": "Salut"}])
    message = raw.parse()
    assert message.content[0].text == ("Salut" if model == "echo" else "reçu: Salut")
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 200 and record["completion_tokens"]


def test_count_tokens_is_answered_locally(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    sdk = client(gw)
    counted = sdk.messages.count_tokens(
        model="claude-test", system="Sois bref.", tools=TOOLS,
        messages=[{"role": "user", "content": "Bonjour, comment vas-tu ?"}])
    assert counted.input_tokens > 350  # the tools overhead is counted
    assert fake_anthropic.received == []
    response = httpx.post(f"{gw.url}/v1/messages/count_tokens", timeout=10, headers=CURL,
                          json={"model": "claude-test", "messages": []})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "authentication_error"
    with pytest.raises(anthropic.NotFoundError):
        sdk.messages.count_tokens(model="inconnu",
                                  messages=[{"role": "user", "content": "x"}])


# --- errors, in the Anthropic shape, recorded ------------------------------------------------

def post(gw: Gateway, body: Any, key: str | None = "default", **headers: str) -> httpx.Response:
    if key == "default":
        key = gw.key()
    sent = {**CURL, "anthropic-version": "2023-06-01", **headers}
    if key is not None:
        sent["x-api-key"] = key
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(f"{gw.url}/v1/messages", content=content, headers=sent, timeout=10)


def anthropic_error(response: httpx.Response, status: int, kind: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == "error" and body["error"]["type"] == kind
    assert body["interaction_id"] == response.headers["x-gateway-interaction-id"]
    return str(body["error"]["message"])


HELLO = [{"role": "user", "content": "Bonjour"}]


def test_errors_use_the_anthropic_shape(gw: Gateway) -> None:
    anthropic_error(post(gw, {"model": "claude-test"}, key=None), 401, "authentication_error")
    anthropic_error(post(gw, {}, key="gw-inconnue"), 401, "authentication_error")
    anthropic_error(post(gw, b"{pas du json"), 400, "invalid_request_error")
    message = anthropic_error(post(gw, {"model": "claude-test", "messages": HELLO}),
                              400, "invalid_request_error")
    assert "max_tokens" in message
    response = post(gw, {"model": "inconnu", "max_tokens": 10, "messages": HELLO})
    anthropic_error(response, 404, "not_found_error")
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert (record["endpoint"], record["status_code"], record["decision"]) == (
        "/v1/messages", 404, "error")


def test_untranslatable_field_is_refused_by_name(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider
) -> None:
    body = {"model": "gpt-test", "max_tokens": 10, "messages": HELLO, "top_k": 5}
    response = post(gw, body)
    assert "top_k" in anthropic_error(response, 400, "invalid_request_error")
    assert gw.fake.received == []  # refused before anything was forwarded
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 400 and "top_k" in record["error"]

    with pytest.raises(anthropic.BadRequestError, match="thinking"):
        client(gw).messages.create(model="gpt-test", max_tokens=2000, messages=HELLO,
                                   thinking={"type": "enabled", "budget_tokens": 1024})


@pytest.mark.parametrize(("model", "status"), [
    ("claude-error-500", 502), ("claude-error-529", 502), ("fake-error-500", 502),
    ("claude-error-400", 400),
])
def test_upstream_failures_are_mapped_and_recorded(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider, model: str, status: int
) -> None:
    for stream in (False, True):
        body = {"model": model, "max_tokens": 10, "messages": HELLO, "stream": stream}
        response = post(gw, body)
        kind = "invalid_request_error" if status == 400 else "api_error"
        anthropic_error(response, status, kind)
        record = gw.record(response.headers["x-gateway-interaction-id"])
        assert record["status_code"] == status and record["decision"] == "error"
        assert record["stream"] is stream


@pytest.mark.parametrize("model", ["claude-cut", "fake-cut"])
def test_provider_cut_mid_stream_ends_with_an_error_event(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider, model: str
) -> None:
    response = post(gw, {"model": model, "max_tokens": 50, "messages": HELLO, "stream": True})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert events[-1][0] == "error" and "message_stop" not in [n for n, _ in events]
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 502 and record["decision"] == "error"


@pytest.mark.parametrize("model", ["claude-drip", "fake-drip"])
def test_client_disconnect_mid_stream_completes_the_record(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider, model: str
) -> None:
    headers = {"x-api-key": gw.key(), **CURL}
    body = {"model": model, "max_tokens": 500, "stream": True,
            "messages": [{"role": "user", "content": "Longue réponse"}]}
    deltas = 0
    with httpx.Client(base_url=gw.url, timeout=10) as http, \
            http.stream("POST", "/v1/messages", json=body, headers=headers) as response:
        assert response.status_code == 200
        interaction_id = response.headers["x-gateway-interaction-id"]
        for line in response.iter_lines():
            deltas += line == "event: content_block_delta"
            if deltas >= 4:
                break  # leave: closing the client drops the connection mid-stream
    record = gw.record(interaction_id)
    assert record["state"] == "complete"
    assert record["status_code"] == 499
    assert record["error"].startswith("client_disconnected")
    assert record["response"]  # the partial answer
    fake = fake_anthropic if model.startswith("claude") else gw.fake
    assert fake.wait_for(lambda: fake.aborted_streams == 1, timeout=5)

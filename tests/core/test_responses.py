"""``POST /v1/responses`` with the official openai SDK, to every kind of catalogue model.

``openai-*`` entries are OpenAI itself (the body passes through), ``gpt-test`` and
``fake-tools`` an OpenAI-compatible chat server, ``claude-*`` Anthropic, ``echo`` the local
model: the last three get the request translated to chat and the answer back.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import openai
import pytest

from gateway.proxy.fields.responses import responses_tool_names
from gateway.proxy.responses_content import hosted_tools
from tests.conftest import UPSTREAM_KEY, Gateway
from tests.fakes.anthropic_provider import FakeAnthropicProvider

TOOLS: list[Any] = [{
    "type": "function", "name": "get_weather", "description": "Météo d'une ville",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
                   "required": ["city"]},
}]
# One model per way of reaching a provider: passed through, chat, Anthropic.
ROUTES = ["openai-test", "gpt-test", "claude-test"]
TOOL_ROUTES = ["openai-tools", "fake-tools", "claude-tools"]


@pytest.fixture(autouse=True)
def _anthropic_reset(fake_anthropic: FakeAnthropicProvider) -> None:
    """The fake Anthropic provider's requests are this test's only."""


def sent_to(gw: Gateway, model: str) -> Any:
    """The request the provider behind ``model`` received last."""
    fake = gw.fake_anthropic if model.startswith("claude") else gw.fake
    assert fake is not None
    return fake.received[-1]


@pytest.mark.parametrize("model", [*ROUTES, "echo", "azure-test", "mistral-test"])
def test_create_reaches_every_kind_of_model(gw: Gateway, model: str) -> None:
    raw = gw.openai().responses.with_raw_response.create(
        model=model, instructions="Sois bref.", input="Quel temps fait-il ?",
        max_output_tokens=200, temperature=0.2)
    response = raw.parse()
    expected = "Quel temps fait-il ?" if model == "echo" else "reçu: Quel temps fait-il ?"
    assert response.output_text == expected
    assert response.status == "completed" and response.model == model
    interaction = raw.headers["x-gateway-interaction-id"]
    assert response.id == "resp_" + interaction.replace("-", "")
    assert response.instructions == "Sois bref."
    assert response.usage is not None and response.usage.output_tokens > 0

    if model != "echo":
        sent = sent_to(gw, model)
        if model == "openai-test":  # passed through, never stored at the provider
            assert sent.path == "/v1/responses"
            assert sent.body["store"] is False and sent.body["model"] == "fake-model"
            assert sent.body["instructions"] == "Sois bref."
            assert sent.body["max_output_tokens"] == 200
            assert sent.headers["authorization"] == f"Bearer {UPSTREAM_KEY}"
        elif model == "azure-test":  # Azure's v1 surface, the deployment as the model
            assert sent.path == "/openai/v1/responses"
            assert sent.body["model"] == "my-deployment" and sent.body["store"] is False
            assert sent.headers["api-key"] == UPSTREAM_KEY
        elif model.startswith("claude"):
            assert sent.path == "/v1/messages"
            assert sent.body["system"] == "Sois bref." and sent.body["max_tokens"] == 200
        else:
            assert sent.path.endswith("/chat/completions")
            assert sent.body["messages"][0] == {"role": "system", "content": "Sois bref."}
            assert sent.body["max_tokens"] == 200

    record = gw.record(interaction)
    assert record["endpoint"] == "/v1/responses" and record["tool"] == "openai-python"
    assert record["status_code"] == 200 and record["model"] == model
    assert record["response"] == expected
    assert json.loads(record["prompt"]) == [
        {"role": "system", "content": "Sois bref."},
        {"role": "user", "content": "Quel temps fait-il ?"}]
    assert record["prompt_tokens"] == response.usage.input_tokens
    assert record["completion_tokens"] == response.usage.output_tokens
    # Counted against the budgets and rate limits, as chat is.
    assert {"budget-mensuel-par-service", "debit-par-personne"} <= set(record["rule_ids"])


@pytest.mark.parametrize("model", [*ROUTES, "echo", "openai-bytes"])
def test_stream_gives_the_typed_events_and_the_final_response(gw: Gateway, model: str) -> None:
    with gw.openai().responses.stream(
            model=model, input="Raconte une histoire courte.") as stream:
        events = list(stream)
        final = stream.get_final_response()
    kinds = [event.type for event in events]
    assert kinds[:2] == ["response.created", "response.in_progress"]
    assert kinds[-1] == "response.completed"
    assert "response.output_item.added" in kinds and "response.output_text.done" in kinds
    assert [event.sequence_number for event in events] == list(range(len(events)))
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    expected = "Raconte une histoire courte."
    expected = expected if model == "echo" else "reçu: " + expected
    assert deltas == expected and final.output_text == expected
    assert final.usage is not None and final.usage.output_tokens > 0
    if model in ("openai-test", "openai-bytes"):
        assert sent_to(gw, model).body["stream"] is True


@pytest.mark.parametrize("model", TOOL_ROUTES)
@pytest.mark.parametrize("stream", [False, True])
def test_function_call_and_its_output_round_trip(gw: Gateway, model: str, stream: bool) -> None:
    sdk = gw.openai()
    question = [{"role": "user", "content": "Quel temps à Brest ?"}]
    if stream:
        with sdk.responses.stream(model=model, input=question, tools=TOOLS) as events:
            arguments = "".join(e.delta for e in events
                                if e.type == "response.function_call_arguments.delta")
            first = events.get_final_response()
    else:
        first = sdk.responses.create(model=model, input=question, tools=TOOLS)
    calls = [item for item in first.output if item.type == "function_call"]
    assert len(calls) == 1 and calls[0].name == "get_weather"
    assert json.loads(calls[0].arguments) == {"city": "Quel temps à Brest ?"}
    if stream:
        assert arguments == calls[0].arguments
    call = calls[0]
    second = sdk.responses.create(model=model, tools=TOOLS, input=[
        *question,
        {"type": "function_call", "call_id": call.call_id, "name": call.name,
         "arguments": call.arguments},
        {"type": "function_call_output", "call_id": call.call_id, "output": "22 °C, ensoleillé"},
    ])
    assert second.output_text == "reçu: 22 °C, ensoleillé"
    sent = sent_to(gw, model)
    if model.startswith("claude"):
        results = [block for message in sent.body["messages"] for block in message["content"]
                   if isinstance(block, dict) and block.get("type") == "tool_result"]
        assert results[0]["tool_use_id"] == call.call_id
    elif model == "fake-tools":
        assert sent.body["messages"][-1] == {
            "role": "tool", "tool_call_id": call.call_id, "content": "22 °C, ensoleillé"}
    else:
        assert sent.body["input"][-1]["output"] == "22 °C, ensoleillé"


def test_structured_output_reaches_chat_models_as_response_format(gw: Gateway) -> None:
    schema = {"type": "object", "properties": {"ville": {"type": "string"}},
              "required": ["ville"], "additionalProperties": False}
    gw.openai().responses.create(
        model="gpt-test", input="Donne une ville.",
        text={"format": {"type": "json_schema", "name": "ville", "schema": schema,
                         "strict": True}})
    assert gw.fake.received[-1].body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "ville", "schema": schema, "strict": True}}


@pytest.mark.parametrize(("model", "extra", "param"), [
    ("gpt-test", {"tools": [{"type": "custom", "name": "grammaire"}]}, "tools[0]"),
    ("gpt-test", {"background": True}, "background"),
    ("claude-test", {"text": {"format": {"type": "json_object"}}}, "text.format"),
    ("claude-test", {"temperature": 1.5}, "temperature"),
])
def test_an_untranslatable_field_is_a_400_naming_it(
    gw: Gateway, model: str, extra: dict[str, Any], param: str
) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        gw.openai().responses.create(model=model, input="Bonjour", **extra)
    assert info.value.body["param"] == param
    assert param in info.value.body["message"]
    assert gw.fake.received == [] and (gw.fake_anthropic is None or
                                       gw.fake_anthropic.received == [])


@pytest.mark.parametrize("model", ["openai-test", "gpt-test"])
def test_hosted_tools_are_refused_unless_a_policy_allows_them(gw: Gateway, model: str) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        gw.openai().responses.create(
            model=model, input="Actualités du jour", tools=[{"type": "web_search"}])
    assert info.value.body["param"] == "tools[0]"
    assert "web_search" in info.value.body["message"]
    assert gw.fake.received == []


def test_bad_bodies_get_a_clear_400(gw: Gateway) -> None:
    sdk = gw.openai()
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-test", input="x", max_output_tokens=0)
    assert info.value.body["param"] == "max_output_tokens"
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-test", input=[])
    assert info.value.body["param"] == "input"
    with pytest.raises(openai.NotFoundError):
        sdk.responses.create(model="inconnu", input="x")
    assert gw.fake.received == []


def test_a_cut_stream_ends_with_response_failed(gw: Gateway) -> None:
    with gw.openai().responses.stream(model="openai-cut", input="un deux trois quatre") as s:
        events = list(s)
    assert events[-1].type == "response.failed"
    assert events[-2].type == "error"
    assert [e.sequence_number for e in events] == list(range(len(events)))


def test_a_chat_stream_ended_without_finish_reason_fails_and_completes_its_record(
    gw: Gateway,
) -> None:
    """A chat model's stream read as Responses is whole only with its finish reason: one
    ended by ``[DONE]`` alone fails like a cut one, and its record is still completed."""
    raw = gw.openai().responses.with_raw_response.create(
        model="fake-unfinished", input="un deux trois quatre", stream=True)
    events = list(raw.parse())
    assert [e.type for e in events[-2:]] == ["error", "response.failed"]
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert (record["decision"], record["status_code"]) == ("error", 502)
    assert record["error"].startswith("upstream_error:")


# --- POST /v1/completions ---------------------------------------------------------------------

@pytest.mark.parametrize("model", ["gpt-test", "coder-native", "claude-test", "echo"])
def test_completions_reach_chat_and_native_models(gw: Gateway, model: str) -> None:
    raw = gw.openai().completions.with_raw_response.create(
        model=model, prompt="Il était une fois", max_tokens=20, stop=["\n"])
    completion = raw.parse()
    assert completion.object == "text_completion" and completion.model == model
    text = completion.choices[0].text
    assert text == ("Il était une fois" if model == "echo" else "reçu: Il était une fois")
    if model == "coder-native":
        sent = sent_to(gw, model)
        assert sent.path == "/v1/completions" and sent.body["stop"] == ["\n"]
    elif model != "echo":
        sent = sent_to(gw, model)
        assert "/completions" not in sent.path or sent.path.endswith("/chat/completions")
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["endpoint"] == "/v1/completions" and record["response"] == text
    assert record["prompt_tokens"] == completion.usage.prompt_tokens  # type: ignore[union-attr]


@pytest.mark.parametrize("model", ["gpt-test", "coder-native"])
@pytest.mark.parametrize("usage", [False, True])
def test_completions_stream_usage_only_when_asked(gw: Gateway, model: str, usage: bool) -> None:
    options: Any = {"stream_options": {"include_usage": True}} if usage else {}
    chunks = list(gw.openai().completions.create(
        model=model, prompt="Bonjour", stream=True, **options))
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    assert text == "reçu: Bonjour"
    assert any(c.usage is not None for c in chunks) is usage
    assert any(c.choices and c.choices[0].finish_reason == "stop" for c in chunks)


def test_completions_refuse_what_chat_cannot_carry(gw: Gateway) -> None:
    with pytest.raises(openai.BadRequestError) as info:
        gw.openai().completions.create(model="gpt-test", prompt="x", echo=True)
    assert info.value.body["param"] == "echo"
    with pytest.raises(openai.BadRequestError) as info:
        gw.openai().completions.create(model="gpt-test", prompt=[1, 2, 3])
    assert info.value.body["param"] == "prompt"
    assert gw.fake.received == []


def test_client_run_tools_are_not_hosted_ones() -> None:
    """Codex's shell, patches and tool namespaces run at the client; search runs upstream."""
    body = {"tools": [
        {"type": "local_shell"}, {"type": "apply_patch"},
        {"type": "namespace", "name": "mcp__docs", "tools": [
            {"type": "function", "name": "search_docs", "parameters": {}}]},
        {"type": "web_search"}, {"type": "code_interpreter", "container": {"type": "auto"}},
    ]}
    assert hosted_tools(body) == [(3, "web_search"), (4, "code_interpreter")]
    assert responses_tool_names(body) == [
        "local_shell", "apply_patch", "mcp__docs", "search_docs", "web_search",
        "code_interpreter"]


def test_metrics_count_both_endpoints(gw: Gateway) -> None:
    sdk = gw.openai()
    sdk.responses.create(model="claude-test", input="compte")
    with sdk.responses.stream(model="openai-test", input="compte") as events:
        events.get_final_response()
    sdk.completions.create(model="gpt-test", prompt="compte")
    text = httpx.get(gw.url + "/metrics", timeout=30).text
    for endpoint, model in (("/v1/responses", "claude-test"), ("/v1/responses", "openai-test"),
                            ("/v1/completions", "gpt-test")):
        assert (f'gateway_requests_total{{endpoint="{endpoint}",model="{model}",status="200"}}'
                in text), (endpoint, model)
    assert 'gateway_upstream_duration_seconds_count{model="claude-test",provider="anthropic"}' \
        in text

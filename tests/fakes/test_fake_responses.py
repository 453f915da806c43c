"""Self-tests of the fake OpenAI provider's Responses API and legacy Completions, through the
official openai SDK (its types and its stream accumulator are the reference)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest

from .openai_provider import FakeOpenAIProvider

TOOL: Any = {"type": "function", "name": "get_weather", "description": "Météo d'une ville",
             "strict": True, "parameters": {
                 "type": "object", "properties": {"city": {"type": "string"}},
                 "required": ["city"], "additionalProperties": False}}


@pytest.fixture
def oai(fake_openai: FakeOpenAIProvider) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=fake_openai.url + "/v1", api_key="x", max_retries=0) as client:
        yield client


def test_responses_text_both_modes(oai: openai.OpenAI, fake_openai: FakeOpenAIProvider) -> None:
    response = oai.responses.create(model="fake-model", input="Bonjour", instructions="Bref.",
                                    store=False)
    assert response.output_text == "reçu: Bonjour"
    assert response.status == "completed" and response.usage is not None
    assert fake_openai.received[-1].body["store"] is False

    with oai.responses.stream(model="fake-model", input=[
            {"role": "user", "content": [{"type": "input_text", "text": "Salut à tous"}]}]) as s:
        deltas = [e.delta for e in s if e.type == "response.output_text.delta"]
        final = s.get_final_response()
    assert "".join(deltas) == final.output_text == "reçu: Salut à tous"
    assert fake_openai.completed_streams == 1


def test_responses_function_call_round_trip(oai: openai.OpenAI) -> None:
    first = oai.responses.create(model="fake-tools", input="Météo à Lyon ?", tools=[TOOL])
    call = first.output[0]
    assert call.type == "function_call" and json.loads(call.arguments) == {
        "city": "Météo à Lyon ?"}
    second = oai.responses.create(model="fake-tools", tools=[TOOL], input=[
        {"role": "user", "content": "Météo à Lyon ?"}, call.model_dump(exclude_none=True),
        {"type": "function_call_output", "call_id": call.call_id, "output": "Soleil"}])
    assert second.output_text == "reçu: Soleil"

    with oai.responses.stream(model="fake-tools", input="Météo ?", tools=[TOOL]) as stream:
        kinds = [event.type for event in stream]
        final = stream.get_final_response()
    assert "response.function_call_arguments.delta" in kinds
    assert final.output[0].type == "function_call"


def test_responses_web_search_reasoning_and_schema(oai: openai.OpenAI) -> None:
    searched = oai.responses.create(model="fake-model", input="Actualités",
                                    tools=[{"type": "web_search"}])
    assert [item.type for item in searched.output] == ["web_search_call", "message"]
    reasoned = oai.responses.create(model="fake-reasoning", input="Pourquoi ?",
                                    include=["reasoning.encrypted_content"], store=False)
    first = reasoned.output[0]
    assert first.type == "reasoning" and first.encrypted_content
    shaped = oai.responses.create(model="fake-model", input="x", text={"format": {
        "type": "json_schema", "name": "r", "schema": {"type": "object", "properties": {
            "n": {"type": "integer"}}}}})
    assert json.loads(shaped.output_text) == {"n": 42}


def test_responses_refuse_provider_side_state(oai: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError, match="not found"):
        oai.responses.create(model="fake-model", input="x", previous_response_id="resp_1")


def test_azure_v1_responses(fake_openai: FakeOpenAIProvider) -> None:
    url = fake_openai.url + "/openai/v1/responses"
    answer = httpx.post(url, json={"model": "my-deployment", "input": "x"},
                        headers={"api-key": "k"})
    assert answer.status_code == 200 and answer.json()["model"] == "my-deployment"
    assert httpx.post(url, json={"model": "d", "input": "x"}).status_code == 401


def test_completions_prompt_suffix_both_modes(oai: openai.OpenAI) -> None:
    done = oai.completions.create(model="fake-model", prompt="def f(", suffix="):", max_tokens=5)
    assert done.choices[0].text == "reçu: def f( | suffixe: ):"
    chunks = list(oai.completions.create(model="fake-model", prompt="abc", stream=True,
                                         stream_options={"include_usage": True}))
    assert "".join(c.text for chunk in chunks for c in chunk.choices) == "reçu: abc"
    assert chunks[-1].usage is not None and chunks[-1].usage.total_tokens > 0


def test_bytes_mode_splits_every_byte(fake_openai: FakeOpenAIProvider) -> None:
    with httpx.stream("POST", fake_openai.url + "/v1/responses",
                      json={"model": "fake-bytes", "input": "é", "stream": True}) as answer:
        pieces = list(answer.iter_raw())
    body = b"".join(pieces)
    assert body.count(b"event: ") == len(body.split(b"\n\n")) - 1
    assert b"response.completed" in body and len(pieces) > 1

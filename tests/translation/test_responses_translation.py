"""Responses and legacy Completions ⇄ Chat Completions (and Anthropic, through chat).

Property tests: a Responses conversation keeps its meaning once translated (and through
Anthropic and back); a chat answer, streamed in any split, gives the same Responses object
as the complete answer, every event validates against the openai SDK's types and the SDK's
own stream accumulator accepts the sequence; the same for Anthropic answers. Then the
legacy Completions shapes, and what is refused, by name.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from openai import omit
from openai.lib.streaming.responses._responses import ResponseStreamState
from openai.types import Completion
from openai.types.chat import ChatCompletion
from openai.types.responses import Response, ResponseStreamEvent
from pydantic import TypeAdapter

from gateway.translation import (
    AnthropicToOpenAIStream,
    ChatToResponsesStream,
    TranslationError,
    anthropic_request_to_openai,
    anthropic_response_to_openai,
    chat_chunk_to_completion_chunk,
    chat_completion_to_response,
    chat_completion_to_text_completion,
    completions_request_to_chat,
    response_shell,
    responses_request_to_anthropic,
    responses_request_to_chat,
)

from ._helpers import validate_anthropic_request, validate_openai_request
from .test_translation_properties import (
    SETTINGS,
    _anthropic_events,
    _openai_chunks,
    anthropic_messages,
    arguments,
    call_ids,
    names,
    openai_responses,
    texts,
)

EVENT = TypeAdapter(ResponseStreamEvent)
REQUEST: dict[str, Any] = {"model": "client-model"}


# --- requests ------------------------------------------------------------------------------

@st.composite
def responses_inputs(draw: st.DrawFn) -> list[dict[str, Any]]:
    """A conversation as Responses input items: messages, calls and their outputs."""
    items: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            items.append({"role": "user", "content": draw(texts)})
        else:
            parts = draw(st.lists(texts, min_size=1, max_size=3))
            items.append({"type": "message", "role": "user",
                          "content": [{"type": "input_text", "text": t} for t in parts]})
        if draw(st.booleans()):
            items.append({"type": "message", "role": "assistant", "status": "completed",
                          "content": [{"type": "output_text", "text": draw(texts),
                                       "annotations": []}]})
        for call_id in draw(st.lists(call_ids, max_size=2, unique=True)):
            items.append({"type": "function_call", "call_id": call_id, "name": draw(names),
                          "arguments": json.dumps(draw(arguments))})
            items.append({"type": "function_call_output", "call_id": call_id,
                          "output": draw(texts)})
    return items


def responses_meaning(body: dict[str, Any]) -> list[tuple[Any, ...]]:
    """What the model reads, in order: instructions, texts, calls and their outputs."""
    out: list[tuple[Any, ...]] = []
    if body.get("instructions"):
        out.append(("system", body["instructions"]))
    for item in body["input"]:
        kind = item.get("type", "message")
        if kind == "message":
            content = item["content"]
            parts = [content] if isinstance(content, str) else [p["text"] for p in content]
            if item["role"] == "assistant":
                out.append(("assistant", "".join(parts)))
            else:  # one entry per part: consecutive user turns may merge
                out.extend((item["role"], part) for part in parts)
        elif kind == "function_call":
            out.append(("call", item["call_id"], item["name"], json.loads(item["arguments"])))
        else:
            out.append(("tool", item["call_id"], item["output"]))
    return out


def chat_meaning(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for message in messages:
        role, content = message["role"], message.get("content")
        if role == "tool":
            out.append(("tool", message["tool_call_id"], content))
            continue
        if role == "assistant":
            if content:
                out.append(("assistant", content))
        elif content is not None:
            parts = [content] if isinstance(content, str) else [p["text"] for p in content]
            out.extend((role, part) for part in parts)
        for call in message.get("tool_calls") or []:
            function = call["function"]
            out.append(("call", call["id"], function["name"], json.loads(function["arguments"])))
    return out


@SETTINGS
@given(responses_inputs(), st.none() | texts)
def test_responses_request_keeps_its_meaning_in_chat(
    items: list[dict[str, Any]], instructions: str | None
) -> None:
    body = {**REQUEST, "input": items, "instructions": instructions, "max_output_tokens": 64,
            "temperature": 0.3, "store": False, "include": ["reasoning.encrypted_content"]}
    chat = responses_request_to_chat(body, max_tokens_field="max_completion_tokens")
    validate_openai_request(chat)
    assert chat_meaning(chat["messages"]) == responses_meaning(body)
    assert chat["max_completion_tokens"] == 64 and chat["temperature"] == 0.3
    assert "store" not in chat and "include" not in chat


@SETTINGS
@given(responses_inputs(), st.none() | texts)
def test_responses_request_reaches_anthropic_and_back(
    items: list[dict[str, Any]], instructions: str | None
) -> None:
    body = {**REQUEST, "input": items, "instructions": instructions}
    anthropic = responses_request_to_anthropic(body)
    validate_anthropic_request(anthropic)
    back = anthropic_request_to_openai(anthropic)
    assert chat_meaning(back["messages"]) == responses_meaning(body)


def test_string_input_tools_choice_and_format() -> None:
    body = {
        **REQUEST, "input": "Bonjour", "instructions": "Sois bref.",
        "tools": [{"type": "function", "name": "meteo", "description": "Météo",
                   "parameters": {"type": "object", "properties": {"ville": {"type": "string"}}},
                   "strict": True}],
        "tool_choice": {"type": "function", "name": "meteo"}, "parallel_tool_calls": False,
        "text": {"format": {"type": "json_schema", "name": "r", "schema": {"type": "object"},
                            "strict": True}, "verbosity": "low"},
        "reasoning": {"effort": "low", "summary": "auto"}, "top_p": 0.5, "user": "u1",
        "stream": True,
    }
    chat = responses_request_to_chat(body)
    validate_openai_request(chat)
    assert chat["messages"] == [{"role": "system", "content": "Sois bref."},
                                {"role": "user", "content": "Bonjour"}]
    assert chat["tools"] == [{"type": "function", "function": {
        "name": "meteo", "description": "Météo", "strict": True,
        "parameters": {"type": "object", "properties": {"ville": {"type": "string"}}}}}]
    assert chat["tool_choice"] == {"type": "function", "function": {"name": "meteo"}}
    assert chat["response_format"] == {"type": "json_schema", "json_schema": {
        "name": "r", "schema": {"type": "object"}, "strict": True}}
    assert chat["verbosity"] == "low" and chat["reasoning_effort"] == "low"
    assert chat["parallel_tool_calls"] is False and chat["stream"] is True
    assert chat["top_p"] == 0.5 and chat["user"] == "u1"


def test_images_files_and_reasoning_items() -> None:
    body = {**REQUEST, "input": [
        {"type": "reasoning", "id": "rs_1", "summary": [], "encrypted_content": "gAAA"},
        {"role": "developer", "content": "Règle"},
        {"role": "user", "content": [
            {"type": "input_text", "text": "Que vois-tu ?"},
            {"type": "input_image", "image_url": "https://exemple.fr/a.png", "detail": "auto"},
            {"type": "input_file", "filename": "a.pdf", "file_data": "data:application/pdf;base64,AA"},
        ]},
    ]}
    chat = responses_request_to_chat(body)
    validate_openai_request(chat)
    assert chat["messages"] == [
        {"role": "system", "content": "Règle"},
        {"role": "user", "content": [
            {"type": "text", "text": "Que vois-tu ?"},
            {"type": "image_url", "image_url": {"url": "https://exemple.fr/a.png"}},
            {"type": "file", "file": {"file_data": "data:application/pdf;base64,AA",
                                      "filename": "a.pdf"}},
        ]},
    ]


@pytest.mark.parametrize(("body", "param"), [
    ({"tools": [{"type": "web_search"}]}, "tools[0]"),
    ({"tools": [{"type": "function", "name": "f", "parameters": {}, "strict": None,
                 "defer_loading": True}]}, "tools[0].defer_loading"),
    ({"tool_choice": {"type": "file_search"}}, "tool_choice"),
    ({"input": [{"type": "web_search_call", "id": "ws_1", "status": "completed"}]},
     "input[0].type"),
    ({"input": [{"type": "item_reference", "id": "msg_1"}]}, "input[0].type"),
    ({"input": [{"role": "user", "content": [{"type": "input_image", "file_id": "file-1",
                                              "detail": "auto"}]}]}, "input[0].content[0]"),
    ({"input": [{"type": "function_call_output", "call_id": "c",
                 "output": [{"type": "input_image", "image_url": "https://x/y.png"}]}]},
     "input[0].output[0]"),
    ({"text": {"format": {"type": "grammar"}}}, "text.format"),
    ({"conversation": "conv_1"}, "conversation"),
    ({"prompt": {"id": "pmpt_1"}}, "prompt"),
    ({"background": True}, "background"),
    ({"top_logprobs": 3}, "top_logprobs"),
    ({"frobnicate": 1}, "frobnicate"),
])
def test_untranslatable_fields_are_named(body: dict[str, Any], param: str) -> None:
    with pytest.raises(TranslationError) as caught:
        responses_request_to_chat({**REQUEST, "input": "x", **body})
    assert caught.value.param == param


@pytest.mark.parametrize(("body", "param"), [
    ({"text": {"format": {"type": "json_object"}}}, "text.format"),
    ({"max_output_tokens": 10, "temperature": 1.5}, "temperature"),
    ({"reasoning": {"effort": "high"}}, "reasoning.effort"),
    ({"input": [{"role": "user", "content": "a"},
                {"role": "user", "content": [{"type": "input_file",
                                              "file_data": "data:text/plain;base64,AA"}]}]},
     "input[1]"),
])
def test_anthropic_refusals_name_the_responses_field(body: dict[str, Any], param: str) -> None:
    with pytest.raises(TranslationError) as caught:
        responses_request_to_anthropic({**REQUEST, "input": "x", **body})
    assert caught.value.param == param


# --- answers and streams --------------------------------------------------------------------

def _shell(**request: Any) -> dict[str, Any]:
    return response_shell({**REQUEST, "input": "x", **request}, "resp_abc123", 1700000000.0)


def _play(events: list[dict[str, Any]]) -> Response:
    """Validate every event, feed the SDK's accumulator, return its final response."""
    state: ResponseStreamState[Any] = ResponseStreamState(input_tools=[], text_format=omit)
    for sequence, event in enumerate(events):
        assert event["sequence_number"] == sequence
        state.handle_event(EVENT.validate_python(event))
    final = Response.model_validate(events[-1]["response"])
    assert final.status in ("completed", "incomplete")
    return final


def _comparable(response: dict[str, Any]) -> dict[str, Any]:
    """Without the completion time; arguments compared as JSON values, not spellings."""
    out = json.loads(json.dumps(response))
    out.pop("completed_at", None)
    for item in out["output"]:
        if item["type"] == "function_call":
            item["arguments"] = json.loads(item["arguments"])
    return out


@SETTINGS
@given(st.data())
def test_chat_stream_equals_complete_answer(data: st.DataObject) -> None:
    completion = data.draw(openai_responses())
    ChatCompletion.model_validate(completion)
    expected = chat_completion_to_response(completion, _shell())
    Response.model_validate(expected)

    stream = ChatToResponsesStream(_shell())
    events = [e for c in _openai_chunks(data.draw, completion) for e in stream.feed(c)]
    events += stream.finish()
    final = _play(events)
    assert _comparable(events[-1]["response"]) == _comparable(expected)
    message = completion["choices"][0]["message"]
    assert final.output_text == (message["content"] or "")
    calls = [(item.call_id, item.name, json.loads(item.arguments))
             for item in final.output if item.type == "function_call"]
    assert calls == [(c["id"], c["function"]["name"], json.loads(c["function"]["arguments"]))
                     for c in message.get("tool_calls") or []]
    finish = completion["choices"][0]["finish_reason"]
    assert final.status == ("incomplete" if finish in ("length", "content_filter")
                            else "completed")
    assert final.usage is not None
    assert final.usage.input_tokens == completion["usage"]["prompt_tokens"]
    assert final.usage.output_tokens == completion["usage"]["completion_tokens"]


@SETTINGS
@given(st.data())
def test_anthropic_answer_reaches_responses_streamed_or_not(data: st.DataObject) -> None:
    message = data.draw(anthropic_messages())
    ids = [b["id"] for b in message["content"] if b["type"] == "tool_use"]
    assume(len(ids) == len(set(ids)))  # Anthropic's tool ids are unique
    chat = anthropic_response_to_openai(message, "client-model", created=1700000000)
    expected = chat_completion_to_response(chat, _shell())
    Response.model_validate(expected)

    to_chat = AnthropicToOpenAIStream("client-model", include_usage=True, created=1700000000)
    chunks = [c for e in _anthropic_events(data.draw, message) for c in to_chat.feed(e)]
    chunks += to_chat.finish()
    stream = ChatToResponsesStream(_shell())
    events = [e for c in chunks for e in stream.feed(c)] + stream.finish()
    final = _play(events)
    # Chat carries text and calls apart, so only the stream keeps their relative order
    # (text, call, text is two message items there): compare what was said.
    def said(response: dict[str, Any]) -> tuple[Any, ...]:
        items = response.pop("output")
        text = "".join(p["text"] for i in items if i["type"] == "message" for p in i["content"])
        calls = [(i["call_id"], i["name"], i["arguments"]) for i in items
                 if i["type"] == "function_call"]
        return text, calls, response

    assert said(_comparable(events[-1]["response"])) == said(_comparable(expected))
    texts_in_order = [b["text"] for b in message["content"] if b["type"] == "text"]
    assert final.output_text == "".join(texts_in_order)


def test_event_sequence_for_text_then_call() -> None:
    stream = ChatToResponsesStream(_shell(tools=[{"type": "function", "name": "f",
                                                   "parameters": {}, "strict": None}]))
    chunks = [
        {"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Je "}}]},
        {"choices": [{"index": 0, "delta": {"content": "regarde."}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "id": "call_1", "function": {"name": "f", "arguments": '{"a"'}}]}}]},
        {"choices": [{"index": 0, "delta": {"tool_calls": [
            {"index": 0, "function": {"arguments": ": 1}"}}]}, "finish_reason": "tool_calls"}]},
        {"choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 7,
                                  "total_tokens": 12}},
    ]
    events = [e for c in chunks for e in stream.feed(c)] + stream.finish()
    assert [e["type"] for e in events] == [
        "response.created", "response.in_progress",
        "response.output_item.added", "response.content_part.added",
        "response.output_text.delta", "response.output_text.delta",
        "response.output_text.done", "response.content_part.done", "response.output_item.done",
        "response.output_item.added", "response.function_call_arguments.delta",
        "response.function_call_arguments.delta", "response.function_call_arguments.done",
        "response.output_item.done", "response.completed",
    ]
    final = _play(events)
    assert final.output_text == "Je regarde."
    call = final.output[1]
    assert call.type == "function_call" and call.call_id == "call_1"
    assert call.arguments == '{"a": 1}' and call.id == "fc_abc123_1"
    assert final.usage is not None and final.usage.total_tokens == 12


def test_refusal_and_failure_events() -> None:
    stream = ChatToResponsesStream(_shell())
    events = stream.feed({"choices": [{"index": 0, "delta": {"refusal": "Non."},
                                       "finish_reason": "stop"}]}) + stream.finish()
    final = _play(events)
    assert "response.refusal.delta" in [e["type"] for e in events]
    first = final.output[0]
    assert first.type == "message" and first.content[0].type == "refusal"

    broken = ChatToResponsesStream(_shell())
    events = broken.feed({"choices": [{"index": 0, "delta": {"content": "début"}}]})
    events += broken.fail("Le fournisseur a interrompu le flux.")
    for event in events:
        EVENT.validate_python(event)
    assert events[-1]["type"] == "response.failed"
    assert events[-1]["response"]["error"]["message"] == "Le fournisseur a interrompu le flux."
    assert broken.finish() == []


def test_events_are_copies_of_the_recorded_answer() -> None:
    stream = ChatToResponsesStream(_shell())
    events = stream.feed({"choices": [{"index": 0, "delta": {"content": "<PERSON_1>"},
                                       "finish_reason": "stop"}]}) + stream.finish()
    for event in events:
        for key in ("item", "part", "response"):
            if key in event:
                event[key] = "rewritten"
    assert stream.response["output"][0]["content"][0]["text"] == "<PERSON_1>"


# --- legacy completions ---------------------------------------------------------------------

def test_completion_prompt_and_suffix_to_chat() -> None:
    plain = completions_request_to_chat({"model": "m", "prompt": ["def add(a, b):"],
                                         "max_tokens": 32, "stop": ["\n\n"], "stream": True})
    validate_openai_request(plain)
    assert plain["messages"][1] == {"role": "user", "content": "def add(a, b):"}
    assert plain["max_tokens"] == 32 and plain["stop"] == ["\n\n"] and plain["stream"] is True

    fim = completions_request_to_chat({"model": "m", "prompt": "def add(a, b):\n    ",
                                       "suffix": "\n\nprint(add(1, 2))", "n": 1, "echo": False},
                                      max_tokens_field="max_completion_tokens")
    validate_openai_request(fim)
    assert fim["messages"][0]["content"].startswith("You are a code and text completion")
    assert fim["messages"][1]["content"] == (
        "<prefix>def add(a, b):\n    </prefix>\n<suffix>\n\nprint(add(1, 2))</suffix>")


@pytest.mark.parametrize(("body", "param"), [
    ({"prompt": [1, 2, 3]}, "prompt"), ({"prompt": ["a", "b"]}, "prompt"),
    ({"echo": True}, "echo"), ({"logprobs": 2}, "logprobs"), ({"best_of": 3}, "best_of"),
    ({"frobnicate": 1}, "frobnicate"),
])
def test_completion_refusals(body: dict[str, Any], param: str) -> None:
    with pytest.raises(TranslationError) as caught:
        completions_request_to_chat({"model": "m", "prompt": "x", **body})
    assert caught.value.param == param


@SETTINGS
@given(st.data())
def test_completion_answers_streamed_or_not(data: st.DataObject) -> None:
    completion = data.draw(openai_responses())
    message = completion["choices"][0]["message"]
    message.pop("tool_calls", None)
    if completion["choices"][0]["finish_reason"] == "tool_calls":
        completion["choices"][0]["finish_reason"] = "stop"
    text = chat_completion_to_text_completion(completion, "client-model")
    Completion.model_validate(text)
    assert text["choices"][0]["text"] == (message["content"] or "")
    assert text["id"].startswith("cmpl-") and text["model"] == "client-model"

    pieces = []
    for chunk in _openai_chunks(data.draw, completion):
        out = chat_chunk_to_completion_chunk(chunk, "client-model")
        if out is not None:
            # Streamed choices carry finish_reason null until the last (the SDK builds its
            # chunks without validation); the rest of the shape must hold.
            Completion.model_validate({**out, "choices": [
                {**c, "finish_reason": c["finish_reason"] or "stop"} for c in out["choices"]]})
            pieces.append(out)
    assert "".join(c["text"] for p in pieces for c in p["choices"]) == text["choices"][0]["text"]
    assert pieces[-1]["usage"] == completion["usage"]
    assert [c["finish_reason"] for p in pieces for c in p["choices"] if c["finish_reason"]] \
        == [completion["choices"][0]["finish_reason"]]

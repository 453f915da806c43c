"""Property tests: round trips keep a conversation's meaning; streams equal responses."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable
from typing import Any

from anthropic.types import Message
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openai.types.chat import ChatCompletion

from gateway.translation import (
    AnthropicToOpenAIStream,
    OpenAIToAnthropicStream,
    anthropic_request_to_openai,
    anthropic_response_to_openai,
    openai_request_to_anthropic,
    openai_response_to_anthropic,
)

from ._helpers import (
    accumulate_anthropic,
    accumulate_openai,
    assert_anthropic_sequence,
    validate_anthropic_events,
    validate_anthropic_request,
    validate_openai_chunks,
    validate_openai_request,
)

Draw = Callable[[st.SearchStrategy[Any]], Any]
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

texts = st.text(min_size=1, max_size=30)
names = st.from_regex(r"[a-zA-Z_][a-zA-Z0-9_-]{0,15}", fullmatch=True)
call_ids = st.from_regex(r"call_[a-zA-Z0-9]{6,24}", fullmatch=True)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)
arguments = st.dictionaries(st.text(max_size=8), json_values, max_size=4)


@st.composite
def tool_calls(draw: st.DrawFn) -> list[dict[str, Any]]:
    ids = draw(st.lists(call_ids, min_size=1, max_size=3, unique=True))
    return [
        {
            "id": call_id,
            "type": "function",
            "function": {"name": draw(names), "arguments": json.dumps(draw(arguments))},
        }
        for call_id in ids
    ]


@st.composite
def user_messages(draw: st.DrawFn) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"role": "user", "content": draw(texts)}
    parts = draw(st.lists(texts, min_size=1, max_size=3))
    return {"role": "user", "content": [{"type": "text", "text": t} for t in parts]}


@st.composite
def conversations(draw: st.DrawFn) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"role": draw(st.sampled_from(["system", "developer"])), "content": text}
        for text in draw(st.lists(texts, max_size=2))
    ]
    for _ in range(draw(st.integers(1, 4))):
        messages.append(draw(user_messages()))
        assistant: dict[str, Any] = {"role": "assistant", "content": draw(st.none() | texts)}
        calls: list[dict[str, Any]] | None = draw(st.none() | tool_calls())
        if calls:
            assistant["tool_calls"] = calls
        elif assistant["content"] is None:
            assistant["content"] = draw(texts)
        messages.append(assistant)
        for call in calls or []:
            messages.append({"role": "tool", "tool_call_id": call["id"], "content": draw(texts)})
    return messages


def meaning(messages: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What the model sees, in order: roles, texts, tool call ids/names/arguments, results."""
    system = [m["content"] for m in messages if m["role"] in ("system", "developer")]
    items: list[tuple[Any, ...]] = [("system", "\n\n".join(system))] if system else []
    for message in messages:
        role, content = message["role"], message.get("content")
        if role == "user":
            parts = [content] if isinstance(content, str) else [p["text"] for p in content or []]
            items += [("user", part) for part in parts]
        elif role == "assistant":
            if content:
                items.append(("assistant", content))
            for call in message.get("tool_calls") or []:
                function = call["function"]
                items.append(
                    ("call", call["id"], function["name"], json.loads(function["arguments"]))
                )
        elif role == "tool":
            items.append(("tool", message["tool_call_id"], content))
    return items


@SETTINGS
@given(conversations())
def test_openai_anthropic_openai_round_trip_keeps_meaning(messages: list[dict[str, Any]]) -> None:
    body = {"model": "m", "messages": messages, "max_tokens": 100}
    validate_openai_request(body)
    anthropic = openai_request_to_anthropic(body)
    validate_anthropic_request(anthropic)
    back = anthropic_request_to_openai(anthropic)
    validate_openai_request(back)
    assert meaning(back["messages"]) == meaning(messages)
    assert back["max_tokens"] == 100


def _split(draw: Draw, text: str) -> list[str]:
    """Split a string into 1..n non-empty fragments at drawn positions."""
    if not text:
        return []
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(text) - 1)), max_size=4)))
    bounds = [0, *[c for c in cuts if c < len(text)], len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds) if text[a:b]]


@st.composite
def openai_responses(draw: st.DrawFn) -> dict[str, Any]:
    calls = draw(st.none() | tool_calls())
    finish = "tool_calls" if calls else draw(st.sampled_from(["stop", "length", "content_filter"]))
    prompt = draw(st.integers(0, 10_000))
    usage: dict[str, Any] = {
        "prompt_tokens": prompt,
        "completion_tokens": draw(st.integers(0, 5000)),
        "prompt_tokens_details": {"cached_tokens": draw(st.integers(0, prompt))},
    }
    usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
    message: dict[str, Any] = {
        "role": "assistant",
        "content": draw(st.none() | st.text(max_size=40)),
    }
    if calls:
        message["tool_calls"] = calls
    choice = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
    return {
        "id": "chatcmpl-" + draw(st.from_regex(r"[A-Za-z0-9]{8}", fullmatch=True)),
        "object": "chat.completion",
        "created": 1700000000,
        "model": "upstream-model",
        "choices": [choice],
        "usage": usage,
    }


def _openai_chunks(draw: Draw, resp: dict[str, Any]) -> list[dict[str, Any]]:
    """The chunk sequence an OpenAI server would stream for ``resp`` (include_usage on)."""
    base: dict[str, Any] = {key: resp[key] for key in ("id", "created", "model")} | {
        "object": "chat.completion.chunk"
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return base | {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    message = resp["choices"][0]["message"]
    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({"content": piece}) for piece in _split(draw, message["content"] or "")]
    for index, call in enumerate(message.get("tool_calls") or []):
        head = {"index": index, "id": call["id"], "type": "function"}
        head["function"] = {"name": call["function"]["name"], "arguments": ""}
        chunks.append(chunk({"tool_calls": [head]}))
        for piece in _split(draw, call["function"]["arguments"]):
            fragment = {"index": index, "function": {"arguments": piece}}
            chunks.append(chunk({"tool_calls": [fragment]}))
    chunks.append(chunk({}, resp["choices"][0]["finish_reason"]))
    chunks.append(base | {"choices": [], "usage": resp["usage"]})
    return chunks


@SETTINGS
@given(st.data())
def test_openai_stream_equals_non_streaming_translation(data: st.DataObject) -> None:
    resp = data.draw(openai_responses())
    ChatCompletion.model_validate(resp)
    chunks = _openai_chunks(data.draw, resp)
    stream = OpenAIToAnthropicStream("client-model")
    events = [event for chunk in chunks for event in stream.feed(chunk)] + stream.finish()
    validate_anthropic_events(events)
    assert_anthropic_sequence(events)
    streamed = accumulate_anthropic(events)
    expected = openai_response_to_anthropic(resp, "client-model")
    Message.model_validate(expected)
    assert streamed == expected
    assert stream.text == (resp["choices"][0]["message"]["content"] or "")


@st.composite
def anthropic_messages(draw: st.DrawFn) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = []
    for kind in draw(st.lists(st.sampled_from(["text", "tool_use"]), max_size=4)):
        if kind == "text":
            blocks.append({"type": "text", "text": draw(texts)})
        else:
            tool_id = "toolu_" + draw(st.from_regex(r"[A-Za-z0-9]{12}", fullmatch=True))
            blocks.append(
                {"type": "tool_use", "id": tool_id, "name": draw(names), "input": draw(arguments)}
            )
    stops = ["end_turn", "max_tokens", "stop_sequence", "tool_use", "refusal"]
    usage = {
        "input_tokens": draw(st.integers(0, 9000)),
        "output_tokens": draw(st.integers(1, 5000)),
        "cache_creation_input_tokens": draw(st.integers(0, 500)),
        "cache_read_input_tokens": draw(st.integers(0, 500)),
    }
    return {
        "id": "msg_" + draw(st.from_regex(r"[A-Za-z0-9]{10}", fullmatch=True)),
        "type": "message",
        "role": "assistant",
        "model": "claude-upstream",
        "content": blocks,
        "stop_reason": draw(st.sampled_from(stops)),
        "stop_sequence": None,
        "usage": usage,
    }


def _anthropic_events(draw: Draw, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The event sequence Anthropic would stream for ``message``."""
    start_usage: dict[str, Any] = {**message["usage"], "output_tokens": 1}
    start: dict[str, Any] = {**message, "content": [], "stop_reason": None, "usage": start_usage}
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}, {"type": "ping"}]
    for index, block in enumerate(message["content"]):
        empty: dict[str, Any]
        if block["type"] == "text":
            empty, kind, field, whole = (
                {"type": "text", "text": ""},
                "text_delta",
                "text",
                block["text"],
            )
        else:
            empty, kind, field = {**block, "input": {}}, "input_json_delta", "partial_json"
            whole = json.dumps(block["input"])
        events.append({"type": "content_block_start", "index": index, "content_block": empty})
        for piece in _split(draw, whole):
            piece_delta = {"type": kind, field: piece}
            events.append({"type": "content_block_delta", "index": index, "delta": piece_delta})
        events.append({"type": "content_block_stop", "index": index})
    delta: dict[str, Any] = {"stop_reason": message["stop_reason"], "stop_sequence": None}
    usage = {"output_tokens": message["usage"]["output_tokens"]}
    events += [{"type": "message_delta", "delta": delta, "usage": usage}, {"type": "message_stop"}]
    return events


def _canonical_arguments(completion: dict[str, Any]) -> dict[str, Any]:
    for call in completion["choices"][0]["message"].get("tool_calls") or []:
        call["function"]["arguments"] = json.loads(call["function"]["arguments"])
    return completion


@SETTINGS
@given(st.data())
def test_anthropic_stream_equals_non_streaming_translation(data: st.DataObject) -> None:
    message = data.draw(anthropic_messages())
    Message.model_validate(message)
    stream = AnthropicToOpenAIStream("client-model", include_usage=True, created=1700000000)
    events = _anthropic_events(data.draw, message)
    chunks = [chunk for event in events for chunk in stream.feed(event)] + stream.finish()
    validate_openai_chunks(chunks)
    expected = anthropic_response_to_openai(message, "client-model", created=1700000000)
    ChatCompletion.model_validate(expected)
    assert _canonical_arguments(accumulate_openai(chunks)) == _canonical_arguments(expected)
    texts_in_order = [b["text"] for b in message["content"] if b["type"] == "text"]
    assert stream.text == "".join(texts_in_order)

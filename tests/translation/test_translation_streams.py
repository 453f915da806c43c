"""Streaming translation from recorded event sequences of both providers."""

from __future__ import annotations

import json
from typing import Any

from anthropic.types import Message
from openai.types.chat import ChatCompletion

from gateway.translation import (
    AnthropicToOpenAIStream,
    OpenAIToAnthropicStream,
    anthropic_response_to_openai,
    openai_response_to_anthropic,
)

from ._helpers import (
    accumulate_anthropic,
    accumulate_openai,
    assert_anthropic_sequence,
    load,
    validate_anthropic_events,
    validate_openai_chunks,
)


def _run_openai(chunks: list[dict[str, Any]]) -> tuple[OpenAIToAnthropicStream, list[Any]]:
    stream = OpenAIToAnthropicStream("claude-alias")
    events = [event for chunk in chunks for event in stream.feed(chunk)]
    events += stream.finish()
    return stream, events


def test_openai_stream_with_parallel_tool_calls() -> None:
    chunks = load("openai_stream_tool_calls.json")
    stream, events = _run_openai(chunks)
    validate_anthropic_events(events)
    assert_anthropic_sequence(events)
    starts = [data["content_block"] for name, data in events if name == "content_block_start"]
    assert [b["type"] for b in starts] == ["text", "tool_use", "tool_use"]
    assert starts[1]["id"] == "call_DdmO9pD3xa9XTPNJ32zg2hcA" and starts[2]["name"] == "get_time"
    fragments = [
        data["delta"]["partial_json"]
        for name, data in events
        if name == "content_block_delta" and data["index"] == 1
    ]
    assert "".join(fragments) == '{"location":"Paris, France"}' and len(fragments) == 7
    message_delta = events[-2][1]
    assert message_delta["delta"]["stop_reason"] == "tool_use"
    # usage arrived after the finish_reason chunk and is still reported
    assert message_delta["usage"]["output_tokens"] == 300
    assert message_delta["usage"]["cache_read_input_tokens"] == 1920
    assert stream.usage.input_tokens == 2006 and stream.usage.cache_read_tokens == 1920
    assert stream.text == "Let me look that up."
    assert stream.tool_calls[1]["arguments"] == '{"timezone":"Europe/Paris"}'
    assert not stream.truncated
    final = Message.model_validate(accumulate_anthropic(events))
    assert final.id == "msg_B9MHDbslfkBeAs8l4bebGdFOJ6PeG" and final.model == "claude-alias"


def test_openai_stream_matches_non_streaming_fixture() -> None:
    _, events = _run_openai(load("openai_stream_tool_calls.json"))
    expected = openai_response_to_anthropic(load("openai_response_tool_calls.json"), "claude-alias")
    streamed = accumulate_anthropic(events)
    assert streamed["content"] == expected["content"]
    assert streamed["usage"] == expected["usage"]
    assert streamed["stop_reason"] == expected["stop_reason"]


def test_openai_stream_cut_without_finish_reason_is_still_valid() -> None:
    chunks = load("openai_stream_tool_calls.json")[:9]  # cut inside the first tool call
    stream, events = _run_openai(chunks)
    validate_anthropic_events(events)
    assert_anthropic_sequence(events)
    assert stream.truncated
    assert events[-2][1]["delta"]["stop_reason"] == "end_turn"
    assert stream.finish() == []  # idempotent


def test_openai_stream_empty_upstream_and_input_hint() -> None:
    stream = OpenAIToAnthropicStream("m", input_tokens=42)
    azure_prelude = {"id": "", "choices": [], "prompt_filter_results": [{"prompt_index": 0}]}
    assert stream.feed(azure_prelude) == []
    events = stream.finish()
    validate_anthropic_events(events)
    assert [name for name, _ in events] == ["message_start", "message_delta", "message_stop"]
    assert events[0][1]["message"]["usage"]["input_tokens"] == 42
    assert events[0][1]["message"]["id"].startswith("msg_")


def test_openai_stream_error_payload_becomes_error_event() -> None:
    stream = OpenAIToAnthropicStream("m")
    stream.feed({"id": "c", "choices": [{"index": 0, "delta": {"content": "x"}}]})
    events = stream.feed({"error": {"message": "overloaded", "type": "server_error"}})
    assert events == [
        ("error", {"type": "error", "error": {"type": "api_error", "message": "overloaded"}})
    ]
    assert stream.finish() == []


def test_openai_stream_without_indexes_whole_tool_calls() -> None:
    # Ollama-style: whole tool calls in one chunk, no index, object arguments.
    stream = OpenAIToAnthropicStream("m")
    calls = [
        {"id": "call_a", "function": {"name": "f", "arguments": {"x": 1}}},
        {"id": "call_b", "function": {"name": "g", "arguments": "{}"}},
    ]
    chunk = {
        "id": "c",
        "choices": [{"index": 0, "delta": {"tool_calls": calls}, "finish_reason": "stop"}],
    }
    events = stream.feed(chunk) + stream.finish()
    validate_anthropic_events(events)
    assert_anthropic_sequence(events)
    message = accumulate_anthropic(events)
    assert [(b["id"], b["input"]) for b in message["content"]] == [
        ("call_a", {"x": 1}),
        ("call_b", {}),
    ]
    assert message["stop_reason"] == "tool_use"


def _run_anthropic(events: list[dict[str, Any]], include_usage: bool) -> tuple[Any, list[Any]]:
    stream = AnthropicToOpenAIStream("gpt-alias", include_usage, created=1700000000)
    chunks = [chunk for event in events for chunk in stream.feed(event)]
    chunks += stream.finish()
    return stream, chunks


def test_anthropic_stream_with_tool_use() -> None:
    stream, chunks = _run_anthropic(load("anthropic_stream_tool_use.json"), include_usage=True)
    validate_openai_chunks(chunks)
    assert chunks[0]["choices"][0]["delta"] == {"role": "assistant", "content": ""}
    assert {c["id"] for c in chunks} == {"chatcmpl-014p7gG3wDgGV9EUtLvnow3U"}
    tool_start = next(
        c for c in chunks if c["choices"] and c["choices"][0]["delta"].get("tool_calls")
    )
    assert tool_start["choices"][0]["delta"]["tool_calls"][0] == {
        "index": 0,
        "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
        "type": "function",
        "function": {"name": "get_weather", "arguments": ""},
    }
    assert chunks[-2]["choices"][0]["finish_reason"] == "tool_calls"
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"] == {
        "prompt_tokens": 472,
        "completion_tokens": 89,
        "total_tokens": 561,
    }
    final = ChatCompletion.model_validate(accumulate_openai(chunks))
    tool_calls = final.choices[0].message.tool_calls or []
    arguments = json.loads(tool_calls[0].model_dump()["function"]["arguments"])
    assert arguments == {"location": "San Francisco, CA", "unit": "fahrenheit"}
    assert (
        final.choices[0].message.content == "Okay, let's check the weather for San Francisco, CA:"
    )
    assert stream.text == final.choices[0].message.content
    assert stream.usage.output_tokens == 89 and stream.stop_reason == "tool_use"
    assert stream.finish() == []


def test_anthropic_stream_without_usage_chunk_and_thinking_skipped() -> None:
    events: list[dict[str, Any]] = [
        {
            "type": "message_start",
            "message": {"id": "msg_1", "usage": {"input_tokens": 5, "output_tokens": 1}},
        },
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "thinking", "thinking": ""},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "thinking_delta", "thinking": "hm"},
        },
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "signature_delta", "signature": "s"},
        },
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 1, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 1},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "max_tokens"},
            "usage": {"output_tokens": 7},
        },
        {"type": "message_stop"},
    ]
    _, chunks = _run_anthropic(events, include_usage=False)
    validate_openai_chunks(chunks)
    assert [c["choices"][0]["delta"] for c in chunks] == [
        {"role": "assistant", "content": ""},
        {"content": "Hi"},
        {},
    ]
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"


def test_anthropic_stream_error_and_cut() -> None:
    stream = AnthropicToOpenAIStream("m", include_usage=True, created=1)
    stream.feed({"type": "message_start", "message": {"id": "msg_1", "usage": {"input_tokens": 5}}})
    error = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    assert stream.feed(error) == [
        {"error": {"message": "Overloaded", "type": "overloaded_error", "code": None}}
    ]
    assert stream.finish() == []

    cut = AnthropicToOpenAIStream("m", include_usage=True, created=1)
    cut.feed({"type": "message_start", "message": {"id": "msg_2", "usage": {"input_tokens": 5}}})
    cut.feed({"type": "ping"})
    chunks = cut.finish()
    validate_openai_chunks(chunks)
    assert chunks[0]["choices"][0]["finish_reason"] == "stop"
    assert chunks[1]["usage"]["prompt_tokens"] == 5


def test_anthropic_stream_matches_non_streaming_fixture() -> None:
    _, chunks = _run_anthropic(load("anthropic_stream_tool_use.json"), include_usage=True)
    streamed = accumulate_openai(chunks)
    message: dict[str, Any] = {
        "id": "msg_014p7gG3wDgGV9EUtLvnow3U",
        "content": [
            {"type": "text", "text": "Okay, let's check the weather for San Francisco, CA:"},
            {
                "type": "tool_use",
                "id": "toolu_01T1x1fJ34qAmk2tNTrN7Up6",
                "name": "get_weather",
                "input": {"location": "San Francisco, CA", "unit": "fahrenheit"},
            },
        ],
        "stop_reason": "tool_use",
        "usage": {"input_tokens": 472, "output_tokens": 89},
    }
    expected = anthropic_response_to_openai(message, "gpt-alias", created=1700000000)
    call = streamed["choices"][0]["message"]["tool_calls"][0]
    call["function"]["arguments"] = json.dumps(
        json.loads(call["function"]["arguments"]), separators=(",", ":")
    )
    assert streamed == expected

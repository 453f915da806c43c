"""Non-streaming response translation, validated with the SDK models."""

from __future__ import annotations

import json
from typing import Any

import pytest
from anthropic.types import Message
from openai.types.chat import ChatCompletion

from gateway.translation import anthropic_response_to_openai, openai_response_to_anthropic

from ._helpers import load


def _openai_resp(finish: str | None, **message: Any) -> dict[str, Any]:
    msg = {"role": "assistant", "content": "hi", **message}
    choice = {"index": 0, "message": msg, "finish_reason": finish, "logprobs": None}
    return {
        "id": "chatcmpl-9",
        "object": "chat.completion",
        "created": 1,
        "model": "x",
        "choices": [choice],
    }


def _anthropic_resp(
    stop: str | None, content: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "id": "msg_9",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": content if content is not None else [{"type": "text", "text": "hi"}],
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }


def test_openai_tool_response_to_anthropic() -> None:
    resp = load("openai_response_tool_calls.json")
    ChatCompletion.model_validate(resp)
    out = openai_response_to_anthropic(resp, "claude-via-gpt")
    Message.model_validate(out)
    assert out["id"] == "msg_B9MBs8CjcvOU2jLn4n570S5qMJKcT"
    assert out["model"] == "claude-via-gpt"
    assert out["content"][0] == {"type": "text", "text": "Let me look that up."}
    assert out["content"][1] == {
        "type": "tool_use",
        "id": "call_DdmO9pD3xa9XTPNJ32zg2hcA",
        "name": "get_weather",
        "input": {"location": "Paris, France"},
    }
    assert out["content"][2]["id"] == "call_8Yq1BS2rrTSsZUL4BIvS3mYz"
    assert out["stop_reason"] == "tool_use"
    assert out["usage"] == {
        "input_tokens": 2006 - 1920,
        "output_tokens": 300,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 1920,
    }


def test_anthropic_tool_response_to_openai() -> None:
    resp = load("anthropic_response_tool_use.json")
    Message.model_validate(resp)
    out = anthropic_response_to_openai(resp, "gpt-via-claude", created=1700000000)
    ChatCompletion.model_validate(out)
    assert out["id"] == "chatcmpl-01Aq9w938a90dw8q"
    assert out["created"] == 1700000000
    assert out["model"] == "gpt-via-claude"
    message = out["choices"][0]["message"]
    assert message["content"] == "I'll check the current weather in San Francisco for you."
    call = message["tool_calls"][0]
    assert call["id"] == "toolu_01A09q90qw90lq917835lq9"
    assert json.loads(call["function"]["arguments"]) == {
        "location": "San Francisco, CA",
        "unit": "celsius",
    }
    assert out["choices"][0]["finish_reason"] == "tool_calls"
    assert out["usage"] == {
        "prompt_tokens": 472 + 100 + 2048,
        "completion_tokens": 89,
        "total_tokens": 472 + 100 + 2048 + 89,
        "prompt_tokens_details": {"cached_tokens": 2048, "cache_write_tokens": 100},
    }


@pytest.mark.parametrize(
    ("finish", "extra", "expected"),
    [
        ("stop", {}, ("end_turn", None)),
        ("length", {}, ("max_tokens", None)),
        ("content_filter", {}, ("refusal", None)),
        ("stop", {"stop_reason": "END"}, ("stop_sequence", "END")),  # vLLM extension
    ],
)
def test_finish_reason_to_stop_reason(
    finish: str, extra: dict[str, Any], expected: tuple[str, str | None]
) -> None:
    resp = _openai_resp(finish)
    resp["choices"][0].update(extra)
    out = openai_response_to_anthropic(resp, "m")
    Message.model_validate(out)
    assert (out["stop_reason"], out["stop_sequence"]) == expected


def test_tool_calls_with_stop_finish_reason_map_to_tool_use() -> None:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": ""}}
    out = openai_response_to_anthropic(_openai_resp("stop", content=None, tool_calls=[call]), "m")
    assert out["stop_reason"] == "tool_use"
    assert out["content"] == [{"type": "tool_use", "id": "call_1", "name": "f", "input": {}}]


def test_openai_refusal_becomes_text_and_refusal_stop() -> None:
    out = openai_response_to_anthropic(_openai_resp("stop", content=None, refusal="I can't."), "m")
    assert out["content"] == [{"type": "text", "text": "I can't."}]
    assert out["stop_reason"] == "refusal"
    assert out["usage"]["input_tokens"] == 0  # no usage upstream: zeros, still valid
    Message.model_validate(out)


@pytest.mark.parametrize(
    ("stop", "finish"),
    [
        ("end_turn", "stop"),
        ("stop_sequence", "stop"),
        ("max_tokens", "length"),
        ("tool_use", "tool_calls"),
        ("refusal", "content_filter"),
        ("model_context_window_exceeded", "length"),
        ("pause_turn", "stop"),
        (None, "stop"),
    ],
)
def test_stop_reason_to_finish_reason(stop: str | None, finish: str) -> None:
    out = anthropic_response_to_openai(_anthropic_resp(stop), "m", created=1)
    ChatCompletion.model_validate(out)
    assert out["choices"][0]["finish_reason"] == finish


def test_anthropic_thinking_dropped_and_text_blocks_joined() -> None:
    content = [
        {"type": "thinking", "thinking": "secret", "signature": "s"},
        {"type": "text", "text": "a"},
        {"type": "redacted_thinking", "data": "x"},
        {"type": "text", "text": "b"},
    ]
    out = anthropic_response_to_openai(_anthropic_resp("end_turn", content), "m", created=1)
    assert out["choices"][0]["message"]["content"] == "ab"
    empty = anthropic_response_to_openai(_anthropic_resp("end_turn", []), "m", created=1)
    assert empty["choices"][0]["message"]["content"] is None
    ChatCompletion.model_validate(empty)

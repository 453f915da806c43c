"""Request translation from recorded payload shapes, both directions."""

from __future__ import annotations

import json

from gateway.translation import (
    DEFAULT_MAX_TOKENS,
    anthropic_request_to_openai,
    count_tokens_estimate,
    openai_request_to_anthropic,
)

from ._helpers import load, validate_anthropic_request, validate_openai_request


def test_anthropic_tool_conversation_to_openai() -> None:
    body = load("anthropic_request_tool_conversation.json")
    validate_anthropic_request(body)
    out = anthropic_request_to_openai(body)
    validate_openai_request(out)

    messages = out["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "tool", "tool", "user"]
    assert messages[0]["content"] == (
        "You are a helpful weather assistant.\n\nAlways answer in one sentence."
    )
    user_parts = messages[1]["content"]
    assert user_parts[0]["type"] == "text"
    assert user_parts[1]["image_url"]["url"].startswith("data:image/png;base64,iVBOR")
    assert user_parts[2]["image_url"]["url"].startswith("https://upload.wikimedia.org/")

    assistant = messages[2]
    assert assistant["content"].startswith("The pictures show")
    assert [c["id"] for c in assistant["tool_calls"]] == [
        "toolu_01A09q90qw90lq917835lq9",
        "toolu_01B19q90qw90lq917835lq8",
    ]
    assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == {
        "location": "San Francisco, CA",
        "unit": "celsius",
    }
    assert messages[3] == {
        "role": "tool",
        "tool_call_id": "toolu_01A09q90qw90lq917835lq9",
        "content": "15 degrees, foggy",
    }
    assert messages[4]["content"] == "09:41"
    assert messages[5] == {
        "role": "user",
        "content": [{"type": "text", "text": "Thanks, keep it short."}],
    }

    assert out["tools"][0]["function"]["parameters"] == body["tools"][0]["input_schema"]
    assert "cache_control" not in json.dumps(out)
    assert out["tool_choice"] == "auto"
    assert "parallel_tool_calls" not in out
    assert out["stop"] == ["\n\nHuman:"]
    assert out["max_tokens"] == 1024
    assert out["user"] == "employee-42"
    assert out["stream"] is True
    assert out["stream_options"] == {"include_usage": True}
    assert (out["temperature"], out["top_p"]) == (0.2, 0.9)


def test_user_turn_order_is_preserved_when_splitting() -> None:
    body = {
        "model": "m",
        "max_tokens": 10,
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "before"},
                    {"type": "tool_result", "tool_use_id": "a", "content": "ra", "is_error": True},
                    {"type": "text", "text": "between"},
                    {"type": "tool_result", "tool_use_id": "b"},
                    {"type": "text", "text": "after"},
                ],
            }
        ],
    }
    out = anthropic_request_to_openai(body, max_tokens_field="max_completion_tokens")
    flat = [(m["role"], m.get("tool_call_id"), m["content"]) for m in out["messages"]]
    assert flat == [
        ("user", None, [{"type": "text", "text": "before"}]),
        ("tool", "a", "Error: ra"),
        ("user", None, [{"type": "text", "text": "between"}]),
        ("tool", "b", ""),
        ("user", None, [{"type": "text", "text": "after"}]),
    ]
    assert out["max_completion_tokens"] == 10


def test_anthropic_tool_choice_variants() -> None:
    base = {
        "model": "m",
        "max_tokens": 5,
        "messages": [],
        "tools": [{"name": "f", "input_schema": {}}],
    }
    cases = [
        ({"type": "auto"}, "auto"),
        ({"type": "any"}, "required"),
        ({"type": "none"}, "none"),
        ({"type": "tool", "name": "f"}, {"type": "function", "function": {"name": "f"}}),
    ]
    for choice, expected in cases:
        assert (
            anthropic_request_to_openai({**base, "tool_choice": choice})["tool_choice"] == expected
        )
    out = anthropic_request_to_openai(
        {**base, "tool_choice": {"type": "any", "disable_parallel_tool_use": True}}
    )
    assert out["parallel_tool_calls"] is False
    no_tools = anthropic_request_to_openai({**base, "tools": [], "tool_choice": {"type": "auto"}})
    assert "tool_choice" not in no_tools


def test_thinking_disabled_and_plain_strings_are_accepted() -> None:
    body = {
        "model": "m",
        "max_tokens": 5,
        "system": "Be brief.",
        "thinking": {"type": "disabled"},
        "messages": [
            {"role": "user", "content": "hi"},
            {"role": "assistant", "content": "hello"},
        ],
    }
    out = anthropic_request_to_openai(body)
    assert out["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
    ]
    assert "stream_options" not in out


def test_openai_tool_conversation_to_anthropic() -> None:
    body = load("openai_request_tool_conversation.json")
    validate_openai_request(body)
    out = openai_request_to_anthropic(body)
    validate_anthropic_request(out)

    assert out["system"] == [
        {"type": "text", "text": "You are a helpful weather assistant."},
        {"type": "text", "text": "Always answer in one sentence."},
    ]
    roles = [m["role"] for m in out["messages"]]
    assert roles == ["user", "assistant", "user"]
    image = out["messages"][0]["content"][1]
    assert image["source"]["type"] == "base64" and image["source"]["media_type"] == "image/png"
    assert out["messages"][0]["content"][2]["source"] == {
        "type": "url",
        "url": "https://example.com/boston.jpg",
    }
    tool_uses = out["messages"][1]["content"]
    assert [b["id"] for b in tool_uses] == ["call_abc123", "call_def456"]
    assert tool_uses[0]["input"] == {"location": "Boston, MA", "unit": "fahrenheit"}
    results = out["messages"][2]["content"]
    assert [b["type"] for b in results] == ["tool_result", "tool_result", "text"]
    assert results[1] == {"type": "tool_result", "tool_use_id": "call_def456", "content": "14:05"}
    assert out["tools"][0]["input_schema"]["required"] == ["location"]
    assert out["tool_choice"] == {
        "type": "tool",
        "name": "get_weather",
        "disable_parallel_tool_use": True,
    }
    assert out["max_tokens"] == 512
    assert out["stop_sequences"] == ["END"]
    assert out["metadata"] == {"user_id": "employee-42"}
    assert out["stream"] is True
    for dropped in ("n", "seed", "stream_options", "user", "parallel_tool_calls"):
        assert dropped not in out


def test_openai_defaults_and_simple_values() -> None:
    out = openai_request_to_anthropic(
        {
            "model": "claude",
            "messages": [{"role": "system", "content": "S"}, {"role": "user", "content": "hi"}],
            "max_tokens": 77,
            "tool_choice": "required",
            "tools": [{"type": "function", "function": {"name": "f"}}],
            "logprobs": False,
            "frequency_penalty": 0,
            "presence_penalty": None,
            "response_format": {"type": "text"},
        }
    )
    assert out["system"] == "S"
    assert out["messages"] == [{"role": "user", "content": "hi"}]
    assert out["max_tokens"] == 77
    assert out["tool_choice"] == {"type": "any"}
    assert out["tools"][0]["input_schema"] == {"type": "object", "properties": {}}
    bare = openai_request_to_anthropic(
        {"model": "c", "messages": [{"role": "user", "content": "x"}]}
    )
    assert bare["max_tokens"] == DEFAULT_MAX_TOKENS == 4096
    assert "stream" not in bare


def test_openai_consecutive_user_messages_merge_and_empty_assistant_is_dropped() -> None:
    out = openai_request_to_anthropic(
        {
            "model": "c",
            "messages": [
                {"role": "user", "content": "a"},
                {"role": "user", "content": [{"type": "text", "text": "b"}]},
                {"role": "assistant", "content": ""},
                {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
            ],
        }
    )
    assert out["messages"] == [
        {"role": "user", "content": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]},
        {"role": "assistant", "content": "ok"},
    ]


def test_count_tokens_estimate_is_documented_heuristic() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "x" * 400}]}
    assert count_tokens_estimate(body) == 100 + 3 + 3
    with_tools = {**body, "tools": [{"name": "f", "input_schema": {"type": "object"}}]}
    assert count_tokens_estimate(with_tools) > count_tokens_estimate(body) + 350
    conversation = load("anthropic_request_tool_conversation.json")
    estimate = count_tokens_estimate(conversation)
    # two images dominate; base64 data is not counted as text
    assert 2 * 1600 < estimate < 2 * 1600 + 1000
    assert count_tokens_estimate({"messages": []}) >= 1

"""Everything that cannot be translated faithfully raises TranslationError with its param."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from gateway.translation import (
    AnthropicToOpenAIStream,
    OpenAIToAnthropicStream,
    TranslationError,
    anthropic_request_to_openai,
    anthropic_response_to_openai,
    openai_request_to_anthropic,
    openai_response_to_anthropic,
)

from ._helpers import validate_anthropic_request

USER = {"role": "user", "content": "hi"}
PDF = {"type": "base64", "media_type": "application/pdf", "data": "JVBERi0="}


def _openai(**extra: Any) -> dict[str, Any]:
    return {"model": "claude", "messages": [USER], **extra}


def _anthropic(**extra: Any) -> dict[str, Any]:
    return {"model": "gpt", "max_tokens": 10, "messages": [USER], **extra}


def _user_blocks(*blocks: dict[str, Any]) -> dict[str, Any]:
    return _anthropic(messages=[{"role": "user", "content": list(blocks)}])


def _user_parts(*parts: dict[str, Any]) -> dict[str, Any]:
    return _openai(messages=[{"role": "user", "content": list(parts)}])


def _assistant_call(arguments: str) -> dict[str, Any]:
    call = {"id": "call_1", "type": "function", "function": {"name": "f", "arguments": arguments}}
    return _openai(messages=[USER, {"role": "assistant", "content": None, "tool_calls": [call]}])


OPENAI_REFUSALS = [
    (_openai(n=2), "n"),
    (_openai(logprobs=True), "logprobs"),
    (_openai(top_logprobs=3), "top_logprobs"),
    (_openai(frequency_penalty=0.5), "frequency_penalty"),
    (_openai(presence_penalty=-1), "presence_penalty"),
    (_openai(logit_bias={"50256": -100}), "logit_bias"),
    (_openai(modalities=["text", "audio"]), "modalities"),
    (_openai(audio={"voice": "alloy", "format": "wav"}), "audio"),
    (_openai(response_format={"type": "json_object"}), "response_format"),
    (
        _openai(
            response_format={"type": "json_schema", "json_schema": {"name": "x", "schema": {}}}
        ),
        "response_format",
    ),
    (_openai(temperature=1.5), "temperature"),
    (_openai(reasoning_effort="high"), "reasoning_effort"),
    (_openai(functions=[{"name": "f"}]), "functions"),
    (_openai(tools=[{"type": "custom", "custom": {"name": "g"}}]), "tools[0].type"),
    (_openai(tool_choice={"type": "allowed_tools", "allowed_tools": {}}), "tool_choice"),
    (
        _user_parts({"type": "input_audio", "input_audio": {"data": "AAA", "format": "wav"}}),
        "messages[0].content[0]",
    ),
    (_user_parts({"type": "file", "file": {"file_id": "file-1"}}), "messages[0].content[0]"),
    (
        _user_parts({"type": "image_url", "image_url": {"url": "data:image/tiff;base64,AA"}}),
        "messages[0].content[0].image_url.url",
    ),
    (
        _user_parts({"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}),
        "messages[0].content[0].image_url.url",
    ),
    (_assistant_call("{not json"), "messages[1].tool_calls[0].function.arguments"),
    (_assistant_call("[1, 2]"), "messages[1].tool_calls[0].function.arguments"),
    (_openai(messages=[{"role": "tool", "content": "x"}]), "messages[0].tool_call_id"),
    (_openai(messages=[{"role": "function", "name": "f", "content": "x"}]), "messages[0].role"),
    (
        _openai(messages=[USER, {"role": "assistant", "function_call": {"name": "f"}}]),
        "messages[1].function_call",
    ),
]

ANTHROPIC_REFUSALS = [
    (_anthropic(thinking={"type": "enabled", "budget_tokens": 2048}), "thinking"),
    (_anthropic(top_k=40), "top_k"),
    (_anthropic(mcp_servers=[{"type": "url", "url": "https://x", "name": "x"}]), "mcp_servers"),
    (_anthropic(output_config={"effort": "low"}), "output_config"),
    (_user_blocks({"type": "document", "source": PDF}), "messages[0].content[0]"),
    (
        _user_blocks({"type": "text", "text": "a"}, {"type": "search_result", "source": "s"}),
        "messages[0].content[1]",
    ),
    (
        _user_blocks(
            {
                "type": "tool_result",
                "tool_use_id": "t",
                "content": [{"type": "image", "source": {"type": "url", "url": "https://x"}}],
            }
        ),
        "messages[0].content[0].content[0]",
    ),
    (
        _user_blocks({"type": "image", "source": {"type": "file", "file_id": "f"}}),
        "messages[0].content[0].source",
    ),
    (
        _anthropic(
            messages=[
                USER,
                {
                    "role": "assistant",
                    "content": [{"type": "thinking", "thinking": "hmm", "signature": "sig"}],
                },
            ]
        ),
        "messages[1].content[0]",
    ),
    (_anthropic(tools=[{"type": "web_search_20250305", "name": "web_search"}]), "tools[0]"),
    (
        _anthropic(tools=[{"name": "f", "input_schema": {}, "defer_loading": True}]),
        "tools[0].defer_loading",
    ),
    (_anthropic(tool_choice={"type": "bogus"}), "tool_choice.type"),
    (_anthropic(messages=[{"role": "system", "content": "x"}]), "messages[0].role"),
]


@pytest.mark.parametrize(("body", "param"), OPENAI_REFUSALS)
def test_openai_request_refusals(body: dict[str, Any], param: str) -> None:
    with pytest.raises(TranslationError) as info:
        openai_request_to_anthropic(body)
    assert info.value.param == param
    assert info.value.message and str(info.value) == info.value.message


@pytest.mark.parametrize(("body", "param"), ANTHROPIC_REFUSALS)
def test_anthropic_request_refusals(body: dict[str, Any], param: str) -> None:
    with pytest.raises(TranslationError) as info:
        anthropic_request_to_openai(body)
    assert info.value.param == param


def test_response_refusals() -> None:
    bad_args = {
        "id": "chatcmpl-1",
        "choices": [
            {
                "index": 0,
                "finish_reason": "tool_calls",
                "message": {
                    "role": "assistant",
                    "tool_calls": [
                        {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{"}}
                    ],
                },
            }
        ],
    }
    with pytest.raises(TranslationError) as info:
        openai_response_to_anthropic(bad_args, "m")
    assert info.value.param == "choices[0].message.tool_calls[0].function.arguments"
    with pytest.raises(TranslationError) as info:
        openai_response_to_anthropic({"id": "x", "choices": []}, "m")
    assert info.value.param == "choices"
    server_tool = {
        "id": "msg_1",
        "content": [{"type": "server_tool_use", "id": "s", "name": "web_search", "input": {}}],
    }
    with pytest.raises(TranslationError) as info:
        anthropic_response_to_openai(server_tool, "m")
    assert info.value.param == "content[0]"


def test_stream_refusals() -> None:
    stream = AnthropicToOpenAIStream("m", include_usage=False)
    block = {"type": "server_tool_use", "id": "s", "name": "web_search", "input": {}}
    with pytest.raises(TranslationError) as info:
        stream.feed({"type": "content_block_start", "index": 0, "content_block": block})
    assert info.value.param == "content_block"

    upstream = OpenAIToAnthropicStream("m")

    def call(index: int, arguments: str, call_id: str | None = None) -> dict[str, Any]:
        tool = {"index": index, "id": call_id, "function": {"arguments": arguments}}
        return {"id": "c", "choices": [{"index": 0, "delta": {"tool_calls": [tool]}}]}

    upstream.feed(call(0, '{"a"', "call_a"))
    upstream.feed(call(1, "{}", "call_b"))
    with pytest.raises(TranslationError) as info:
        upstream.feed(call(0, ":1}"))
    assert info.value.param == "choices[0].delta.tool_calls"


def test_sdk_validation_helper_is_strict() -> None:
    # Guard: the forced validation really rejects unknown block types.
    with pytest.raises(ValidationError):
        validate_anthropic_request(_user_blocks({"type": "bogus"}))

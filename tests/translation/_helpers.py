"""Shared test helpers: fixtures, SDK-model validation, stream accumulation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anthropic.types as at
import openai.types.chat as oc
from pydantic import TypeAdapter

FIXTURES = Path(__file__).parent / "fixtures"

ANTHROPIC_REQUEST = TypeAdapter(at.MessageCreateParams)
OPENAI_REQUEST = TypeAdapter(oc.CompletionCreateParams)
ANTHROPIC_EVENT = TypeAdapter(at.RawMessageStreamEvent)


def load(name: str) -> Any:
    """Load a JSON fixture (a fresh copy each time, tests may mutate it)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _force(value: Any) -> Any:
    """SDK request TypedDicts use Iterable fields, which pydantic validates lazily."""
    if isinstance(value, Iterator):
        return [_force(item) for item in value]
    if isinstance(value, dict):
        return {key: _force(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_force(item) for item in value]
    return value


def validate_anthropic_request(body: dict[str, Any]) -> None:
    """Validate against the anthropic SDK's MessageCreateParams."""
    _force(ANTHROPIC_REQUEST.validate_python(body))


def validate_openai_request(body: dict[str, Any]) -> None:
    """Validate against the openai SDK's CompletionCreateParams."""
    _force(OPENAI_REQUEST.validate_python(body))


def validate_anthropic_events(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Each event validates as RawMessageStreamEvent and its SSE name equals its type."""
    for name, data in events:
        assert name == data["type"]
        ANTHROPIC_EVENT.validate_python(data)


def validate_openai_chunks(chunks: list[dict[str, Any]]) -> None:
    """Each chunk validates as ChatCompletionChunk."""
    for chunk in chunks:
        oc.ChatCompletionChunk.model_validate(chunk)


def assert_anthropic_sequence(events: list[tuple[str, dict[str, Any]]]) -> None:
    """Event grammar: message_start, (start, delta*, stop)*, message_delta, message_stop."""
    names = [name for name, _ in events]
    assert names[0] == "message_start"
    assert names[-2:] == ["message_delta", "message_stop"]
    open_index: int | None = None
    next_index = 0
    for name, data in events[1:-2]:
        if name == "content_block_start":
            assert open_index is None and data["index"] == next_index
            open_index = next_index
            next_index += 1
        elif name == "content_block_delta":
            assert data["index"] == open_index
        else:
            assert name == "content_block_stop" and data["index"] == open_index
            open_index = None
    assert open_index is None


def accumulate_anthropic(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """Rebuild the final Anthropic Message from a translated event stream."""
    message: dict[str, Any] = {}
    partial: dict[int, str] = {}
    for _, data in events:
        kind = data["type"]
        if kind == "message_start":
            message = json.loads(json.dumps(data["message"]))
        elif kind == "content_block_start":
            message["content"].append(dict(data["content_block"]))
        elif kind == "content_block_delta":
            block = message["content"][data["index"]]
            if data["delta"]["type"] == "text_delta":
                block["text"] += data["delta"]["text"]
            else:
                partial[data["index"]] = (
                    partial.get(data["index"], "") + data["delta"]["partial_json"]
                )
        elif kind == "content_block_stop" and data["index"] in partial:
            message["content"][data["index"]]["input"] = json.loads(partial[data["index"]])
        elif kind == "message_delta":
            message.update(data["delta"])
            message["usage"].update(data["usage"])
    return message


def accumulate_openai(chunks: list[dict[str, Any]]) -> dict[str, Any]:
    """Rebuild the final ChatCompletion from a translated chunk stream."""
    first = chunks[0]
    message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
    calls: list[dict[str, Any]] = []
    finish = None
    usage = None
    for chunk in chunks:
        if chunk.get("usage"):
            usage = chunk["usage"]
        for choice in chunk["choices"]:
            delta = choice["delta"]
            if delta.get("content"):
                message["content"] = (message["content"] or "") + delta["content"]
            for call in delta.get("tool_calls") or []:
                if call["index"] == len(calls):
                    calls.append(
                        {"id": call["id"], "type": "function", "function": dict(call["function"])}
                    )
                else:
                    calls[call["index"]]["function"]["arguments"] += call["function"]["arguments"]
            finish = choice["finish_reason"] or finish
    if calls:
        message["tool_calls"] = calls
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": finish}
    completion = {key: first[key] for key in ("id", "created", "model")}
    return {**completion, "object": "chat.completion", "choices": [choice], "usage": usage}

"""A fake OpenAI provider that answers what the test wrote, for answers no model name gives.

``chat`` is the assistant message ``/v1/chat/completions`` answers (content, tool calls, a
legacy ``function_call``, ``annotations``); streamed, its content and arguments go out in
``pieces`` deltas each, its annotations in one delta before the finishing chunk.
``output`` is the ``output`` of the ``response`` ``/v1/responses`` answers; streamed, each
text's annotations come as ``response.output_text.annotation.added`` events after its
deltas, as OpenAI sends them. Unset, the fake answers as :class:`FakeOpenAIProvider`.
:class:`ScriptedAnthropic` does the same for ``/v1/messages`` (``content``: text blocks,
their ``citations`` streamed as ``citations_delta`` events before the text).
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ._base import SSEResponse, json_response, split_text
from .anthropic_provider import FakeAnthropicProvider, _event
from .openai_provider import FakeOpenAIProvider
from .openai_responses import build_response, response_events, stream_events

USAGE = {"prompt_tokens": 5, "completion_tokens": 7, "total_tokens": 12}


class ScriptedProvider(FakeOpenAIProvider):
    def __init__(self) -> None:
        super().__init__()
        self.chat: dict[str, Any] | None = None
        self.output: list[dict[str, Any]] | None = None
        self.pieces = 4

    def reset(self) -> None:
        super().reset()
        self.chat = self.output = None
        self.pieces = 4

    async def _chat(self, request: Request) -> Response:
        if self.chat is None:
            return await super()._chat(request)
        rec = await self.record(request)
        message = {"role": "assistant", "content": None, "refusal": None, **self.chat}
        finish = "tool_calls" if message.get("tool_calls") else \
            "function_call" if message.get("function_call") else "stop"
        base = {"id": "chatcmpl-" + uuid.uuid4().hex[:24], "created": int(time.time()),
                "model": rec.model}
        if not rec.body.get("stream"):
            return json_response({**base, "object": "chat.completion", "usage": USAGE,
                                  "choices": [{"index": 0, "message": message,
                                               "logprobs": None, "finish_reason": finish}]})
        chunks = [{**base, "object": "chat.completion.chunk", "choices": [
            {"index": 0, "delta": delta, "logprobs": None, "finish_reason": end}]}
            for delta, end in self._deltas(message, finish)]
        chunks.append({**base, "object": "chat.completion.chunk", "choices": [],
                       "usage": USAGE})
        return SSEResponse(_sse(chunks), self._stream_ended)

    def _deltas(self, message: dict[str, Any],
                finish: str) -> list[tuple[dict[str, Any], str | None]]:
        out: list[tuple[dict[str, Any], str | None]] = [({"role": "assistant"}, None)]
        if isinstance(message.get("content"), str):
            out += [({"content": p}, None) for p in split_text(message["content"], self.pieces)]
        for index, call in enumerate(message.get("tool_calls") or ()):
            function = call["function"]
            out.append(({"tool_calls": [{"index": index, "id": call["id"], "type": "function",
                                         "function": {"name": function["name"],
                                                      "arguments": ""}}]}, None))
            out += [({"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, None)
                    for piece in _cut(function["arguments"], self.pieces)]
        legacy = message.get("function_call")
        if legacy:
            out.append(({"function_call": {"name": legacy["name"], "arguments": ""}}, None))
            out += [({"function_call": {"arguments": piece}}, None)
                    for piece in _cut(legacy["arguments"], self.pieces)]
        if message.get("annotations"):
            out.append(({"annotations": message["annotations"]}, None))
        out.append(({}, finish))
        return out

    async def _responses(self, request: Request) -> Response:
        if self.output is None:
            return await super()._responses(request)
        rec = await self.record(request)
        response = build_response(rec.body, str(rec.model))
        response["output"] = self.output
        if not rec.body.get("stream"):
            return json_response(response)
        events = with_annotation_events(response_events(response, self.pieces), response)
        return SSEResponse(stream_events(events, str(rec.model)), self._stream_ended)


def with_annotation_events(events: list[dict[str, Any]],
                           response: dict[str, Any]) -> list[dict[str, Any]]:
    """``events`` with each text's ``annotation.added`` events just before its ``.done``."""
    out: list[dict[str, Any]] = []
    for event in events:
        if event["type"] == "response.output_text.done":
            item = response["output"][event["output_index"]]
            part = item["content"][event["content_index"]]
            ids = {k: event[k] for k in ("item_id", "output_index", "content_index")}
            out += [{"type": "response.output_text.annotation.added", **ids,
                     "annotation_index": n, "annotation": annotation}
                    for n, annotation in enumerate(part.get("annotations") or ())]
        out.append(event)
    return [{**event, "sequence_number": n} for n, event in enumerate(out)]


def _cut(text: str, pieces: int) -> list[str]:
    step = max(1, -(-len(text) // pieces))
    return [text[i:i + step] for i in range(0, len(text), step)]


async def _sse(chunks: list[dict[str, Any]]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
    yield b"data: [DONE]\n\n"


class ScriptedAnthropic(FakeAnthropicProvider):
    def __init__(self) -> None:
        super().__init__()
        self.content: list[dict[str, Any]] | None = None

    def reset(self) -> None:
        super().reset()
        self.content = None

    def _answer(self, body: dict[str, Any], model: str, text: str,
                last_user: str) -> tuple[list[dict[str, Any]], str]:
        if self.content is None:
            return super()._answer(body, model, text, last_user)
        return self.content, "end_turn"

    async def _events(self, message: dict[str, Any], model: str,
                      drip: int | None) -> AsyncIterator[bytes]:
        if self.content is None:
            async for event in super()._events(message, model, drip):
                yield event
            return
        yield _event("message_start", {"message": {**message, "content": [],
                                                   "stop_reason": None}})
        for index, block in enumerate(message["content"]):
            yield _event("content_block_start", {"index": index, "content_block": {
                "type": "text", "text": "", "citations": []}})
            for citation in block.get("citations") or ():
                yield _event("content_block_delta", {"index": index, "delta": {
                    "type": "citations_delta", "citation": citation}})
            for piece in split_text(block["text"], 4):
                yield _event("content_block_delta", {"index": index, "delta": {
                    "type": "text_delta", "text": piece}})
            yield _event("content_block_stop", {"index": index})
        yield _event("message_delta", {"delta": {"stop_reason": "end_turn",
                                                 "stop_sequence": None},
                                       "usage": {"output_tokens": 5}})
        yield _event("message_stop", {})

"""Fake Anthropic Messages API (``POST /v1/messages``, ``/v1/messages/count_tokens``).

Behaviour is picked by the request's ``model``: ordinary names answer
``"reçu: " + <last user message text>``; ``fake-tools`` (with ``tools``) answers
a text block then a ``tool_use`` block (in text once it is given tool results only); ``fake-slow[-SECONDS]`` waits;
``fake-error-{400,401,429,500,529}`` fail; ``fake-cut`` drops the connection;
``fake-drip[-N]`` streams N text deltas (default 50) 50 ms apart.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ._base import (
    DRIP_DELAY_S,
    FakeConnectionCut,
    FakeProvider,
    SSEResponse,
    cut_connection,
    drip_chunks,
    error_status,
    fake_arguments,
    json_response,
    slow_delay,
    split_text,
    words,
)

_ERRORS: dict[int, tuple[str, str]] = {
    400: ("invalid_request_error", "Invalid request (fake-error-400)."),
    401: ("authentication_error", "invalid x-api-key"),
    403: (
        "permission_error",
        "Your API key does not have permission to use the specified resource.",
    ),
    404: ("not_found_error", "The requested resource could not be found."),
    429: ("rate_limit_error", "Number of requests has exceeded your rate limit (fake-error-429)."),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}


def anthropic_error(status: int, message: str | None = None) -> Response:
    type_, default_message = _ERRORS.get(status, ("api_error", f"Error {status} (fake)."))
    request_id = "req_" + uuid.uuid4().hex[:24]
    body = {
        "type": "error",
        "error": {"type": type_, "message": message or default_message},
        "request_id": request_id,
    }
    headers = {"request-id": request_id}
    if status == 429:
        headers["retry-after"] = "1"
    return json_response(body, status, headers)


def block_text(content: Any) -> str:
    """Text of a message ``content``: a string or a list of blocks (text, tool_result)."""
    if isinstance(content, str):
        return content
    parts: list[str] = []
    if isinstance(content, list):
        for block in content:
            if not isinstance(block, dict):
                continue
            if block.get("type") == "text" and isinstance(block.get("text"), str):
                parts.append(block["text"])
            elif block.get("type") == "tool_result":
                parts.append(block_text(block.get("content")))
    return " ".join(p for p in parts if p)


def _event(name: str, data: dict[str, Any]) -> bytes:
    payload = json.dumps({"type": name, **data}, ensure_ascii=False)
    return f"event: {name}\ndata: {payload}\n\n".encode()


class FakeAnthropicProvider(FakeProvider):
    """Anthropic Messages fake.

    The key is read from ``x-api-key`` or ``Authorization: Bearer`` (the Python SDK 2.x
    sends the latter); ``api_key``: if set, the key must equal it.
    """

    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key
        super().__init__()

    def _build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/messages", self._messages, methods=["POST"]),
                Route("/v1/messages/count_tokens", self._count_tokens, methods=["POST"]),
            ]
        )

    async def _check(self, request: Request) -> tuple[dict[str, Any], str] | Response:
        rec = await self.record(request)
        key = request.headers.get("x-api-key")
        if key is None and request.headers.get("authorization", "").startswith("Bearer "):
            key = request.headers["authorization"][len("Bearer ") :]  # what the SDK >= 2 sends
        if not key:
            return anthropic_error(401, "x-api-key header is required")
        if self.api_key is not None and key != self.api_key:
            return anthropic_error(401)
        if not request.headers.get("anthropic-version"):
            return anthropic_error(400, "anthropic-version: header is required")
        if not isinstance(rec.body, dict):
            return anthropic_error(400, "Invalid JSON body")
        if not rec.model:
            return anthropic_error(400, "model: Field required")
        if not isinstance(rec.body.get("messages"), list) or not rec.body["messages"]:
            return anthropic_error(400, "messages: Field required")
        return rec.body, rec.model

    @staticmethod
    def _input_tokens(body: dict[str, Any]) -> int:
        total = words(block_text(body.get("system")))
        for message in body["messages"]:
            if isinstance(message, dict):
                total += words(block_text(message.get("content")))
        return max(1, total)

    async def _count_tokens(self, request: Request) -> Response:
        checked = await self._check(request)
        if isinstance(checked, Response):
            return checked
        body, _ = checked
        return json_response({"input_tokens": self._input_tokens(body)})

    async def _messages(self, request: Request) -> Response:
        checked = await self._check(request)
        if isinstance(checked, Response):
            return checked
        body, model = checked
        if not isinstance(body.get("max_tokens"), int):
            return anthropic_error(400, "max_tokens: Field required")
        status = error_status(model)
        if status is not None:
            return anthropic_error(status)
        stream = body.get("stream") is True
        if model == "fake-cut" and not stream:
            return await cut_connection(request)
        delay = slow_delay(model)
        if delay is not None and not stream:
            await asyncio.sleep(delay)

        last_user = ""
        for message in reversed(body["messages"]):
            if isinstance(message, dict) and message.get("role") == "user":
                last_user = block_text(message.get("content"))
                break
        text = "reçu: " + last_user
        drip = drip_chunks(model)
        if drip is not None:
            text = " ".join(str(i) for i in range(drip))
        content, stop_reason = self._answer(body, model, text, last_user)
        message = self._message(body, model, content, stop_reason)
        if not stream:
            return json_response(message)
        return SSEResponse(self._events(message, model, drip), self._stream_ended)

    def _answer(
        self, body: dict[str, Any], model: str, text: str, last_user: str
    ) -> tuple[list[dict[str, Any]], str]:
        """The answer's blocks and stop reason: ``text``, or a tool call for ``fake-tools``."""
        tools = body.get("tools")
        last = body["messages"][-1] if isinstance(body["messages"][-1], dict) else {}
        results = last.get("content") if last.get("role") == "user" else None
        answered = isinstance(results, list) and bool(results) and all(
            isinstance(b, dict) and b.get("type") == "tool_result" for b in results)
        if model != "fake-tools" or not isinstance(tools, list) or not tools or answered:
            # Without tools, or with tool results to read: a text answer.
            return [{"type": "text", "text": text}], "end_turn"
        tool = self._pick_tool(tools, body.get("tool_choice"))
        arguments = fake_arguments(tool.get("input_schema"), last_user)
        digest = hashlib.sha256(json.dumps(arguments).encode()).hexdigest()
        content = [
            {"type": "text", "text": f"Je vais utiliser l'outil {tool.get('name', '')}."},
            {
                "type": "tool_use",
                "id": "toolu_" + digest[:24],
                "name": tool.get("name", ""),
                "input": arguments,
            },
        ]
        return content, "tool_use"

    def _message(
        self, body: dict[str, Any], model: str, content: list[dict[str, Any]], stop_reason: str
    ) -> dict[str, Any]:
        """The complete Messages API answer, with its usage (a word is a token here)."""
        output_tokens = max(
            1,
            sum(
                words(b["text"]) if b["type"] == "text" else words(json.dumps(b["input"]))
                for b in content
            ),
        )
        return {
            "id": "msg_" + uuid.uuid4().hex[:24],
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {
                "input_tokens": self._input_tokens(body),
                "cache_creation_input_tokens": 0,
                "cache_read_input_tokens": 0,
                "output_tokens": output_tokens,
                "service_tier": "standard",
            },
        }

    @staticmethod
    def _pick_tool(tools: list[Any], tool_choice: Any) -> dict[str, Any]:
        named = [t for t in tools if isinstance(t, dict)]
        if isinstance(tool_choice, dict) and tool_choice.get("type") == "tool":
            for tool in named:
                if tool.get("name") == tool_choice.get("name"):
                    return tool
        return named[0] if named else {}

    async def _events(
        self, message: dict[str, Any], model: str, drip: int | None
    ) -> AsyncIterator[bytes]:
        usage = message["usage"]
        start = {
            **message,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {**usage, "output_tokens": 1},
        }
        yield _event("message_start", {"message": start})
        delay = slow_delay(model)
        if delay is not None:
            await asyncio.sleep(delay)
        sent = 0
        for index, block in enumerate(message["content"]):
            if block["type"] == "text":
                yield _event(
                    "content_block_start",
                    {"index": index, "content_block": {"type": "text", "text": ""}},
                )
                if index == 0:
                    yield _event("ping", {})
                pieces = split_text(block["text"], drip or 4)
                deltas = [{"type": "text_delta", "text": piece} for piece in pieces]
            else:
                started = {**block, "input": {}}
                yield _event("content_block_start", {"index": index, "content_block": started})
                args = json.dumps(block["input"], ensure_ascii=False)
                step = max(1, -(-len(args) // 3))
                fragments = [""] + [args[i : i + step] for i in range(0, len(args), step)]
                deltas = [{"type": "input_json_delta", "partial_json": f} for f in fragments]
            for delta in deltas:
                if model == "fake-cut" and sent >= 2:
                    raise FakeConnectionCut
                if drip is not None:
                    await asyncio.sleep(DRIP_DELAY_S)
                yield _event("content_block_delta", {"index": index, "delta": delta})
                sent += 1
            yield _event("content_block_stop", {"index": index})
        if model == "fake-cut":
            raise FakeConnectionCut
        stop = {"stop_reason": message["stop_reason"], "stop_sequence": None}
        yield _event(
            "message_delta", {"delta": stop, "usage": {"output_tokens": usage["output_tokens"]}}
        )
        yield _event("message_stop", {})

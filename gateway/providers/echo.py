"""The local ``echo`` model: answers with what it received, as a provider would see it.

It lets a newcomer try the gateway with no provider account, and shows redaction at work:
the answer is the last user message exactly as it left the gateway.
"""

from __future__ import annotations

import hashlib
import struct
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from gateway.providers.base import Adapter, ByteStream, UpstreamReply
from gateway.providers.sse import encode_event

EMBEDDING_DIMENSIONS = 16


def estimate_tokens(text: str) -> int:
    """A rough token count (4 characters a token) for models that report no usage."""
    return max(1, (len(text) + 3) // 4) if text else 0


def message_text(content: Any) -> str:
    """The text of a message's content, string or list of parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(part.get("text", "")) for part in content
            if isinstance(part, dict) and part.get("type") == "text"
        )
    return ""


def _reply_text(body: dict[str, Any]) -> str:
    messages = body.get("messages") or []
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return message_text(message.get("content"))
    return ""


def _usage(body: dict[str, Any], answer: str) -> dict[str, int]:
    prompt = sum(
        estimate_tokens(message_text(m.get("content"))) for m in body.get("messages") or []
        if isinstance(m, dict)
    )
    completion = estimate_tokens(answer)
    return {"prompt_tokens": prompt, "completion_tokens": completion,
            "total_tokens": prompt + completion}


class _EchoStream:
    def __init__(self, events: list[bytes]) -> None:
        self._events = events

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for event in self._events:
            yield event

    async def aclose(self) -> None:
        return None


class EchoAdapter(Adapter):
    """Answers locally; never opens a connection."""

    provider_name = "echo"

    async def chat(self, body: dict[str, Any]) -> UpstreamReply:
        answer = _reply_text(body)
        reply = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.entry.name,
            "choices": [{
                "index": 0,
                "message": {"role": "assistant", "content": answer},
                "finish_reason": "stop",
            }],
            "usage": _usage(body, answer),
        }
        return UpstreamReply(reply, 0.0)

    async def chat_stream(self, body: dict[str, Any]) -> ByteStream:
        answer = _reply_text(body)
        base = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self.entry.name,
        }
        words = answer.split(" ")
        pieces = [word if i == 0 else " " + word for i, word in enumerate(words)] if answer else []
        events = [encode_event({**base, "choices": [
            {"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}
        ]})]
        events += [
            encode_event({**base, "choices": [
                {"index": 0, "delta": {"content": piece}, "finish_reason": None}
            ]})
            for piece in pieces
        ]
        events.append(encode_event({**base, "choices": [
            {"index": 0, "delta": {}, "finish_reason": "stop"}
        ]}))
        events.append(encode_event({**base, "choices": [], "usage": _usage(body, answer)}))
        events.append(b"data: [DONE]\n\n")
        return _EchoStream(events)

    async def embeddings(self, body: dict[str, Any]) -> UpstreamReply:
        raw = body.get("input")
        inputs = [raw] if isinstance(raw, str) else list(raw or [])
        data = []
        for index, item in enumerate(inputs):
            digest = hashlib.sha256(str(item).encode("utf-8", "replace")).digest()
            values = struct.unpack(f"{EMBEDDING_DIMENSIONS}h", digest[: EMBEDDING_DIMENSIONS * 2])
            data.append({"object": "embedding", "index": index,
                         "embedding": [round(v / 32768, 6) for v in values]})
        tokens = sum(estimate_tokens(str(item)) for item in inputs)
        reply = {"object": "list", "data": data, "model": self.entry.name,
                 "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}
        return UpstreamReply(reply, 0.0)

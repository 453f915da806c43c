"""Incremental Server-Sent Events framing, for relaying and reading upstream streams."""

from __future__ import annotations

from typing import Any

import orjson

DONE = b"[DONE]"


class SSEBuffer:
    """Splits a byte stream into complete SSE events as chunks arrive.

    Upstream chunk boundaries fall anywhere (mid-line, mid-UTF-8 sequence); only whole events
    are handed on, so a client never sees half an event and the gateway can read each one.
    """

    __slots__ = ("_pending",)

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        data = self._pending + chunk if self._pending else chunk
        if b"\r" in data:
            data = data.replace(b"\r\n", b"\n")
        parts = data.split(b"\n\n")
        self._pending = parts.pop()
        return [part for part in parts if part.strip()]

    def rest(self) -> bytes:
        """What is left after the stream ended: an unterminated last event, if any."""
        rest, self._pending = self._pending, b""
        return rest


def event_data(event: bytes) -> bytes:
    """The ``data:`` payload of one event (multi-line data joined with newlines)."""
    lines = [
        line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:")
    ]
    return b"\n".join(lines)


def event_json(event: bytes) -> dict[str, Any] | None:
    """The JSON object an event carries, or ``None`` for ``[DONE]``, comments and junk."""
    data = event_data(event)
    if not data or data == DONE:
        return None
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None


def encode_event(payload: dict[str, Any] | bytes) -> bytes:
    body = payload if isinstance(payload, bytes) else orjson.dumps(payload)
    return b"data: " + body + b"\n\n"

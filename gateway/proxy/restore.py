"""Putting pseudonymized values back into the provider's answer, whole or streamed."""

from __future__ import annotations

from typing import Any

from gateway.proxy import citations
from gateway.proxy.answers import functions
from gateway.proxy.chunk_walk import ChunkWalk
from gateway.redaction import Pseudonymizer
from gateway.text.offsets import OffsetMap


def restore_reply(reply: dict[str, Any], pseudo: Pseudonymizer, json_text: bool = False) -> None:
    """Restore placeholders in a complete chat completion, in place (``json_text``: its
    text is JSON, values go back JSON-escaped)."""
    for choice in reply.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("content"), str):
            offsets = OffsetMap()
            restore = pseudo.restore_json if json_text else pseudo.restore
            message["content"] = restore(message["content"], offsets)
            citations.shift(message.get("annotations"), offsets)
        for function in functions(message):
            # Arguments are JSON text: restored values must be JSON-escaped.
            function["arguments"] = pseudo.restore_json(function["arguments"])


class ChunkRestorer:
    """Restores placeholders across streamed chunks.

    A placeholder may be split over several deltas (``<PER`` + ``SON_1>``): each choice's text
    and each tool call's arguments get their own streaming restorer, which holds back only a
    possible placeholder prefix and flushes at the choice's ``finish_reason``.
    """

    def __init__(self, pseudo: Pseudonymizer, json_text: bool = False) -> None:
        self._walk = ChunkWalk(
            lambda as_json: pseudo.streaming_restorer(json_mode=as_json), json_text)

    def transform(self, chunk: dict[str, Any]) -> None:
        """Rewrite one chunk in place."""
        self._walk.transform(chunk)

    def tail(self) -> dict[str, Any] | None:
        """What is still held back when a stream ends without a finish reason."""
        return self._walk.tail()

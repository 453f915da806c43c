"""Anthropic Messages SSE events -> OpenAI ``chat.completion.chunk`` stream.

Feed each parsed upstream event's data (it carries ``type``) to
:meth:`AnthropicToOpenAIStream.feed`; call :meth:`AnthropicToOpenAIStream.finish`
when the upstream closes (a no-op after ``message_stop``). Write each returned
dict as ``data: {json}\\n\\n``, then ``data: [DONE]\\n\\n`` at the end.

Thinking blocks and their deltas, ``citations_delta``, ``ping`` and unknown
event types produce nothing. An upstream ``error`` event becomes an OpenAI
style in-stream error payload ``{"error": {...}}`` and ends the stream (no
finish chunk), which is what OpenAI itself does.
"""

from __future__ import annotations

import time
from typing import Any

from ._common import JSONDict, dumps_arguments, openai_completion_id
from .errors import TranslationError
from .reasons import to_openai_finish
from .usage import TokenUsage

_SILENT_BLOCKS = frozenset({"thinking", "redacted_thinking"})


class AnthropicToOpenAIStream:
    """Stateful translator of one Anthropic streaming response into OpenAI chunks.

    Attributes:
        usage: Accumulated usage (input from ``message_start``, output from ``message_delta``).
        tool_calls: Accumulated tool calls ``{"id", "name", "arguments"}``.
        stop_reason: Anthropic stop_reason once known.
    """

    def __init__(
        self, requested_model: str, include_usage: bool, *, created: int | None = None
    ) -> None:
        """Args: requested_model: name reported to the client; include_usage: emit the final
        usage chunk (client asked ``stream_options.include_usage``); created: chunk timestamp."""
        self.requested_model = requested_model
        self.include_usage = include_usage
        self.created = int(time.time()) if created is None else created
        self.usage = TokenUsage()
        self.tool_calls: list[JSONDict] = []
        self.stop_reason: str | None = None
        self._texts: list[str] = []
        self._id: str | None = None
        self._blocks: dict[int, str] = {}  # Anthropic block index -> block type
        self._tool_index: dict[int, int] = {}  # Anthropic block index -> OpenAI tool call index
        self._started = False
        self._finished = False

    @property
    def text(self) -> str:
        """The assistant text streamed so far."""
        return "".join(self._texts)

    def feed(self, event: JSONDict) -> list[JSONDict]:
        """Translate one Anthropic event; returns zero or more OpenAI chunk dicts."""
        if self._finished:
            return []
        kind = event.get("type")
        chunks: list[JSONDict] = []
        if kind == "message_start":
            message = event.get("message") or {}
            self._id = openai_completion_id(message.get("id"))
            self.usage = TokenUsage.from_anthropic(message.get("usage"))
            self._ensure_started(chunks)
        elif kind == "content_block_start":
            self._ensure_started(chunks)
            self._block_start(chunks, int(event.get("index", 0)), event.get("content_block") or {})
        elif kind == "content_block_delta":
            self._ensure_started(chunks)
            self._block_delta(chunks, int(event.get("index", 0)), event.get("delta") or {})
        elif kind == "message_delta":
            self.stop_reason = (event.get("delta") or {}).get("stop_reason") or self.stop_reason
            self.usage.update_from_anthropic_delta(event.get("usage"))
        elif kind == "message_stop":
            return self.finish()
        elif kind == "error":
            return [self._error(event.get("error"))]
        return chunks

    def finish(self) -> list[JSONDict]:
        """Emit the finish chunk and, if requested, the usage chunk. Idempotent."""
        if self._finished:
            return []
        chunks: list[JSONDict] = []
        self._ensure_started(chunks)
        chunks.append(self._chunk({}, finish_reason=to_openai_finish(self.stop_reason)))
        if self.include_usage:
            chunk = self._chunk({})
            chunk["choices"] = []
            chunk["usage"] = self.usage.to_openai()
            chunks.append(chunk)
        self._finished = True
        return chunks

    def _error(self, error: Any) -> JSONDict:
        self._finished = True
        error = error if isinstance(error, dict) else {"message": str(error)}
        return {
            "error": {
                "message": error.get("message", "upstream error"),
                "type": error.get("type", "api_error"),
                "code": None,
            }
        }

    def _ensure_started(self, chunks: list[JSONDict]) -> None:
        """First chunk: ``role: assistant``, sent once even if message_start is missing."""
        if self._started:
            return
        self._started = True
        if self._id is None:
            self._id = openai_completion_id(None)
        chunks.append(self._chunk({"role": "assistant", "content": ""}))

    def _chunk(self, delta: JSONDict, finish_reason: str | None = None) -> JSONDict:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.requested_model,
            "choices": [choice],
        }

    def _block_start(self, chunks: list[JSONDict], index: int, block: JSONDict) -> None:
        kind = str(block.get("type"))
        self._blocks[index] = kind
        if kind == "text":
            if block.get("text"):
                self._emit_text(chunks, str(block["text"]))
        elif kind == "tool_use":
            position = len(self.tool_calls)
            self._tool_index[index] = position
            self.tool_calls.append(
                {"id": block.get("id"), "name": block.get("name"), "arguments": ""}
            )
            function = {"name": block.get("name"), "arguments": ""}
            call = {
                "index": position,
                "id": block.get("id"),
                "type": "function",
                "function": function,
            }
            chunks.append(self._chunk({"tool_calls": [call]}))
            if block.get("input"):  # normally {} at start; honour servers that send it whole
                self._emit_arguments(chunks, index, dumps_arguments(block["input"]))
        elif kind not in _SILENT_BLOCKS:
            raise TranslationError(
                f"'{kind}' content blocks cannot be streamed to an OpenAI client", "content_block"
            )

    def _block_delta(self, chunks: list[JSONDict], index: int, delta: JSONDict) -> None:
        kind = delta.get("type")
        if kind == "text_delta" and delta.get("text"):
            self._emit_text(chunks, str(delta["text"]))
        elif kind == "input_json_delta" and delta.get("partial_json"):
            self._emit_arguments(chunks, index, str(delta["partial_json"]))
        # thinking_delta, signature_delta, citations_delta: nothing to show an OpenAI client

    def _emit_text(self, chunks: list[JSONDict], text: str) -> None:
        self._texts.append(text)
        chunks.append(self._chunk({"content": text}))

    def _emit_arguments(self, chunks: list[JSONDict], index: int, fragment: str) -> None:
        position = self._tool_index.get(index)
        if position is None:
            raise TranslationError("input_json_delta for a block that is not a tool_use", "delta")
        self.tool_calls[position]["arguments"] += fragment
        chunks.append(
            self._chunk({"tool_calls": [{"index": position, "function": {"arguments": fragment}}]})
        )

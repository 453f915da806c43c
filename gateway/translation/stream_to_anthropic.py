"""OpenAI ``chat.completion.chunk`` stream -> Anthropic Messages SSE events.

Feed each parsed upstream chunk to :meth:`OpenAIToAnthropicStream.feed` and
call :meth:`OpenAIToAnthropicStream.finish` once when the upstream sends
``[DONE]`` or closes. Each returned item is ``(event_name, data)`` to be
written as ``event: {name}\\ndata: {json(data)}\\n\\n``.

``message_delta`` (stop reason + usage) is only emitted by ``finish()``:
with ``stream_options.include_usage`` OpenAI sends usage in a separate last
chunk (``choices: []``) *after* the finish_reason chunk.
"""

from __future__ import annotations

from typing import Any

from ._common import JSONDict, anthropic_message_id, anthropic_tool_id, dumps_arguments
from .errors import TranslationError
from .reasons import to_anthropic_stop
from .usage import TokenUsage

AnthropicEvent = tuple[str, JSONDict]


class OpenAIToAnthropicStream:
    """Stateful translator of one OpenAI streaming response into Anthropic events.

    Attributes:
        usage: Accumulated usage (input tokens are the constructor hint until
            the upstream usage chunk arrives).
        tool_calls: Accumulated tool calls ``{"id", "name", "arguments"}``.
        truncated: True if the upstream ended without a finish_reason.
    """

    def __init__(self, requested_model: str, *, input_tokens: int | None = None) -> None:
        """Args: requested_model: name reported to the client; input_tokens: optional
        prompt size estimate for ``message_start`` (e.g. from count_tokens_estimate)."""
        self.requested_model = requested_model
        self.usage = TokenUsage(input_tokens=input_tokens or 0)
        self.tool_calls: list[JSONDict] = []
        self.truncated = False
        self.stop_reason: str | None = None
        self._texts: list[str] = []
        self._message_id: str | None = None
        self._block_index = -1
        self._open_kind: str | None = None
        self._tool_key: Any = None
        self._closed_tool_keys: set[Any] = set()
        self._finish_reason: str | None = None
        self._matched_stop: Any = None
        self._usage_seen = False
        self._finished = False

    @property
    def text(self) -> str:
        """The assistant text streamed so far."""
        return "".join(self._texts)

    def feed(self, chunk: JSONDict) -> list[AnthropicEvent]:
        """Translate one upstream chunk; returns zero or more Anthropic events."""
        if self._finished:
            return []
        events: list[AnthropicEvent] = []
        if "error" in chunk and "choices" not in chunk:
            return self._error(events, chunk["error"])
        if not chunk.get("choices") and not chunk.get("usage"):
            return events  # e.g. Azure's leading prompt_filter_results chunk: nothing to say yet
        self._start(events, chunk.get("id"))
        if chunk.get("usage"):
            self.usage = TokenUsage.from_openai(chunk["usage"])
            self._usage_seen = True
        for choice in chunk.get("choices") or []:
            if choice.get("index", 0) != 0:
                continue  # n > 1 is refused on the request side
            self._delta(events, choice.get("delta") or {})
            if choice.get("finish_reason"):
                self._finish_reason = choice["finish_reason"]
                self._matched_stop = choice.get("stop_reason")
                self._close_block(events)
        return events

    def finish(self) -> list[AnthropicEvent]:
        """Close the message: open block, ``message_delta`` and ``message_stop``. Idempotent."""
        if self._finished:
            return []
        events: list[AnthropicEvent] = []
        self._start(events, None)
        self._close_block(events)
        self.truncated = self._finish_reason is None
        if self._finish_reason is None:
            self.stop_reason, stop_sequence = "end_turn", None
        else:
            self.stop_reason, stop_sequence = to_anthropic_stop(
                self._finish_reason,
                has_tool_calls=bool(self.tool_calls),
                matched_stop=self._matched_stop,
            )
        usage: JSONDict = {"output_tokens": self.usage.output_tokens}
        if self._usage_seen:
            usage = self.usage.to_anthropic()
        delta = {"stop_reason": self.stop_reason, "stop_sequence": stop_sequence}
        events.append(("message_delta", {"type": "message_delta", "delta": delta, "usage": usage}))
        events.append(("message_stop", {"type": "message_stop"}))
        self._finished = True
        return events

    def _error(self, events: list[AnthropicEvent], error: Any) -> list[AnthropicEvent]:
        """OpenAI in-stream error payload -> Anthropic ``error`` event; ends the stream."""
        message = error.get("message") if isinstance(error, dict) else str(error)
        data = {
            "type": "error",
            "error": {"type": "api_error", "message": message or "upstream error"},
        }
        events.append(("error", data))
        self._finished = True
        return events

    def _start(self, events: list[AnthropicEvent], upstream_id: Any) -> None:
        if self._message_id is not None:
            return
        self._message_id = anthropic_message_id(
            upstream_id if isinstance(upstream_id, str) else None
        )
        message: JSONDict = {
            "id": self._message_id,
            "type": "message",
            "role": "assistant",
            "model": self.requested_model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": self.usage.uncached_input_tokens, "output_tokens": 0},
        }
        events.append(("message_start", {"type": "message_start", "message": message}))

    def _delta(self, events: list[AnthropicEvent], delta: JSONDict) -> None:
        for key in ("content", "refusal"):
            text = delta.get(key)
            if isinstance(text, str) and text:
                self._text(events, text)
        for call in delta.get("tool_calls") or []:
            self._tool_delta(events, call)

    def _open_block(self, events: list[AnthropicEvent], block: JSONDict) -> None:
        self._close_block(events)
        self._block_index += 1
        self._open_kind = block["type"]
        data = {"type": "content_block_start", "index": self._block_index, "content_block": block}
        events.append(("content_block_start", data))

    def _close_block(self, events: list[AnthropicEvent]) -> None:
        if self._open_kind is None:
            return
        if self._open_kind == "tool_use":
            self._closed_tool_keys.add(self._tool_key)
            self._tool_key = None
        events.append(
            ("content_block_stop", {"type": "content_block_stop", "index": self._block_index})
        )
        self._open_kind = None

    def _text(self, events: list[AnthropicEvent], text: str) -> None:
        if self._open_kind != "text":
            self._open_block(events, {"type": "text", "text": ""})
        self._texts.append(text)
        delta = {"type": "text_delta", "text": text}
        events.append(
            (
                "content_block_delta",
                {"type": "content_block_delta", "index": self._block_index, "delta": delta},
            )
        )

    def _tool_delta(self, events: list[AnthropicEvent], call: JSONDict) -> None:
        """One ``tool_calls`` fragment; a new index closes the open block, opens a tool_use."""
        key = call.get("index")
        if key is None:  # some compatible servers omit index: a new id means a new call
            new_call = call.get("id") and (
                not self.tool_calls or call["id"] != self.tool_calls[-1]["id"]
            )
            key = (
                len(self.tool_calls)
                if new_call or self._open_kind != "tool_use"
                else self._tool_key
            )
        function = call.get("function") or {}
        if self._open_kind != "tool_use" or key != self._tool_key:
            if key in self._closed_tool_keys:
                # Anthropic cannot reopen a closed block; refusing beats dropping arguments.
                raise TranslationError(
                    "upstream interleaved tool call fragments", "choices[0].delta.tool_calls"
                )
            fallback = (
                self._message_id.replace("msg_", "toolu_", 1) if self._message_id else "toolu"
            )
            tool_id = anthropic_tool_id(call.get("id"), f"{fallback}_{len(self.tool_calls)}")
            name = function.get("name") or ""
            self.tool_calls.append({"id": tool_id, "name": name, "arguments": ""})
            self._open_block(events, {"type": "tool_use", "id": tool_id, "name": name, "input": {}})
            self._tool_key = key
        arguments = function.get("arguments")
        if isinstance(arguments, dict):  # Ollama-style object arguments
            arguments = dumps_arguments(arguments)
        if isinstance(arguments, str) and arguments:
            self.tool_calls[-1]["arguments"] += arguments
            delta = {"type": "input_json_delta", "partial_json": arguments}
            data = {"type": "content_block_delta", "index": self._block_index, "delta": delta}
            events.append(("content_block_delta", data))

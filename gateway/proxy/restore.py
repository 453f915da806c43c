"""Putting pseudonymized values back into the provider's answer, whole or streamed."""

from __future__ import annotations

from typing import Any

from gateway.proxy import citations
from gateway.proxy.answers import add_rest, functions
from gateway.redaction import Pseudonymizer, StreamingRestorer
from gateway.text.offsets import OffsetMap

_CONTENT, _FUNCTION_CALL = -1, -2  # as in gateway.proxy.answers.add_rest


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
        self._pseudo = pseudo
        self._json_text = json_text  # the text is JSON too (``response_format``)
        self._text: dict[int, StreamingRestorer] = {}
        self._args: dict[tuple[int, int], StreamingRestorer] = {}
        self._citations = citations.HeldCitations()

    def transform(self, chunk: dict[str, Any]) -> None:
        """Rewrite one chunk in place."""
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            delta = choice.get("delta")
            if not isinstance(delta, dict):
                continue
            if isinstance(delta.get("content"), str):
                delta["content"] = self._text_restorer(index).feed(delta["content"])
            if isinstance(delta.get("annotations"), list):  # sent shifted at the finish
                self._citations.hold(index, *delta.pop("annotations"))
            for call in delta.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                    restorer = self._args_restorer(index, int(call.get("index") or 0))
                    function["arguments"] = restorer.feed(function["arguments"])
            legacy = delta.get("function_call")
            if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
                restorer = self._args_restorer(index, _FUNCTION_CALL)
                legacy["arguments"] = restorer.feed(legacy["arguments"])
            if choice.get("finish_reason"):
                self._flush_into(index, delta)

    def tail(self) -> dict[str, Any] | None:
        """What is still held back when a stream ends without a finish reason."""
        choices = []
        for index in sorted({*self._text, *(i for i, _ in self._args),
                             *self._citations.texts()}):
            delta: dict[str, Any] = {}
            self._flush_into(index, delta)
            if delta:
                choices.append({"index": index, "delta": delta, "finish_reason": None})
        return {"object": "chat.completion.chunk", "choices": choices} if choices else None

    def _text_restorer(self, index: int) -> StreamingRestorer:
        if index not in self._text:
            self._text[index] = self._pseudo.streaming_restorer(json_mode=self._json_text)
        return self._text[index]

    def _args_restorer(self, index: int, call: int) -> StreamingRestorer:
        if (index, call) not in self._args:
            self._args[(index, call)] = self._pseudo.streaming_restorer(json_mode=True)
        return self._args[(index, call)]

    def _flush_into(self, index: int, delta: dict[str, Any]) -> None:
        restorer = self._text.pop(index, None)
        rest = restorer.flush() if restorer is not None else ""
        if rest:
            add_rest(delta, _CONTENT, rest)
        held = self._citations.release(index)
        if held:
            if restorer is not None:
                citations.shift(held, restorer.offsets)
            delta["annotations"] = held
        for key in sorted(k for k in self._args if k[0] == index):
            rest = self._args.pop(key).flush()
            if rest:
                add_rest(delta, key[1], rest)

"""One walk of a chat stream's chunks, for the answer screen and the restorer alike.

Both rewrite what a choice's deltas carry (the screen masks identifiers the model wrote,
the restorer puts the request's values back): each choice's text and each function call's
arguments (JSON) go through their own hold-back step, whose rest is added to the delta
that finishes the choice (``finish_reason``), or to one last chunk when the stream ends
without one; a choice's citations wait for its text's end and move with it. Only the
hold-back step differs: each brings its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.proxy import citations
from gateway.proxy.responses_walk import HeldText

CONTENT, FUNCTION_CALL = -1, -2  # step keys beside the tool calls' indexes
# A new hold-back step; its argument: whether the text it holds is JSON.
NewStep = Callable[[bool], HeldText]


class ChunkWalk:
    """Rewrites chat chunks in place with the steps ``new_step`` makes; keeps each text's
    held-back end until its choice finishes."""

    def __init__(self, new_step: NewStep, json_text: bool = False) -> None:
        self._new_step = new_step
        self._json_text = json_text  # the text is JSON too (``response_format``)
        self._steps: dict[tuple[int, int], HeldText] = {}
        self._citations = citations.HeldCitations()

    def transform(self, chunk: dict[str, Any]) -> None:
        """Rewrite one chunk in place."""
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                continue
            index = int(choice.get("index") or 0)
            if isinstance(delta.get("content"), str):
                delta["content"] = self._step(index, CONTENT).feed(delta["content"])
            if isinstance(delta.get("annotations"), list):  # sent moved at the finish
                self._citations.hold(index, *delta.pop("annotations"))
            for call in delta.get("tool_calls") or ():
                function = call.get("function") if isinstance(call, dict) else None
                if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                    step = self._step(index, int(call.get("index") or 0))
                    function["arguments"] = step.feed(function["arguments"])
            legacy = delta.get("function_call")
            if isinstance(legacy, dict) and isinstance(legacy.get("arguments"), str):
                legacy["arguments"] = self._step(index, FUNCTION_CALL).feed(legacy["arguments"])
            if choice.get("finish_reason"):
                self._flush_into(index, delta)

    def tail(self) -> dict[str, Any] | None:
        """What is still held back when a stream ends without a finish reason."""
        choices = []
        for index in sorted({i for i, _ in self._steps} | self._citations.texts()):
            delta: dict[str, Any] = {}
            self._flush_into(index, delta)
            if delta:
                choices.append({"index": index, "delta": delta, "finish_reason": None})
        return {"object": "chat.completion.chunk", "choices": choices} if choices else None

    def _step(self, index: int, call: int) -> HeldText:
        if (index, call) not in self._steps:
            self._steps[(index, call)] = self._new_step(call != CONTENT or self._json_text)
        return self._steps[(index, call)]

    def _flush_into(self, index: int, delta: dict[str, Any]) -> None:
        content = self._steps.get((index, CONTENT))
        for key in sorted(k for k in self._steps if k[0] == index):
            rest = self._steps.pop(key).flush()
            if rest:
                add_rest(delta, key[1], rest)
        held = self._citations.release(index)
        if held:
            if content is not None:
                citations.shift(held, content.offsets)
            delta["annotations"] = held


def add_rest(delta: dict[str, Any], call: int, rest: str) -> None:
    """Held-back text added to a chat delta: its content (``call`` -1), the legacy
    function call's arguments (-2) or the tool call ``call``'s."""
    if call == CONTENT:
        delta["content"] = (delta.get("content") or "") + rest
        return
    if call == FUNCTION_CALL:
        function = delta.setdefault("function_call", {})
    else:
        calls = delta.setdefault("tool_calls", [])
        existing = next((c for c in calls if int(c.get("index") or 0) == call), None)
        if existing is None:
            existing = {"index": call}
            calls.append(existing)
        function = existing.setdefault("function", {})
    function["arguments"] = (function.get("arguments") or "") + rest

"""Identifiers the model writes on its own, in Responses answers and in event streams.

:mod:`gateway.proxy.answers` does it for chat and Anthropic messages; here the Responses
API (a whole ``response``, or its typed events) and the legacy completions' stream.

A stream is screened before the relay sees it (:func:`screened`), so the client, the
record and the answer kept for the next turn all get the same screened text. A
Responses stream is walked as the restorer walks it (:mod:`gateway.proxy.responses_walk`):
each delta stream through its own hold-back filter, the whole texts, items and the final
``response`` the events repeat screened outright, which gives the same text (a filter's
outputs joined equal :meth:`AnswerPolicy.apply` of its inputs joined).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any, Protocol

from gateway.proxy import citations
from gateway.proxy.answers import blocked_answer, has_digit
from gateway.proxy.responses_walk import (
    EVENT_IDS,
    OUTPUT_TEXT,
    Event,
    ResponsesEventWalk,
    split_type,
)
from gateway.redaction.answers import AnswerBlocked, AnswerPolicy, StreamingAnswerFilter

# Keys that identify or name rather than say anything the employee reads (an opaque
# ``encrypted_content`` is not text either).
_ID_KEYS = frozenset({"type", "id", "status", "call_id", "role", "name", "encrypted_content",
                      "sequence_number", *EVENT_IDS})


def _leaves(value: Any, policy: AnswerPolicy) -> Any:
    if isinstance(value, str):
        return policy.apply(value)
    if isinstance(value, list):
        return [_leaves(item, policy) for item in value]
    if isinstance(value, dict):
        return {k: v if k in _ID_KEYS else _screen(k, v, policy) for k, v in value.items()}
    return value


def _screen(key: str, value: Any, policy: AnswerPolicy) -> Any:
    """A field's value screened; a function (or MCP) call's ``arguments`` are JSON text,
    and stay valid JSON."""
    if key == "arguments" and isinstance(value, str):
        return policy.apply_json(value)
    return _leaves(value, policy)


def json_response(body: dict[str, Any]) -> bool:
    """Whether a Responses request asked for a JSON answer (``text.format``): its output
    text must stay valid JSON through the mask and the values put back."""
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    return isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema")


def screen_item(item: dict[str, Any], policy: AnswerPolicy, json_text: bool = False) -> None:
    """One output item, in place: every text it carries (message parts, a function call's
    arguments, a reasoning summary, a hosted tool's query…); raises AnswerBlocked."""
    for key, value in item.items():
        if key == "content" and isinstance(value, list):
            item[key] = [screen_part(part, policy, json_text) if isinstance(part, dict)
                         else _leaves(part, policy) for part in value]
        elif key not in _ID_KEYS and key != "logprobs":
            item[key] = _screen(key, value, policy)


def screen_part(part: dict[str, Any], policy: AnswerPolicy,
                json_text: bool = False) -> dict[str, Any]:
    """One content part, in place (and returned): its citations move with its text, its
    ``logprobs`` (the text token by token) are emptied where the text was masked."""
    written = part.get("text")
    for key, value in part.items():
        if key == "text" and isinstance(value, str):
            part[key], offsets = policy.rewrite(value, json_text)
            citations.shift(part.get("annotations"), offsets)
        elif key not in _ID_KEYS:
            part[key] = _screen(key, value, policy)
    if part.get("text") != written and part.get("logprobs"):
        part["logprobs"] = []
    return part


def screen_response(response: dict[str, Any], policy: AnswerPolicy,
                    json_text: bool = False) -> None:
    """A whole ``response`` object, in place: its output only (the rest is the request's
    own settings, echoed back)."""
    for item in response.get("output") or ():
        if isinstance(item, dict):
            screen_item(item, policy, json_text)


class EventScreen(Protocol):
    def transform(self, event: Event) -> list[Event]:
        """The event as the client may read it, and any held-back text due before it."""


class _Screen:
    """The answer screen's :class:`~gateway.proxy.responses_walk.TextStep`."""

    def __init__(self, policy: AnswerPolicy, json_text: bool) -> None:
        self._policy = policy
        self._json_text = json_text  # the output text is JSON too (``text.format``)

    def delta_step(self, stream: str) -> StreamingAnswerFilter:
        # …_arguments.delta: the JSON arguments of a function or MCP call.
        return StreamingAnswerFilter(self._policy, json=stream.endswith("_arguments") or (
            self._json_text and stream == OUTPUT_TEXT))

    def whole(self, event: Event, stream: str) -> None:
        written = event.get("text")
        json_text = self._json_text
        for name, value in event.items():
            if name == "response" and isinstance(value, dict):
                screen_response(value, self._policy, json_text)
            elif name == "item" and isinstance(value, dict):
                screen_item(value, self._policy, json_text)
            elif name == "part" and isinstance(value, dict):
                screen_part(value, self._policy, json_text)
            elif name == "text" and stream == OUTPUT_TEXT and json_text and \
                    isinstance(value, str):
                event[name] = self._policy.apply_json(value)
            elif name not in ("delta", "logprobs") and name not in _ID_KEYS:
                event[name] = _screen(name, value, self._policy)
        if event.get("text") != written and event.get("logprobs"):
            event["logprobs"] = []  # the whole text's tokens, where it was masked


class ResponsesEventScreen:
    """:class:`gateway.proxy.answers.ChunkScreen` for the Responses API's typed events."""

    def __init__(self, policy: AnswerPolicy, json_text: bool = False) -> None:
        self._walk = ResponsesEventWalk(_Screen(policy, json_text))

    def transform(self, event: Event) -> list[Event]:
        if split_type(event)[1] == "delta" and has_digit(event.get("delta")) and \
                event.get("logprobs"):
            event["logprobs"] = []  # its tokens would pass what the filter holds back
        return self._walk.transform(event)

    def held(self) -> list[Event]:
        """What the filters still hold, as one delta each, for the record of a stream cut
        short (masked; nothing of a filter holding a blocked identifier)."""
        out: list[Event] = []
        for (stream, *ids), screen in self._walk.drain():
            try:
                rest = screen.flush()
            except AnswerBlocked:
                continue
            if rest:
                out.append({"type": f"{stream}.delta", "delta": rest,
                            **{name: v for name, v in zip(EVENT_IDS, ids, strict=True)
                               if v is not None}})
        return out


class CompletionChunkScreen:
    """The same for legacy text-completion chunks: one filter per choice, its rest added to
    the chunk that finishes the choice."""

    def __init__(self, policy: AnswerPolicy) -> None:
        self._policy = policy
        self._filters: dict[int, StreamingAnswerFilter] = {}

    def transform(self, event: Event) -> list[Event]:
        for choice in event.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            index = int(choice.get("index") or 0)
            if has_digit(choice.get("text")) and choice.get("logprobs"):
                choice["logprobs"] = None  # its tokens would pass what the filter holds back
            if isinstance(choice.get("text"), str):
                screen = self._filters.get(index)
                if screen is None:
                    screen = self._filters[index] = StreamingAnswerFilter(self._policy)
                choice["text"] = screen.feed(choice["text"])
            if choice.get("finish_reason") and index in self._filters:
                choice["text"] = str(choice.get("text") or "") + self._filters.pop(index).flush()
        return [event]


async def screened(
    source: AsyncGenerator[list[Event], None], screen: EventScreen
) -> AsyncGenerator[list[Event], None]:
    """``source`` screened; a blocked identifier ends it with the policy's refusal, after
    what the same read had already cleared (as the chat relay does)."""
    try:
        async for batch in source:
            out: list[Event] = []
            try:
                for event in batch:
                    out.extend(screen.transform(event))
            except AnswerBlocked as exc:
                if out:
                    yield out
                raise blocked_answer(exc.entity) from exc
            if out:
                yield out
    finally:
        await source.aclose()

"""Identifiers the model writes on its own, in chat answers whole or streamed.

Runs on what the provider wrote, before placeholders are put back and before the answer is
recorded, so neither the employee nor the log sees a NIR or a card number the policies mask
(:mod:`gateway.redaction.answers`); a blocked one refuses the answer (403
``policy_violation``; a stream ends with that error as its last event). The Responses API
and legacy completion streams: :mod:`gateway.proxy.answer_events`.
"""

from __future__ import annotations

import json
from typing import Any

from gateway.errors import PolicyViolationError
from gateway.proxy import citations
from gateway.proxy.anthropic_walk import ContentBlockWalk, Event, rest_event
from gateway.proxy.chunk_walk import ChunkWalk
from gateway.redaction.answers import AnswerBlocked, AnswerPolicy, StreamingAnswerFilter

_NAMES = {"FR_NIR": "un numéro de sécurité sociale", "CREDIT_CARD": "un numéro de carte bancaire"}


def blocked_answer(entity: str) -> PolicyViolationError:
    return PolicyViolationError(
        f"La réponse du modèle contenait {_NAMES.get(entity, entity)} absent de votre "
        "demande : la politique de l'entreprise interdit de le transmettre, la réponse a été "
        "bloquée."
    )


def has_digit(text: Any) -> bool:
    return isinstance(text, str) and any(ch.isdigit() for ch in text)


def functions(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The function calls of a chat message or delta whose ``arguments`` are JSON text:
    each tool call's, and the legacy ``function_call`` (clients still sending
    ``functions`` get it)."""
    calls = [call.get("function") for call in message.get("tool_calls") or ()
             if isinstance(call, dict)]
    calls.append(message.get("function_call"))
    return [f for f in calls if isinstance(f, dict) and isinstance(f.get("arguments"), str)]


def json_reply(body: dict[str, Any]) -> bool:
    """Whether a chat request asked for a JSON answer (``response_format``): its text must
    stay valid JSON through the mask and the values put back."""
    fmt = body.get("response_format")
    return isinstance(fmt, dict) and fmt.get("type") in ("json_object", "json_schema")


def screen_reply(reply: dict[str, Any], policy: AnswerPolicy, json_text: bool = False) -> None:
    """Mask new identifiers in a complete chat completion, in place (AnswerBlocked).

    A choice's ``logprobs`` repeat its text token by token, outside the screen: they are
    dropped from a choice whose text was masked. Arguments (and, with ``json_text``, the
    text) stay valid JSON."""
    for choice in reply.get("choices") or ():
        message = choice.get("message") if isinstance(choice, dict) else None
        if not isinstance(message, dict):
            continue
        if isinstance(message.get("content"), str):
            written = message["content"]
            message["content"], offsets = policy.rewrite(written, json_text)
            citations.shift(message.get("annotations"), offsets)
            if message["content"] != written and choice.get("logprobs"):
                choice["logprobs"] = None
        for function in functions(message):
            function["arguments"] = policy.apply_json(function["arguments"])


def screen_completion(answer: dict[str, Any], policy: AnswerPolicy) -> None:
    """:func:`screen_reply` for a legacy text completion: each choice's text."""
    for choice in answer.get("choices") or ():
        if isinstance(choice, dict) and isinstance(choice.get("text"), str):
            written = choice["text"]
            choice["text"] = policy.apply(written)
            if choice["text"] != written:  # its logprobs repeat the text, token by token
                choice["logprobs"] = None


class ChunkScreen:
    """:func:`screen_reply` across streamed chunks: one hold-back filter per choice text
    and per function call's arguments (JSON), flushed at the choice's ``finish_reason``."""

    def __init__(self, policy: AnswerPolicy, json_text: bool = False) -> None:
        self._walk = ChunkWalk(
            lambda as_json: StreamingAnswerFilter(policy, json=as_json), json_text)

    def transform(self, chunk: dict[str, Any]) -> None:
        for choice in chunk.get("choices") or ():
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if isinstance(delta, dict) and has_digit(delta.get("content")) and \
                    choice.get("logprobs"):
                # Its tokens would pass the digits the filter holds back: not sent.
                choice["logprobs"] = None
        self._walk.transform(chunk)

    def tail(self) -> dict[str, Any] | None:
        """What is still held back when a stream ends without a finish reason."""
        return self._walk.tail()


def _screen_leaves(value: Any, policy: AnswerPolicy) -> Any:
    if isinstance(value, str):
        return policy.apply(value)
    if isinstance(value, int) and not isinstance(value, bool):
        # A tool input is an object: a number there is an identifier too, and masked it
        # becomes the string "<TYPE>" (the input stays valid JSON).
        written = str(value)
        masked = policy.apply_json(written)
        return value if masked == written else json.loads(masked)
    if isinstance(value, dict):
        return {key: _screen_leaves(item, policy) for key, item in value.items()}
    if isinstance(value, list):
        return [_screen_leaves(item, policy) for item in value]
    return value


def screen_message(message: dict[str, Any], policy: AnswerPolicy) -> None:
    """:func:`screen_reply` for a complete Anthropic message: text blocks, tool inputs."""
    for block in message.get("content") or ():
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            block["text"] = policy.apply(block["text"])
            if isinstance(block.get("citations"), list):  # text quoted from a web page too
                block["citations"] = [_screen_citation(c, policy) for c in block["citations"]]
        elif block.get("type") == "tool_use":
            block["input"] = _screen_leaves(block.get("input"), policy)


def _screen_citation(citation: Any, policy: AnswerPolicy) -> Any:
    if not isinstance(citation, dict):
        return citation
    return {key: value if key in ("type", "encrypted_index") else _screen_leaves(value, policy)
            for key, value in citation.items()}


class _BlockScreen:
    """The answer screen's :class:`~gateway.proxy.anthropic_walk.BlockStep`."""

    def __init__(self, policy: AnswerPolicy) -> None:
        self._policy = policy

    def delta_step(self, field: str) -> StreamingAnswerFilter:
        return StreamingAnswerFilter(self._policy, json=field == "partial_json")

    def citation(self, citation: Any) -> Any:
        return _screen_citation(citation, self._policy)


class EventScreen:
    """:class:`ChunkScreen` for Anthropic events: one filter per content block, its rest
    sent as one last delta just before the block's ``content_block_stop``."""

    def __init__(self, policy: AnswerPolicy) -> None:
        self._walk = ContentBlockWalk(_BlockScreen(policy))

    def transform(self, events: list[Event]) -> list[Event]:
        return self._walk.transform(events)

    def held(self) -> list[Event]:
        """What is still held back, for the record of a stream cut short (nothing of a
        block holding a blocked identifier)."""
        out: list[Event] = []
        for index, field, screen in self._walk.drain():
            try:
                rest = screen.flush()
            except AnswerBlocked:
                continue
            out.append(rest_event(index, field, rest))
        return out

"""Stop / finish reason mapping between the two APIs.

OpenAI ``finish_reason`` -> Anthropic ``stop_reason``:

=================  ===============================================================
``stop``           ``end_turn``; ``stop_sequence`` when the upstream says which stop
                   string matched (vLLM's ``stop_reason`` extension), since plain
                   OpenAI does not tell a natural stop from a stop sequence.
                   ``tool_use`` when the message carries tool calls (Ollama and some
                   vLLM versions report ``stop`` for tool calls).
``length``         ``max_tokens``
``tool_calls``     ``tool_use`` (also legacy ``function_call``)
``content_filter`` ``refusal`` (the closest Anthropic meaning: output was stopped by
                   a safety system; clients show it as a refusal, not a normal end)
missing (cut)      ``end_turn`` (the stream translator still closes the message
                   validly; ``truncated`` tells the gateway it happened)
=================  ===============================================================

Anthropic ``stop_reason`` -> OpenAI ``finish_reason``: ``end_turn``/
``stop_sequence``/``pause_turn``/missing -> ``stop``, ``max_tokens`` and
``model_context_window_exceeded`` -> ``length``, ``tool_use`` -> ``tool_calls``,
``refusal`` -> ``content_filter``.
"""

from __future__ import annotations

from typing import Any

_OPENAI_TO_ANTHROPIC = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool_calls": "tool_use",
    "function_call": "tool_use",
    "content_filter": "refusal",
}

_ANTHROPIC_TO_OPENAI = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "pause_turn": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}


def to_anthropic_stop(
    finish_reason: str | None, *, has_tool_calls: bool, matched_stop: Any = None
) -> tuple[str, str | None]:
    """Map an OpenAI finish_reason to Anthropic ``(stop_reason, stop_sequence)``."""
    if finish_reason == "stop" and has_tool_calls:
        return "tool_use", None
    if finish_reason == "stop" and isinstance(matched_stop, str) and matched_stop:
        return "stop_sequence", matched_stop
    return _OPENAI_TO_ANTHROPIC.get(finish_reason or "stop", "end_turn"), None


def to_openai_finish(stop_reason: str | None) -> str:
    """Map an Anthropic stop_reason to an OpenAI finish_reason."""
    return _ANTHROPIC_TO_OPENAI.get(stop_reason or "end_turn", "stop")

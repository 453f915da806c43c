"""Small helpers shared by the translators: JSON aliases, ids, tool arguments."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from .errors import TranslationError

JSONDict = dict[str, Any]

_ANTHROPIC_ID_UNSAFE = re.compile(r"[^a-zA-Z0-9_-]")


def strip_prefix(value: str, *prefixes: str) -> str:
    """Remove the first matching prefix, so ids round-trip between the APIs."""
    for prefix in prefixes:
        if value.startswith(prefix):
            return value[len(prefix) :]
    return value


def anthropic_message_id(openai_id: str | None) -> str:
    """``chatcmpl-XYZ`` -> ``msg_XYZ``; deterministic so streams match responses."""
    core = strip_prefix(openai_id or "", "chatcmpl-", "msg_") or _random_core()
    return f"msg_{core}"


def openai_completion_id(anthropic_id: str | None) -> str:
    """``msg_XYZ`` -> ``chatcmpl-XYZ`` (inverse of :func:`anthropic_message_id`)."""
    core = strip_prefix(anthropic_id or "", "msg_", "chatcmpl-") or _random_core()
    return f"chatcmpl-{core}"


def _random_core() -> str:
    """Ids stay unique when an upstream omits them (Azure's first chunk has ``id: ""``)."""
    return uuid.uuid4().hex[:24]


def anthropic_tool_id(openai_id: str | None, fallback: str) -> str:
    """Reuse an OpenAI tool call id as an Anthropic tool_use id.

    Anthropic requires ``^[a-zA-Z0-9_-]+$``; OpenAI (``call_...``), Mistral and
    vLLM ids already match, others are sanitised. The same function is applied
    to ``tool_call_id`` in later requests, so the pairing stays consistent.
    """
    if not openai_id:
        return fallback
    return _ANTHROPIC_ID_UNSAFE.sub("_", openai_id)


def dumps_arguments(value: Any) -> str:
    """Serialise a tool_use ``input`` object as OpenAI ``arguments`` (compact JSON)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def loads_arguments(raw: Any, param: str) -> JSONDict:
    """Parse OpenAI ``arguments`` (a JSON string) into an Anthropic ``input`` object.

    An empty string means "no arguments" (some providers send it for
    parameterless tools). Anything that is not a JSON object is refused since
    Anthropic's ``input`` must be an object.
    """
    if isinstance(raw, dict):
        return raw  # some OpenAI-compatible servers (Ollama) already send an object
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return {}
    try:
        parsed = json.loads(raw)
    except (TypeError, ValueError) as exc:
        raise TranslationError(f"tool call arguments are not valid JSON: {exc}", param) from exc
    if not isinstance(parsed, dict):
        raise TranslationError("tool call arguments must be a JSON object", param)
    return parsed

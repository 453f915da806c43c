"""Hosted tools of a Responses request, and putting values back in its answers.

The request's fields are enumerated by the canonical view
(:mod:`gateway.proxy.fields.responses`); restoring works on ``response`` objects and
output items, whole or streamed.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy import citations
from gateway.proxy.exchange import recorded_answer, tool_call_line
from gateway.proxy.fields.responses import CLIENT_TOOLS
from gateway.redaction import Pseudonymizer
from gateway.text.offsets import OffsetMap

# Keys of an unknown item that identify it rather than say anything.
_ID_KEYS = frozenset({"type", "id", "status", "call_id", "role", "name", "encrypted_content"})


def hosted_tools(body: dict[str, Any]) -> list[tuple[int, str]]:
    """The tools the provider would run itself (web search, file search, code…)."""
    return [
        (index, str(tool.get("type")))
        for index, tool in enumerate(body.get("tools") or ())
        if isinstance(tool, dict) and tool.get("type") not in CLIENT_TOOLS
    ]


# --- restoring -------------------------------------------------------------------------------

def restore_item(item: dict[str, Any], pseudo: Pseudonymizer, json_text: bool = False) -> None:
    """Restore placeholders in one output item, in place (JSON text stays valid JSON)."""
    for key, value in item.items():
        if key in _ID_KEYS:
            continue
        if key == "arguments" and isinstance(value, str):
            # A function or MCP call's arguments: JSON text, values put back JSON-escaped.
            item[key] = pseudo.restore_json(value)
        elif key == "content" and isinstance(value, list):
            for part in value:
                if isinstance(part, dict):
                    restore_part(part, pseudo, json_text)
            item[key] = [part if isinstance(part, dict) else restore_leaves(part, pseudo)
                         for part in value]
        else:
            item[key] = restore_leaves(value, pseudo)


def restore_part(part: dict[str, Any], pseudo: Pseudonymizer, json_text: bool = False) -> None:
    """One content part, in place: its citations move with its text (``json_text``: a
    JSON text, values go back JSON-escaped)."""
    for key, value in part.items():
        if key == "text" and isinstance(value, str):
            offsets = OffsetMap()
            restore = pseudo.restore_json if json_text else pseudo.restore
            part[key] = restore(value, offsets)
            citations.shift(part.get("annotations"), offsets)
        elif key not in _ID_KEYS:
            part[key] = restore_leaves(value, pseudo)


def restore_response(response: dict[str, Any], pseudo: Pseudonymizer,
                     json_text: bool = False) -> None:
    """Restore a whole ``response`` object: its output, and the instructions it echoes."""
    for item in response.get("output") or ():
        if isinstance(item, dict):
            restore_item(item, pseudo, json_text)
    if isinstance(response.get("instructions"), str):
        response["instructions"] = pseudo.restore(response["instructions"])


def restore_leaves(value: Any, pseudo: Pseudonymizer) -> Any:
    """Every string in ``value`` restored (identifying keys left alone)."""
    if isinstance(value, str):
        return pseudo.restore(value)
    if isinstance(value, list):
        return [restore_leaves(item, pseudo) for item in value]
    if isinstance(value, dict):
        return {k: v if k in _ID_KEYS else restore_leaves(v, pseudo) for k, v in value.items()}
    return value


def response_text(response: dict[str, Any]) -> str:
    """A ``response`` as recorded: its text, then one line per function call."""
    texts: list[str] = []
    calls: list[str] = []
    for item in response.get("output") or ():
        if not isinstance(item, dict):
            continue
        if item.get("type") == "message":
            for part in item.get("content") or ():
                if isinstance(part, dict):
                    texts.append(str(part.get("text") or part.get("refusal") or ""))
        elif item.get("type") == "function_call":
            calls.append(tool_call_line(item.get("name", ""), item.get("arguments", "")))
        elif isinstance(item.get("type"), str) and item["type"].endswith("_call"):
            calls.append(f"[{item['type']}]")
    return recorded_answer(texts, calls)

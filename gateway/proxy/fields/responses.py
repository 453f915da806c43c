"""The fields of a Responses request (``POST /v1/responses``) and of a legacy completion
(``POST /v1/completions``).

Responses, after OpenAI's API reference (create a model response): ``instructions``; the
``input`` string or items: messages (content parts: input_text, output_text, refusal,
input_image URLs, input_file names and text data), function and custom tool calls and
their outputs, reasoning summaries (``encrypted_content`` is opaque), and any other item;
at the top, ``tools`` (names, descriptions, JSON-schema parameters), ``tool_choice``,
``text.format`` (a JSON schema's names and descriptions), ``metadata``, ``user``,
``safety_identifier``, ``prompt_cache_key``, and whatever else the body holds.
Completions: ``prompt`` (a string or strings; token ids are named to the policies as
unreadable), ``suffix``,
``stop``, ``user`` and the rest.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.fields.base import RequestView
from gateway.proxy.fields.walker import Walker

INSTRUCTIONS = frozenset({"instructions", "tools", "tool_choice", "text"})
# Tools the client runs itself (the model only asks: Codex's shell and patches, computer
# use); any other type is run by the provider ("hosted": web and file search, code
# interpreter, MCP, image generation, and types not known yet).
CLIENT_TOOLS = frozenset({
    "function", "custom", "local_shell", "shell", "apply_patch", "computer_use_preview",
    "computer", "namespace",
})


def responses_tool_names(body: dict[str, Any]) -> list[str]:
    """What the policies see as tools: function and custom tool names, hosted tool types."""
    names: list[str] = []
    for tool in body.get("tools") or ():
        if not isinstance(tool, dict):
            continue
        kind = tool.get("type")
        if kind in CLIENT_TOOLS and isinstance(tool.get("name"), str):
            names.append(tool["name"])
        elif isinstance(kind, str):  # built-in tools have no name: their type is one
            names.append(kind)
        if kind == "namespace":  # a group of functions (Codex's MCP servers): each counts
            names.extend(responses_tool_names({"tools": tool.get("tools")}))
    return names


def _item_role(item: dict[str, Any]) -> str:
    kind = str(item.get("type", "message"))
    if kind == "message":
        role = str(item.get("role") or "user")
        return "system" if role == "developer" else role
    if kind.endswith("_output"):
        return "tool"
    if kind.endswith("_call") or kind == "reasoning":
        return "assistant"
    return "tool"


def responses_record(body: dict[str, Any]) -> list[Any]:
    """The conversation as chat records it: instructions as a system message first, a
    string input as one user message."""
    messages: list[Any] = []
    if isinstance(body.get("instructions"), str):
        messages.append({"role": "system", "content": body["instructions"]})
    items = body.get("input")
    if isinstance(items, str):
        messages.append({"role": "user", "content": items})
    elif isinstance(items, list):
        messages.extend(items)
    return messages


def responses_view(body: dict[str, Any]) -> RequestView:
    walker = Walker()
    items = body.get("input")
    if isinstance(items, list):
        for index, item in enumerate(items):
            role = _item_role(item) if isinstance(item, dict) else "user"
            if isinstance(item, dict):
                walker.object(item, role, f"input[{index}]", skip=("role",))
            else:
                walker.value(items, index, role, f"input[{index}]")
    elif isinstance(items, str):
        walker.value(body, "input", "user", "input")
    for name in body:
        if name not in ("model", "input"):
            walker.value(body, name, "system" if name in INSTRUCTIONS else "user", name)
    return RequestView("responses", body, walker.fields, responses_tool_names(body),
                       frozenset({"instructions", "input"}), responses_record, walker.attachments)


def completions_record(body: dict[str, Any]) -> dict[str, Any]:
    """What the model reads: ``{"prompt", "suffix"}``."""
    return {key: body[key] for key in ("prompt", "suffix") if body.get(key) is not None}


def completions_view(body: dict[str, Any]) -> RequestView:
    walker = Walker()
    for name in body:
        if name != "model":
            walker.value(body, name, "user", name)
    walker.token_ids(body, "prompt", "prompt")
    return RequestView("completions", body, walker.fields, [],
                       frozenset({"prompt", "suffix"}), completions_record, walker.attachments)

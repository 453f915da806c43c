"""Anthropic Messages request -> OpenAI Chat Completions request.

Used when a client spoke ``POST /v1/messages`` and the upstream is
OpenAI-compatible (OpenAI, Azure OpenAI, Mistral, Ollama, vLLM).

Decisions:

* ``system`` (string or text blocks) becomes ONE leading ``system`` message,
  blocks joined by a blank line: several system messages or list-content
  system messages break chat templates of some OpenAI-compatible servers.
* A user message mixing ``tool_result`` and other blocks is split, in order,
  into ``tool`` messages and ``user`` messages.
* ``max_tokens`` is sent as ``max_tokens`` (understood by every
  OpenAI-compatible server); pass ``max_tokens_field="max_completion_tokens"``
  for OpenAI reasoning models.
* ``stream: true`` adds ``stream_options.include_usage`` so usage is known.
* ``metadata.user_id`` -> ``user``; ``disable_parallel_tool_use`` ->
  ``parallel_tool_calls: false``; ``thinking: {"type": "disabled"}`` is a no-op.
* Dropped hints: ``cache_control`` (top level, blocks, tools), text block
  ``citations``, ``service_tier``, tool ``eager_input_streaming``.
* Refused (TranslationError): ``thinking`` enabled / thinking blocks in history,
  ``top_k``, document / search_result / server tool blocks, images inside
  tool results, server tools (``type`` other than ``custom``), and any
  other unknown top-level field.
"""

from __future__ import annotations

from typing import Any

from ._common import JSONDict, dumps_arguments
from .content import anthropic_image_to_openai, text_of_anthropic_blocks, tool_result_to_openai
from .errors import TranslationError

_IGNORED_TOP_LEVEL = frozenset({"cache_control", "service_tier"})
_TOOL_KEYS = frozenset({"name", "description", "input_schema", "strict", "type"})
_TOOL_HINT_KEYS = frozenset({"cache_control", "eager_input_streaming"})


def anthropic_request_to_openai(
    body: JSONDict, *, max_tokens_field: str = "max_tokens"
) -> JSONDict:
    """Translate an Anthropic ``/v1/messages`` body into an OpenAI ``/v1/chat/completions`` body.

    Args:
        body: The parsed Anthropic request.
        max_tokens_field: ``"max_tokens"`` (default) or ``"max_completion_tokens"``.

    Raises:
        TranslationError: a field cannot be translated faithfully (``param`` names it).
    """
    out: JSONDict = {"model": body.get("model"), "messages": _messages(body)}
    handled = {"model", "messages", "system"} | _IGNORED_TOP_LEVEL
    for key, value in body.items():
        if key in handled or value is None:
            continue
        _apply_field(out, key, value, max_tokens_field)
    if "tool_choice" in out and not out.get("tools"):
        # OpenAI rejects tool_choice without tools; Anthropic tolerates it.
        del out["tool_choice"]
        out.pop("parallel_tool_calls", None)
    return out


def _apply_field(out: JSONDict, key: str, value: Any, max_tokens_field: str) -> None:
    """Translate one top-level field into ``out``; refuse unknown ones."""
    if key == "max_tokens":
        out[max_tokens_field] = value
    elif key in ("temperature", "top_p"):
        out[key] = value
    elif key == "stop_sequences":
        if value:
            out["stop"] = list(value)
    elif key == "stream":
        out["stream"] = bool(value)
        if value:
            out["stream_options"] = {"include_usage": True}
    elif key == "metadata":
        if value.get("user_id"):
            out["user"] = str(value["user_id"])
    elif key == "tools":
        out["tools"] = [_tool(tool, f"tools[{i}]") for i, tool in enumerate(value)]
    elif key == "tool_choice":
        _tool_choice(out, value)
    elif key == "thinking":
        if value.get("type") != "disabled":
            raise TranslationError(
                "extended thinking is not supported by this upstream", "thinking"
            )
    else:
        raise TranslationError(f"'{key}' is not supported by this upstream", key)


def _tool(tool: JSONDict, param: str) -> JSONDict:
    """Anthropic custom tool -> OpenAI function tool."""
    if tool.get("type") not in (None, "custom"):
        raise TranslationError(
            f"server tool '{tool.get('type')}' is not supported by this upstream", param
        )
    for key in tool:
        if key not in _TOOL_KEYS and key not in _TOOL_HINT_KEYS:
            raise TranslationError(
                f"tool field '{key}' is not supported by this upstream", f"{param}.{key}"
            )
    function: JSONDict = {
        "name": tool.get("name"),
        "parameters": tool.get("input_schema") or {"type": "object"},
    }
    if tool.get("description"):
        function["description"] = tool["description"]
    if tool.get("strict") is not None:
        function["strict"] = bool(tool["strict"])
    return {"type": "function", "function": function}


def _tool_choice(out: JSONDict, choice: JSONDict) -> None:
    """Anthropic tool_choice -> OpenAI tool_choice (+ parallel_tool_calls)."""
    kind = choice.get("type")
    if kind == "auto":
        out["tool_choice"] = "auto"
    elif kind == "any":
        out["tool_choice"] = "required"
    elif kind == "none":
        out["tool_choice"] = "none"
    elif kind == "tool":
        out["tool_choice"] = {"type": "function", "function": {"name": choice.get("name")}}
    else:
        raise TranslationError(f"tool_choice type '{kind}' is not supported", "tool_choice.type")
    if choice.get("disable_parallel_tool_use"):
        out["parallel_tool_calls"] = False


def _messages(body: JSONDict) -> list[JSONDict]:
    """Build the OpenAI message list: system first, then each Anthropic message in order."""
    messages: list[JSONDict] = []
    system = body.get("system")
    if system:
        messages.append({"role": "system", "content": text_of_anthropic_blocks(system, "system")})
    for i, message in enumerate(body.get("messages") or []):
        param = f"messages[{i}]"
        role = message.get("role")
        if role == "user":
            messages.extend(_user_message(message.get("content"), f"{param}.content"))
        elif role == "assistant":
            messages.append(_assistant_message(message.get("content"), f"{param}.content"))
        else:
            raise TranslationError(f"unknown role '{role}'", f"{param}.role")
    return messages


def _user_message(content: Any, param: str) -> list[JSONDict]:
    """One Anthropic user turn -> ``user`` and ``tool`` messages, order preserved."""
    if isinstance(content, str):
        return [{"role": "user", "content": content}]
    out: list[JSONDict] = []
    parts: list[JSONDict] = []  # pending user parts, flushed before each tool message

    def flush() -> None:
        if parts:
            out.append({"role": "user", "content": list(parts)})
            parts.clear()

    for j, block in enumerate(content or []):
        kind = block.get("type")
        if kind == "tool_result":
            flush()
            out.append(tool_result_to_openai(block, f"{param}[{j}]"))
        elif kind == "text":
            parts.append({"type": "text", "text": block.get("text", "")})
        elif kind == "image":
            parts.append(anthropic_image_to_openai(block, f"{param}[{j}]"))
        else:
            raise TranslationError(
                f"'{kind}' content blocks are not supported by this upstream", f"{param}[{j}]"
            )
    flush()
    return out


def _assistant_message(content: Any, param: str) -> JSONDict:
    """One Anthropic assistant turn -> an assistant message with ``content`` and ``tool_calls``."""
    if isinstance(content, str):
        return {"role": "assistant", "content": content}
    texts: list[str] = []
    calls: list[JSONDict] = []
    for j, block in enumerate(content or []):
        kind = block.get("type")
        if kind == "text":
            texts.append(str(block.get("text", "")))
        elif kind == "tool_use":
            function = {
                "name": block.get("name"),
                "arguments": dumps_arguments(block.get("input") or {}),
            }
            calls.append({"id": block.get("id"), "type": "function", "function": function})
        elif kind in ("thinking", "redacted_thinking"):
            raise TranslationError(
                "thinking blocks cannot be sent to this upstream", f"{param}[{j}]"
            )
        else:
            raise TranslationError(
                f"'{kind}' content blocks are not supported by this upstream", f"{param}[{j}]"
            )
    # Anthropic splits one reply into several text blocks around tool_use blocks;
    # they are one continuous text for the model, hence the plain concatenation.
    message: JSONDict = {"role": "assistant", "content": "".join(texts) if texts else None}
    if calls:
        message["tool_calls"] = calls
    return message

"""OpenAI Chat Completions request -> Anthropic Messages request.

Used when a client spoke ``POST /v1/chat/completions`` and the upstream is
Anthropic.

Decisions:

* ``system`` / ``developer`` messages are hoisted, in order, into ``system``
  (Anthropic has no mid-conversation system turn): one string if there is a
  single one, else a list of text blocks.
* Consecutive ``tool`` / ``user`` messages merge into one Anthropic user turn
  (all tool_results answering one assistant turn must share the next turn).
* ``max_tokens`` is required by Anthropic: ``max_completion_tokens``, else
  ``max_tokens``, else :data:`DEFAULT_MAX_TOKENS` (4096: accepted by every
  Claude model, including those whose output limit is 4096).
* ``temperature`` above 1 is refused (Anthropic's range is 0..1; rescaling
  would silently change sampling).
* ``user`` (else ``safety_identifier``) -> ``metadata.user_id``;
  ``parallel_tool_calls: false`` -> ``tool_choice.disable_parallel_tool_use``.
* Neutral values are accepted and dropped (``n: 1``, ``logprobs: false``,
  zero penalties, ``response_format: text``, ``modalities: ["text"]``...).
* Dropped hints: ``store``, ``metadata``, ``service_tier``, ``seed`` (OpenAI
  itself does not guarantee determinism), ``prompt_cache_key``,
  ``prompt_cache_retention``, ``stream_options`` (Anthropic always streams
  usage), image ``detail``, message ``name``.
* Refused: ``n > 1``, ``logprobs``/``top_logprobs``, ``response_format``
  json_object/json_schema, audio, non-zero penalties, ``logit_bias``,
  ``reasoning_effort``, ``verbosity``, ``web_search_options``, ``prediction``,
  legacy ``functions``/``function_call``, custom tools, ``file`` and
  ``input_audio`` parts, and any other unknown field.
"""

from __future__ import annotations

from typing import Any

from ._common import JSONDict, anthropic_tool_id, loads_arguments
from .content import openai_parts_to_anthropic, text_of_openai_content
from .errors import TranslationError

DEFAULT_MAX_TOKENS = 4096

_IGNORED = frozenset(
    {
        "store",
        "metadata",
        "service_tier",
        "seed",
        "prompt_cache_key",
        "prompt_cache_retention",
        "stream_options",
    }
)
# Fields accepted only with their neutral value (None is always accepted).
_NEUTRAL: dict[str, tuple[Any, ...]] = {
    "n": (1,),
    "logprobs": (False,),
    "top_logprobs": (0,),
    "frequency_penalty": (0, 0.0),
    "presence_penalty": (0, 0.0),
    "logit_bias": ({},),
    "modalities": (["text"],),
}


def openai_request_to_anthropic(
    body: JSONDict, *, default_max_tokens: int = DEFAULT_MAX_TOKENS
) -> JSONDict:
    """Translate an OpenAI ``/v1/chat/completions`` body into an Anthropic ``/v1/messages`` body.

    Args:
        body: The parsed OpenAI request.
        default_max_tokens: ``max_tokens`` used when the request sets no limit.

    Raises:
        TranslationError: a field cannot be translated faithfully (``param`` names it).
    """
    system, messages = _messages(body.get("messages") or [])
    limit = body.get("max_completion_tokens") or body.get("max_tokens") or default_max_tokens
    out: JSONDict = {"model": body.get("model"), "max_tokens": int(limit), "messages": messages}
    if system:
        out["system"] = system[0]["text"] if len(system) == 1 else system
    handled = {"model", "messages", "max_tokens", "max_completion_tokens"} | _IGNORED
    for key, value in body.items():
        if key in handled or value is None:
            continue
        if key in _NEUTRAL:
            if value not in _NEUTRAL[key]:
                raise TranslationError(
                    f"'{key}' = {value!r} is not supported by Anthropic models", key
                )
            continue
        _apply_field(out, key, value)
    _apply_parallel_tool_calls(out, body.get("parallel_tool_calls"))
    return out


def _apply_field(out: JSONDict, key: str, value: Any) -> None:
    """Translate one top-level field into ``out``; refuse unknown ones."""
    if key == "temperature":
        if value > 1:
            raise TranslationError("temperature above 1 is not supported by Anthropic models", key)
        out["temperature"] = value
    elif key == "top_p":
        out["top_p"] = value
    elif key == "stop":
        stops = [value] if isinstance(value, str) else list(value)
        if stops:
            out["stop_sequences"] = stops
    elif key == "stream":
        out["stream"] = bool(value)
    elif key in ("user", "safety_identifier"):
        out.setdefault("metadata", {}).setdefault("user_id", str(value))
    elif key == "tools":
        out["tools"] = [_tool(tool, f"tools[{i}]") for i, tool in enumerate(value)]
    elif key == "tool_choice":
        out["tool_choice"] = _tool_choice(value)
    elif key == "response_format":
        if value.get("type") != "text":
            raise TranslationError(
                f"response_format '{value.get('type')}' is not supported", "response_format"
            )
    elif key == "parallel_tool_calls":
        pass  # applied after tool_choice is known
    else:
        raise TranslationError(f"'{key}' is not supported by Anthropic models", key)


def _apply_parallel_tool_calls(out: JSONDict, parallel: Any) -> None:
    """``parallel_tool_calls: false`` lives inside Anthropic's tool_choice."""
    if parallel is not False or not out.get("tools"):
        return
    choice = out.setdefault("tool_choice", {"type": "auto"})
    if choice.get("type") != "none":
        choice["disable_parallel_tool_use"] = True


def _tool(tool: JSONDict, param: str) -> JSONDict:
    """OpenAI function tool -> Anthropic custom tool."""
    if tool.get("type") != "function":
        raise TranslationError(
            f"tool type '{tool.get('type')}' is not supported by Anthropic", f"{param}.type"
        )
    function = tool.get("function") or {}
    out: JSONDict = {
        "name": function.get("name"),
        "input_schema": function.get("parameters") or {"type": "object", "properties": {}},
    }
    if function.get("description"):
        out["description"] = function["description"]
    if function.get("strict") is not None:
        out["strict"] = bool(function["strict"])
    return out


def _tool_choice(choice: Any) -> JSONDict:
    """OpenAI tool_choice -> Anthropic tool_choice."""
    simple = {"auto": "auto", "required": "any", "none": "none"}
    if isinstance(choice, str) and choice in simple:
        return {"type": simple[choice]}
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "tool", "name": (choice.get("function") or {}).get("name")}
    raise TranslationError(f"tool_choice {choice!r} is not supported by Anthropic", "tool_choice")


def _messages(messages: list[JSONDict]) -> tuple[list[JSONDict], list[JSONDict]]:
    """Split OpenAI messages into Anthropic ``system`` blocks and merged turns."""
    system: list[JSONDict] = []
    turns: list[JSONDict] = []
    for i, message in enumerate(messages):
        param = f"messages[{i}]"
        role = message.get("role")
        if role in ("system", "developer"):
            system.append(
                {
                    "type": "text",
                    "text": text_of_openai_content(message.get("content"), f"{param}.content"),
                }
            )
            continue
        if role == "user":
            blocks = _as_blocks(
                openai_parts_to_anthropic(message.get("content"), f"{param}.content")
            )
        elif role == "tool":
            blocks = [_tool_result(message, param)]
        elif role == "assistant":
            blocks = _assistant_blocks(message, param)
        else:
            raise TranslationError(f"role '{role}' is not supported by Anthropic", f"{param}.role")
        _append_turn(turns, "assistant" if role == "assistant" else "user", blocks)
    return system, turns


def _as_blocks(content: list[JSONDict] | str) -> list[JSONDict]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _append_turn(turns: list[JSONDict], role: str, blocks: list[JSONDict]) -> None:
    """Append a turn, merging consecutive user turns; a lone text stays a plain string."""
    if not blocks:
        return  # e.g. an assistant message with neither content nor tool calls
    if role == "user" and turns and turns[-1]["role"] == "user":
        turns[-1]["content"] = _as_blocks(turns[-1]["content"]) + blocks
        return
    single_text = len(blocks) == 1 and blocks[0]["type"] == "text"
    turns.append({"role": role, "content": blocks[0]["text"] if single_text else blocks})


def _tool_result(message: JSONDict, param: str) -> JSONDict:
    """OpenAI ``tool`` message -> Anthropic ``tool_result`` block."""
    tool_call_id = message.get("tool_call_id")
    if not tool_call_id:
        raise TranslationError("tool messages require tool_call_id", f"{param}.tool_call_id")
    return {
        "type": "tool_result",
        "tool_use_id": anthropic_tool_id(str(tool_call_id), ""),
        "content": text_of_openai_content(message.get("content"), f"{param}.content"),
    }


def _assistant_blocks(message: JSONDict, param: str) -> list[JSONDict]:
    """OpenAI assistant message -> Anthropic text + tool_use blocks."""
    for key in ("function_call", "audio"):
        if message.get(key) is not None:
            raise TranslationError(
                f"assistant '{key}' is not supported by Anthropic", f"{param}.{key}"
            )
    content = message.get("content")
    if isinstance(content, list):
        # Assistant parts are text or refusal; both are plain text for Anthropic.
        content = "".join(str(p.get("text") or p.get("refusal") or "") for p in content)
    text = content or message.get("refusal") or ""
    blocks: list[JSONDict] = [{"type": "text", "text": text}] if text else []
    for j, call in enumerate(message.get("tool_calls") or []):
        call_param = f"{param}.tool_calls[{j}]"
        if call.get("type", "function") != "function":
            raise TranslationError("only function tool calls are supported", f"{call_param}.type")
        function = call.get("function") or {}
        tool_id = anthropic_tool_id(call.get("id"), "")
        if not tool_id:
            raise TranslationError("tool calls require an id", f"{call_param}.id")
        arguments = loads_arguments(function.get("arguments"), f"{call_param}.function.arguments")
        blocks.append(
            {"type": "tool_use", "id": tool_id, "name": function.get("name"), "input": arguments}
        )
    return blocks

"""Non-streaming response translation, both directions.

* Ids: ``chatcmpl-X`` <-> ``msg_X``; tool call ids are reused as-is
  (``call_...`` works as an Anthropic tool_use id, ``toolu_...`` as an
  OpenAI tool call id).
* ``model`` is always the model name the *client* requested (the gateway may
  have routed to another one).
* OpenAI ``message.refusal`` becomes a text block and ``stop_reason: refusal``.
* Anthropic ``thinking`` / ``redacted_thinking`` blocks are dropped for
  OpenAI clients (Chat Completions has no place for them; they only appear if
  thinking was requested, which OpenAI requests cannot do). Other non-text,
  non-tool_use blocks (server tools) raise :class:`TranslationError`.
* Only ``choices[0]`` is translated (``n > 1`` is refused on the request side).
* Upstream tool arguments that are not a JSON object raise TranslationError
  (the gateway should answer 502).
"""

from __future__ import annotations

import time
from typing import Any

from ._common import (
    JSONDict,
    anthropic_message_id,
    anthropic_tool_id,
    dumps_arguments,
    loads_arguments,
    openai_completion_id,
)
from .errors import TranslationError
from .reasons import to_anthropic_stop, to_openai_finish
from .usage import TokenUsage

_DROPPED_BLOCKS = frozenset({"thinking", "redacted_thinking"})


def openai_response_to_anthropic(resp: JSONDict, requested_model: str) -> JSONDict:
    """Translate an OpenAI ``chat.completion`` into an Anthropic ``message``.

    Raises:
        TranslationError: the response has no choice or malformed tool arguments.
    """
    choices = resp.get("choices") or []
    if not choices:
        raise TranslationError("upstream response has no choices", "choices")
    choice = choices[0]
    message = choice.get("message") or {}
    content: list[JSONDict] = []
    text = message.get("content")
    if isinstance(text, list):  # a few compatible servers return parts
        text = "".join(str(part.get("text", "")) for part in text if isinstance(part, dict))
    # A refusal is shown as text, like the streaming translator does with refusal deltas.
    text = (text or "") + (message.get("refusal") or "")
    if text:
        content.append({"type": "text", "text": text})
    fallback_id = anthropic_message_id(resp.get("id")).replace("msg_", "toolu_", 1)
    for j, call in enumerate(message.get("tool_calls") or []):
        function = call.get("function") or {}
        param = f"choices[0].message.tool_calls[{j}].function.arguments"
        content.append(
            {
                "type": "tool_use",
                "id": anthropic_tool_id(call.get("id"), f"{fallback_id}_{j}"),
                "name": function.get("name") or "",
                "input": loads_arguments(function.get("arguments"), param),
            }
        )
    finish = "content_filter" if message.get("refusal") else choice.get("finish_reason")
    stop_reason, stop_sequence = to_anthropic_stop(
        finish,
        has_tool_calls=bool(message.get("tool_calls")),
        matched_stop=choice.get("stop_reason"),
    )
    return {
        "id": anthropic_message_id(resp.get("id")),
        "type": "message",
        "role": "assistant",
        "model": requested_model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": stop_sequence,
        "usage": TokenUsage.from_openai(resp.get("usage")).to_anthropic(),
    }


def anthropic_response_to_openai(
    resp: JSONDict, requested_model: str, *, created: int | None = None
) -> JSONDict:
    """Translate an Anthropic ``message`` into an OpenAI ``chat.completion``.

    Args:
        resp: The parsed Anthropic response.
        requested_model: Model name to report to the client.
        created: Unix timestamp for ``created`` (defaults to now).

    Raises:
        TranslationError: the response holds blocks Chat Completions cannot carry.
    """
    texts: list[str] = []
    calls: list[JSONDict] = []
    for j, block in enumerate(resp.get("content") or []):
        kind = block.get("type")
        if kind == "text":
            texts.append(str(block.get("text", "")))
        elif kind == "tool_use":
            calls.append(_tool_call(block))
        elif kind not in _DROPPED_BLOCKS:
            raise TranslationError(
                f"'{kind}' content blocks cannot be returned to an OpenAI client", f"content[{j}]"
            )
    message: JSONDict = {
        "role": "assistant",
        "content": "".join(texts) if texts else None,
        "refusal": None,
    }
    if calls:
        message["tool_calls"] = calls
    choice = {
        "index": 0,
        "message": message,
        "logprobs": None,
        "finish_reason": to_openai_finish(resp.get("stop_reason")),
    }
    return {
        "id": openai_completion_id(resp.get("id")),
        "object": "chat.completion",
        "created": int(time.time()) if created is None else created,
        "model": requested_model,
        "choices": [choice],
        "usage": TokenUsage.from_anthropic(resp.get("usage")).to_openai(),
    }


def _tool_call(block: JSONDict) -> JSONDict:
    """Anthropic tool_use block -> OpenAI tool call (input object -> JSON string)."""
    arguments: Any = block.get("input") or {}
    return {
        "id": block.get("id"),
        "type": "function",
        "function": {"name": block.get("name"), "arguments": dumps_arguments(arguments)},
    }

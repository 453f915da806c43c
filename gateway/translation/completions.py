"""Legacy OpenAI Completions (``prompt``, ``suffix``) <-> Chat Completions.

Used when a completion plugin (Continue's tab autocomplete, and others) speaks
``POST /v1/completions`` to a model that only serves chat.

Decisions:

* Without ``suffix``: a system message asks for the continuation of the text only, and
  the prompt is the user message.
* With ``suffix`` (fill-in-the-middle): a system message describes the task and the user
  message carries ``<prefix>…</prefix>`` and ``<suffix>…</suffix>``; the model is asked
  for the missing middle only (no explanation, no code fence). The answer is relayed as
  the model wrote it.
* ``max_tokens``, ``stop``, ``temperature``, ``top_p``, ``n``, ``seed``, ``user``,
  penalties and ``logit_bias`` keep their chat meaning; ``stream_options`` is handled by
  the gateway (usage is always asked of the upstream).
* Refused (TranslationError naming the field): token-id prompts and batches of prompts
  (one string, or a list of one), ``echo: true``, ``logprobs``, ``best_of`` above 1, and
  any other unknown field.
* Answers: each chat choice becomes ``{"text", "index", "logprobs": null,
  "finish_reason"}`` (``stop``, ``length`` or ``content_filter``); ids become
  ``cmpl-<core>``; ``model`` is the name the client asked for.
"""

from __future__ import annotations

import time
from typing import Any

from ._common import JSONDict, strip_prefix
from .errors import TranslationError

CONTINUE_INSTRUCTIONS = (
    "You are a text completion engine. Continue the user's text exactly where it stops. "
    "Reply with the continuation only: do not repeat the text, add no explanation and no "
    "code fence."
)
FILL_INSTRUCTIONS = (
    "You are a code and text completion engine. The user gives the text before a gap "
    "between <prefix> and </prefix>, and the text after it between <suffix> and </suffix>. "
    "Reply with the text that fills the gap only: do not repeat the prefix or the suffix, "
    "add no explanation and no code fence."
)
_SAME = frozenset({
    "max_tokens", "stop", "temperature", "top_p", "n", "seed", "user", "presence_penalty",
    "frequency_penalty", "logit_bias",
})
_HANDLED = frozenset({"model", "prompt", "suffix", "stream_options"})
_NEUTRAL: dict[str, tuple[Any, ...]] = {"echo": (False,), "best_of": (1,), "logprobs": (0,)}
_FINISH = frozenset({"stop", "length", "content_filter"})


def prompt_text(body: JSONDict) -> str:
    """The one prompt string of a completions request; 400 for token ids and batches."""
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if prompt is None:
        return ""
    if not isinstance(prompt, str):
        raise TranslationError(
            "only one text prompt is supported (not token ids or a batch of prompts)", "prompt"
        )
    return prompt


def completions_request_to_chat(
    body: JSONDict, *, max_tokens_field: str = "max_tokens"
) -> JSONDict:
    """Translate a ``/v1/completions`` body into a ``/v1/chat/completions`` body.

    Raises:
        TranslationError: a field cannot be carried faithfully (``param`` names it).
    """
    prompt = prompt_text(body)
    suffix = body.get("suffix")
    if suffix:
        messages = [
            {"role": "system", "content": FILL_INSTRUCTIONS},
            {"role": "user", "content": f"<prefix>{prompt}</prefix>\n<suffix>{suffix}</suffix>"},
        ]
    else:
        messages = [
            {"role": "system", "content": CONTINUE_INSTRUCTIONS},
            {"role": "user", "content": prompt},
        ]
    out: JSONDict = {"model": body.get("model"), "messages": messages}
    for key, value in body.items():
        if key in _HANDLED or value is None:
            continue
        if key in _NEUTRAL:
            if value not in _NEUTRAL[key]:
                raise TranslationError(f"'{key}' = {value!r} is not supported by this model", key)
        elif key == "max_tokens":
            out[max_tokens_field] = value
        elif key in _SAME:
            out[key] = value
        elif key == "stream":
            out["stream"] = bool(value)
        else:
            raise TranslationError(f"'{key}' is not supported by this model", key)
    return out


def completion_id(chat_id: Any) -> str:
    core = strip_prefix(chat_id if isinstance(chat_id, str) else "", "chatcmpl-", "cmpl-")
    return f"cmpl-{core or int(time.time() * 1000)}"


def _finish(reason: Any) -> str | None:
    if reason is None:
        return None
    return reason if reason in _FINISH else "stop"


def chat_completion_to_text_completion(completion: JSONDict, requested_model: str) -> JSONDict:
    """Translate a ``chat.completion`` into a ``text_completion``."""
    choices = []
    for position, choice in enumerate(completion.get("choices") or []):
        if not isinstance(choice, dict):
            continue
        message = choice.get("message") or {}
        content = message.get("content")
        if isinstance(content, list):
            content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
        choices.append({
            "text": (content or "") + (message.get("refusal") or ""),
            "index": choice.get("index", position),
            "logprobs": None,
            "finish_reason": _finish(choice.get("finish_reason")) or "stop",
        })
    if not choices:
        raise TranslationError("upstream response has no choices", "choices")
    out: JSONDict = {
        "id": completion_id(completion.get("id")),
        "object": "text_completion",
        "created": completion.get("created") or int(time.time()),
        "model": requested_model,
        "choices": choices,
    }
    if isinstance(completion.get("usage"), dict):
        out["usage"] = completion["usage"]
    return out


def chat_chunk_to_completion_chunk(chunk: JSONDict, requested_model: str) -> JSONDict | None:
    """One ``chat.completion.chunk`` as a streamed ``text_completion`` (None: nothing to say).

    A usage-only chunk keeps ``choices: []`` and its ``usage``; a chunk with neither text
    nor a finish reason (the leading role chunk) says nothing.
    """
    choices = []
    for choice in chunk.get("choices") or []:
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta") or {}
        text = (delta.get("content") or "") + (delta.get("refusal") or "")
        finish = _finish(choice.get("finish_reason"))
        if text or finish:
            choices.append({"text": text, "index": choice.get("index", 0), "logprobs": None,
                            "finish_reason": finish})
    usage = chunk.get("usage")
    if not choices and not isinstance(usage, dict):
        return None
    out: JSONDict = {
        "id": completion_id(chunk.get("id")),
        "object": "text_completion",
        "created": chunk.get("created") or int(time.time()),
        "model": requested_model,
        "choices": choices,
    }
    if isinstance(usage, dict):
        out["usage"] = usage
    return out

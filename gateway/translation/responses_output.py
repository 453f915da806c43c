"""OpenAI Chat Completions answer -> OpenAI Responses ``response`` object.

The non-streamed answer is built by feeding the completion, as chunks, to the same
translator as a stream (:class:`ChatToResponsesStream`), so a streamed and a complete
answer always carry the same items, ids and usage.

Decisions:

* Output items: the assistant text (and refusal) as one ``message`` item, then one
  ``function_call`` item per tool call, in the order the upstream produced them. Item ids
  derive from the response id (``msg_<core>_<n>``, ``fc_<core>_<n>``); the chat tool call
  id becomes ``call_id``.
* ``finish_reason``: ``length`` -> ``status: incomplete`` with
  ``incomplete_details.reason: max_output_tokens``; ``content_filter`` -> ``incomplete``
  with ``content_filter``; anything else -> ``completed``.
* Usage: ``prompt_tokens`` -> ``input_tokens`` (cached tokens in
  ``input_tokens_details``), ``completion_tokens`` -> ``output_tokens`` (reasoning tokens
  in ``output_tokens_details``).
* The request's settings are echoed (``instructions``, ``tools``, ``tool_choice``,
  ``text``, ``temperature``…), as the Responses API does; ``model`` is the name the
  client asked for.
"""

from __future__ import annotations

from ._common import JSONDict
from .errors import TranslationError
from .responses_stream import ChatToResponsesStream

ECHOED_DEFAULTS: JSONDict = {
    "instructions": None,
    "max_output_tokens": None,
    "metadata": {},
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": None,
    "temperature": None,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": None,
    "truncation": "disabled",
    "user": None,
}


def response_shell(body: JSONDict, response_id: str, created_at: float) -> JSONDict:
    """The ``response`` object before any output: id, model and the echoed settings."""
    shell: JSONDict = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": "in_progress",
        "error": None,
        "incomplete_details": None,
        "model": body.get("model"),
        "output": [],
        "usage": None,
    }
    for key, default in ECHOED_DEFAULTS.items():
        value = body.get(key)
        shell[key] = default if value is None else value
    if body.get("store") is not None:
        shell["store"] = bool(body["store"])
    return shell


def chat_completion_to_response(completion: JSONDict, shell: JSONDict) -> JSONDict:
    """Translate a ``chat.completion`` into a Responses ``response`` object.

    Raises:
        TranslationError: the completion has no choice, or interleaved tool calls.
    """
    translator = ChatToResponsesStream(shell)
    for chunk in completion_as_chunks(completion):
        translator.feed(chunk)
    translator.finish()
    return translator.response


def completion_as_chunks(completion: JSONDict) -> list[JSONDict]:
    """A complete chat answer as the chunks a stream of it would carry."""
    choices = completion.get("choices") or []
    if not choices:
        raise TranslationError("upstream response has no choices", "choices")
    choice = choices[0]
    message = choice.get("message") or {}
    delta: JSONDict = {"role": "assistant"}
    content = message.get("content")
    if isinstance(content, list):  # a few compatible servers return parts
        content = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    if content:
        delta["content"] = content
    if message.get("refusal"):
        delta["refusal"] = message["refusal"]
    if message.get("annotations"):
        delta["annotations"] = message["annotations"]
    calls = message.get("tool_calls") or []
    if calls:
        delta["tool_calls"] = [
            {"index": i, "id": call.get("id"), "type": "function",
             "function": call.get("function") or {}}
            for i, call in enumerate(calls) if isinstance(call, dict)
        ]
    base = {"id": completion.get("id"), "object": "chat.completion.chunk"}
    chunks: list[JSONDict] = [
        {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**base, "choices": [{"index": 0, "delta": {},
                              "finish_reason": choice.get("finish_reason") or "stop"}]},
    ]
    if completion.get("usage"):
        chunks.append({**base, "choices": [], "usage": completion["usage"]})
    return chunks

"""OpenAI Responses request -> Anthropic Messages request, through Chat Completions.

The Responses API reaches Claude models the way ``/v1/chat/completions`` does: the
request is translated to the chat schema (:mod:`.responses_request`), then to the Messages
API (:mod:`.request_to_anthropic`); the answer comes back the same way (Anthropic ->
chat, then chat -> Responses, :mod:`.responses_output` and :mod:`.responses_stream`). One
set of decisions per API pair, and one place to fix each.

What this module adds: an error found in the second step names the field of the
*Responses* body the client sent (``input[3]``, ``text.format``, ``max_output_tokens``),
not the intermediate chat field.
"""

from __future__ import annotations

import re

from ._common import JSONDict
from .errors import TranslationError
from .request_to_anthropic import DEFAULT_MAX_TOKENS, openai_request_to_anthropic
from .responses_request import request_messages, responses_request_to_chat

# Chat fields and the Responses fields they were made from.
_TOP_LEVEL = {
    "max_tokens": "max_output_tokens",
    "max_completion_tokens": "max_output_tokens",
    "response_format": "text.format",
    "verbosity": "text.verbosity",
    "reasoning_effort": "reasoning.effort",
}
_MESSAGE_PATH = re.compile(r"^messages\[\d+\](?:\.tool_calls\[\d+\])?")


def responses_request_to_anthropic(
    body: JSONDict, *, default_max_tokens: int = DEFAULT_MAX_TOKENS
) -> JSONDict:
    """Translate a ``/v1/responses`` body into an Anthropic ``/v1/messages`` body.

    Raises:
        TranslationError: a field cannot be translated faithfully; ``param`` names the
            field of ``body``.
    """
    chat = responses_request_to_chat(body)
    try:
        return openai_request_to_anthropic(chat, default_max_tokens=default_max_tokens)
    except TranslationError as exc:
        raise TranslationError(exc.message, responses_param(body, exc.param)) from exc


def responses_param(body: JSONDict, chat_param: str | None) -> str | None:
    """The Responses field a chat-body path (``messages[2].content[0]``) came from."""
    if chat_param is None:
        return None
    match = _MESSAGE_PATH.match(chat_param)
    if match is None:
        head = re.split(r"[.\[]", chat_param, maxsplit=1)[0]
        mapped = _TOP_LEVEL.get(head)
        return mapped if mapped is not None else chat_param
    origins: dict[str, str] = {}
    request_messages(body, origins)
    path = match.group(0)
    # The call's own origin if it has one, else the message's.
    return origins.get(path) or origins.get(path.split(".tool_calls")[0]) or "input"

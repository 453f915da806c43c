"""Pure translation between the OpenAI Chat Completions, Responses and legacy Completions
APIs and the Anthropic Messages API (no I/O).

Dicts in, dicts out; payloads are already-parsed JSON objects. Everything
that cannot be translated faithfully raises :class:`TranslationError`
(``message`` + ``param``), which the gateway returns as a 400 (request side)
or 502 (response side). Decisions are documented in each module and in
``README.md`` next to this file.
"""

from __future__ import annotations

from .completions import (
    chat_chunk_to_completion_chunk,
    chat_completion_to_text_completion,
    completions_request_to_chat,
    prompt_text,
)
from .errors import TranslationError
from .request_to_anthropic import DEFAULT_MAX_TOKENS, openai_request_to_anthropic
from .request_to_openai import anthropic_request_to_openai
from .responses import anthropic_response_to_openai, openai_response_to_anthropic
from .responses_anthropic import responses_param, responses_request_to_anthropic
from .responses_output import chat_completion_to_response, response_shell
from .responses_request import responses_request_to_chat
from .responses_stream import ChatToResponsesStream, usage_to_responses
from .stream_to_anthropic import AnthropicEvent, OpenAIToAnthropicStream
from .stream_to_openai import AnthropicToOpenAIStream
from .tokens import count_tokens_estimate
from .usage import TokenUsage

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "AnthropicEvent",
    "AnthropicToOpenAIStream",
    "ChatToResponsesStream",
    "OpenAIToAnthropicStream",
    "TokenUsage",
    "TranslationError",
    "anthropic_request_to_openai",
    "anthropic_response_to_openai",
    "chat_chunk_to_completion_chunk",
    "chat_completion_to_response",
    "chat_completion_to_text_completion",
    "completions_request_to_chat",
    "count_tokens_estimate",
    "openai_request_to_anthropic",
    "openai_response_to_anthropic",
    "prompt_text",
    "response_shell",
    "responses_param",
    "responses_request_to_anthropic",
    "responses_request_to_chat",
    "usage_to_responses",
]

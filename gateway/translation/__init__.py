"""Pure OpenAI Chat Completions <-> Anthropic Messages translation (no I/O).

Dicts in, dicts out; payloads are already-parsed JSON objects. Everything
that cannot be translated faithfully raises :class:`TranslationError`
(``message`` + ``param``), which the gateway returns as a 400 (request side)
or 502 (response side). Decisions are documented in each module and in
``README.md`` next to this file.
"""

from __future__ import annotations

from .errors import TranslationError
from .request_to_anthropic import DEFAULT_MAX_TOKENS, openai_request_to_anthropic
from .request_to_openai import anthropic_request_to_openai
from .responses import anthropic_response_to_openai, openai_response_to_anthropic
from .stream_to_anthropic import AnthropicEvent, OpenAIToAnthropicStream
from .stream_to_openai import AnthropicToOpenAIStream
from .tokens import count_tokens_estimate
from .usage import TokenUsage

__all__ = [
    "DEFAULT_MAX_TOKENS",
    "AnthropicEvent",
    "AnthropicToOpenAIStream",
    "OpenAIToAnthropicStream",
    "TokenUsage",
    "TranslationError",
    "anthropic_request_to_openai",
    "anthropic_response_to_openai",
    "count_tokens_estimate",
    "openai_request_to_anthropic",
    "openai_response_to_anthropic",
]

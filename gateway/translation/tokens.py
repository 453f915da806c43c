"""Local estimate for ``POST /v1/messages/count_tokens`` (no tokenizer download).

Heuristic, documented so callers know its error bars (typically within
~20% for English prose and code, worse for CJK text):

* 1 token per 4 characters of every text the model reads: system prompt,
  text blocks, tool_use names and inputs (as JSON), tool_result content,
  tool names, descriptions and ``input_schema`` (as JSON); rounded up.
* +3 tokens per message (role/turn markers) and +3 for the reply priming.
* +1600 per image (Anthropic's cost of a ~1.15 megapixel image, the size
  images are downscaled to; an upper bound keeps budget checks safe).
* +350 when tools are defined (the tool-use system prompt Anthropic adds).
* Base64 payloads, ids, ``type`` tags and ``cache_control`` are not counted.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ._common import JSONDict

CHARS_PER_TOKEN = 4
MESSAGE_OVERHEAD = 3
REPLY_PRIMING = 3
IMAGE_TOKENS = 1600
TOOLS_OVERHEAD = 350

_UNCOUNTED_KEYS = frozenset(
    {"type", "id", "tool_use_id", "media_type", "data", "cache_control", "source"}
)


def count_tokens_estimate(anthropic_request: JSONDict) -> int:
    """Estimate the input tokens of an Anthropic Messages request (see module doc)."""
    chars = _text_chars(anthropic_request.get("system"))
    images = 0
    messages = anthropic_request.get("messages") or []
    for message in messages:
        content = message.get("content")
        chars += _text_chars(content)
        images += _count_images(content)
    tools = anthropic_request.get("tools") or []
    for tool in tools:
        chars += len(str(tool.get("name", ""))) + len(str(tool.get("description", "")))
        chars += len(json.dumps(tool.get("input_schema") or {}, ensure_ascii=False))
    tokens = math.ceil(chars / CHARS_PER_TOKEN)
    tokens += MESSAGE_OVERHEAD * len(messages) + REPLY_PRIMING + IMAGE_TOKENS * images
    if tools:
        tokens += TOOLS_OVERHEAD
    return max(1, tokens)


def _text_chars(value: Any) -> int:
    """Characters of model-visible text in a content value (string, blocks, nested)."""
    if value is None:
        return 0
    if isinstance(value, str):
        return len(value)
    if isinstance(value, list):
        return sum(_text_chars(item) for item in value)
    if isinstance(value, dict):
        total = 0
        for key, item in value.items():
            if key in _UNCOUNTED_KEYS:
                continue
            # tool_use input is an arbitrary object; the model reads it as JSON.
            total += (
                len(json.dumps(item, ensure_ascii=False)) if key == "input" else _text_chars(item)
            )
        return total
    return len(str(value))


def _count_images(value: Any) -> int:
    """Number of image blocks, including those nested in tool_result content."""
    if isinstance(value, list):
        return sum(_count_images(item) for item in value)
    if isinstance(value, dict):
        own = 1 if value.get("type") == "image" else 0
        return own + _count_images(value.get("content"))
    return 0

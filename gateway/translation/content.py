"""Content block <-> content part conversions (text, images, tool results).

Dropped on purpose (hints only, no effect on what the model sees):
``cache_control`` on any block, ``citations`` on text blocks, image ``detail``
on OpenAI image parts. Everything else that has no equivalent is refused.
"""

from __future__ import annotations

import re
from typing import Any

from ._common import JSONDict
from .errors import TranslationError

# Anthropic only accepts these image types (base64 sources).
ANTHROPIC_IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_DATA_URL = re.compile(
    r"^data:(?P<media>[\w.+-]+/[\w.+-]+)(?P<params>(;[^,;]*)*?);base64,(?P<data>.*)$", re.S
)


def text_of_openai_content(content: Any, param: str) -> str:
    """Flatten OpenAI system/developer/tool content (string or text parts) into one string."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise TranslationError("content must be a string or a list of parts", param)
    texts: list[str] = []
    for j, part in enumerate(content):
        if not isinstance(part, dict) or part.get("type") != "text":
            raise TranslationError("only text parts are supported here", f"{param}[{j}]")
        texts.append(str(part.get("text", "")))
    return "".join(texts)


def text_of_anthropic_blocks(content: Any, param: str) -> str:
    """Flatten Anthropic system / tool_result content (string or text blocks) into one string."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise TranslationError("content must be a string or a list of blocks", param)
    texts: list[str] = []
    for j, block in enumerate(content):
        if not isinstance(block, dict) or block.get("type") != "text":
            kind = block.get("type") if isinstance(block, dict) else type(block).__name__
            raise TranslationError(
                f"'{kind}' blocks cannot be translated here; only text is supported",
                f"{param}[{j}]",
            )
        texts.append(str(block.get("text", "")))
    # Anthropic concatenates adjacent text blocks; a blank line keeps paragraphs apart.
    return "\n\n".join(texts)


def anthropic_image_to_openai(block: JSONDict, param: str) -> JSONDict:
    """Anthropic image block (base64 or url source) -> OpenAI ``image_url`` part."""
    source = block.get("source") or {}
    kind = source.get("type")
    if kind == "base64":
        url = f"data:{source.get('media_type')};base64,{source.get('data', '')}"
    elif kind == "url":
        url = str(source.get("url", ""))
    else:
        raise TranslationError(
            f"image source type '{kind}' has no OpenAI equivalent", f"{param}.source"
        )
    return {"type": "image_url", "image_url": {"url": url}}


def openai_image_to_anthropic(part: JSONDict, param: str) -> JSONDict:
    """OpenAI ``image_url`` part (data URL or http(s) URL) -> Anthropic image block."""
    image = part.get("image_url")
    url = image.get("url") if isinstance(image, dict) else image
    if not isinstance(url, str) or not url:
        raise TranslationError("image_url.url is required", f"{param}.image_url.url")
    if url.startswith(("http://", "https://")):
        return {"type": "image", "source": {"type": "url", "url": url}}
    match = _DATA_URL.match(url)
    if match is None:
        raise TranslationError(
            "image URL must be http(s) or a base64 data URL", f"{param}.image_url.url"
        )
    media_type = match.group("media").lower()
    if media_type not in ANTHROPIC_IMAGE_TYPES:
        raise TranslationError(
            f"image type '{media_type}' is not supported (jpeg, png, gif, webp)",
            f"{param}.image_url.url",
        )
    source = {"type": "base64", "media_type": media_type, "data": match.group("data")}
    return {"type": "image", "source": source}


def openai_parts_to_anthropic(content: Any, param: str) -> list[JSONDict] | str:
    """OpenAI user content (string or parts) -> Anthropic content (string or blocks)."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise TranslationError("content must be a string or a list of parts", param)
    blocks: list[JSONDict] = []
    for j, part in enumerate(content):
        kind = part.get("type") if isinstance(part, dict) else None
        if kind == "text":
            blocks.append({"type": "text", "text": str(part.get("text", ""))})
        elif kind == "image_url":
            blocks.append(openai_image_to_anthropic(part, f"{param}[{j}]"))
        else:
            raise TranslationError(
                f"content part type '{kind}' cannot be sent to Anthropic", f"{param}[{j}]"
            )
    return blocks


def tool_result_to_openai(block: JSONDict, param: str) -> JSONDict:
    """Anthropic ``tool_result`` block -> OpenAI ``tool`` message.

    OpenAI tool messages carry text only and have no error flag, so
    ``is_error: true`` is conveyed by prefixing the content with ``"Error: "``;
    images inside a tool result are refused.
    """
    text = text_of_anthropic_blocks(block.get("content"), f"{param}.content")
    if block.get("is_error"):
        text = f"Error: {text}"
    return {"role": "tool", "tool_call_id": str(block.get("tool_use_id", "")), "content": text}

"""What the gateway checks in Anthropic Messages requests before forwarding them.

As for the OpenAI schema: unknown fields are allowed (a native Anthropic upstream takes
them as they are; the translation refuses those it cannot carry, naming them), the fields
the gateway relies on are typed, strictly.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ContentBlock(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    type: str
    # The members the translation and the scan read, typed: an image whose "source" was 5
    # made a 500 (issue 16).
    text: str | None = None
    # An image's or a document's source; a search_result block's is its URL, a string.
    source: dict[str, Any] | str | None = None
    id: str | None = None
    name: str | None = None
    input: dict[str, Any] | None = None
    tool_use_id: str | None = None
    content: str | list[dict[str, Any]] | None = None


class AnthropicMessage(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    role: Literal["user", "assistant"]
    content: str | list[ContentBlock]


class AnthropicTool(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    name: str = Field(min_length=1)
    input_schema: dict[str, Any] | None = None


class MessagesRequest(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    model: str = Field(min_length=1)
    messages: list[AnthropicMessage] = Field(min_length=1)
    max_tokens: int = Field(ge=1)
    system: str | list[ContentBlock] | None = None
    stream: bool = False
    stop_sequences: list[str] | None = None
    tools: list[AnthropicTool] | None = None
    tool_choice: dict[str, Any] | None = None
    temperature: float | None = Field(default=None, ge=0, le=1)
    metadata: dict[str, Any] | None = None
    thinking: dict[str, Any] | None = None
    top_k: int | None = None
    top_p: float | None = None


class CountTokensRequest(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)

    model: str = Field(min_length=1)
    messages: list[AnthropicMessage] = Field(min_length=1)
    system: str | list[ContentBlock] | None = None
    tools: list[AnthropicTool] | None = None

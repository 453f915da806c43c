"""Provider-neutral token usage and its mapping to both APIs.

Accounting difference handled here: OpenAI ``prompt_tokens`` *includes*
cached tokens (``prompt_tokens_details.cached_tokens``), while Anthropic
``input_tokens`` *excludes* cache reads and cache writes, which are reported
separately (``cache_read_input_tokens`` / ``cache_creation_input_tokens``).
:class:`TokenUsage` stores the OpenAI-style total so nothing is double counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._common import JSONDict


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


@dataclass
class TokenUsage:
    """Token counts of one completion, as the gateway records them.

    Attributes:
        input_tokens: All prompt tokens, cache reads and writes included.
        output_tokens: Generated tokens.
        cache_read_tokens: Prompt tokens served from the provider cache.
        cache_creation_tokens: Prompt tokens written to the provider cache.
    """

    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0

    @classmethod
    def from_openai(cls, usage: JSONDict | None) -> TokenUsage:
        """Read an OpenAI ``usage`` object (missing fields count as 0)."""
        usage = usage or {}
        details = usage.get("prompt_tokens_details") or {}
        return cls(
            input_tokens=_int(usage.get("prompt_tokens")),
            output_tokens=_int(usage.get("completion_tokens")),
            cache_read_tokens=_int(details.get("cached_tokens")),
            cache_creation_tokens=_int(details.get("cache_write_tokens")),
        )

    @classmethod
    def from_anthropic(cls, usage: JSONDict | None) -> TokenUsage:
        """Read an Anthropic ``usage`` object (message or message_delta)."""
        usage = usage or {}
        cache_read = _int(usage.get("cache_read_input_tokens"))
        cache_creation = _int(usage.get("cache_creation_input_tokens"))
        return cls(
            input_tokens=_int(usage.get("input_tokens")) + cache_read + cache_creation,
            output_tokens=_int(usage.get("output_tokens")),
            cache_read_tokens=cache_read,
            cache_creation_tokens=cache_creation,
        )

    def update_from_anthropic_delta(self, usage: JSONDict | None) -> None:
        """Apply a ``message_delta`` usage: its fields are cumulative, absent ones unchanged."""
        usage = usage or {}
        if "output_tokens" in usage and usage["output_tokens"] is not None:
            self.output_tokens = _int(usage["output_tokens"])
        has_input = any(
            usage.get(key) is not None
            for key in ("input_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
        )
        if has_input:
            fresh = TokenUsage.from_anthropic(
                {
                    "input_tokens": usage.get("input_tokens", self.uncached_input_tokens),
                    "cache_read_input_tokens": usage.get(
                        "cache_read_input_tokens", self.cache_read_tokens
                    ),
                    "cache_creation_input_tokens": usage.get(
                        "cache_creation_input_tokens", self.cache_creation_tokens
                    ),
                }
            )
            self.input_tokens = fresh.input_tokens
            self.cache_read_tokens = fresh.cache_read_tokens
            self.cache_creation_tokens = fresh.cache_creation_tokens

    @property
    def uncached_input_tokens(self) -> int:
        """Anthropic's ``input_tokens``: prompt tokens neither read from nor written to cache."""
        return max(0, self.input_tokens - self.cache_read_tokens - self.cache_creation_tokens)

    def to_openai(self) -> JSONDict:
        """Render as an OpenAI ``usage`` object."""
        usage: JSONDict = {
            "prompt_tokens": self.input_tokens,
            "completion_tokens": self.output_tokens,
            "total_tokens": self.input_tokens + self.output_tokens,
        }
        if self.cache_read_tokens or self.cache_creation_tokens:
            details: JSONDict = {"cached_tokens": self.cache_read_tokens}
            if self.cache_creation_tokens:
                details["cache_write_tokens"] = self.cache_creation_tokens
            usage["prompt_tokens_details"] = details
        return usage

    def to_anthropic(self) -> JSONDict:
        """Render as an Anthropic ``usage`` object (cache fields always present)."""
        return {
            "input_tokens": self.uncached_input_tokens,
            "output_tokens": self.output_tokens,
            "cache_creation_input_tokens": self.cache_creation_tokens,
            "cache_read_input_tokens": self.cache_read_tokens,
        }

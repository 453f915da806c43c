"""The walk of a request's JSON: every string leaf and free-form key becomes a field of the
canonical view (:mod:`.base`), a file inside it an attachment (:mod:`.attachments`).

What is not a field, on purpose: the names of known API fields and the values of their
enumerations (fixed words), opaque identifiers the providers issue and thinking
signatures (they must come back byte for byte), and files (a ``text/*`` base64 document is
decoded and scanned; a PDF's, an office document's or a picture's text is read later).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from gateway.proxy.fields.attachments import Attachment
from gateway.proxy.fields.base import (
    Base64TextField,
    Field,
    FileTextField,
    KeyField,
    NumberField,
    OpaqueField,
)
from gateway.proxy.fields.encoded import (
    BINARY_MEDIA,
    b64decode,
    decode_text,
    disguised_text,
    payload_type,
    text_media,
    text_of,
)

# Names of the APIs' own fields (chat, messages, embeddings, JSON Schema): fixed words that
# hold no personal data, so a key among them is never scanned. Any other key (a JSON-schema
# property, a metadata key, an unknown field) is scanned as text.
KNOWN_KEYS = frozenset([
    "role", "content", "type", "text", "name", "description", "parameters", "strict",
    "function", "functions", "tools", "tool_calls", "tool_call_id", "id", "arguments",
    "image_url", "url", "detail", "input_audio", "data", "format", "file", "file_data",
    "file_id", "filename", "refusal", "audio", "messages", "model", "stream", "stream_options",
    "include_usage", "temperature", "top_p", "top_k", "n", "max_tokens",
    "max_completion_tokens", "stop", "stop_sequences", "presence_penalty", "frequency_penalty",
    "logit_bias", "logprobs", "top_logprobs", "seed", "user", "metadata", "prediction",
    "response_format", "json_schema", "schema", "reasoning_effort", "verbosity", "modalities",
    "voice", "service_tier", "store", "parallel_tool_calls", "web_search_options",
    "search_context_size", "user_location", "approximate", "city", "country", "region",
    "timezone", "safety_identifier", "prompt_cache_key", "prompt_cache_retention", "custom",
    "grammar", "definition", "syntax", "allowed_tools", "mode", "function_call",
    "encoding_format", "dimensions", "input", "system", "thinking", "signature",
    "redacted_thinking", "tool_use", "tool_result", "tool_use_id", "is_error", "source",
    "media_type", "cache_control", "ttl", "citations", "title", "context", "document",
    "search_result", "input_schema", "tool_choice", "disable_parallel_tool_use",
    "budget_tokens", "container", "mcp_servers", "user_id", "properties", "required", "items",
    "enum", "const", "default", "additionalProperties", "anyOf", "oneOf", "allOf", "$ref",
    "$defs", "$schema", "definitions", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "pattern", "instructions", "output", "call_id", "status", "summary",
    "encrypted_content", "previous_response_id", "include", "reasoning", "effort",
    "truncation", "background", "max_output_tokens", "max_tool_calls", "prompt", "suffix",
    "echo", "best_of", "minLength", "maxLength", "minItems", "maxItems",
    "uniqueItems", "examples", "nullable", "enabled",
])

# Values of the APIs' enumerations (types, modes, formats...): fixed words, not scanned.
FIXED_VALUES = frozenset([
    "text", "image_url", "input_audio", "file", "refusal", "function", "custom", "object",
    "string", "number", "integer", "boolean", "array", "null", "json_schema", "json_object",
    "content", "auto", "none", "required", "low", "medium", "high", "minimal", "default",
    "flex", "scale", "priority", "float", "base64", "ephemeral", "tool_use", "tool_result",
    "thinking", "redacted_thinking", "document", "image", "search_result", "tool", "any", "url",
    "enabled", "disabled", "5m", "1h", "wav", "mp3", "flac", "opus", "pcm16", "grammar", "lark",
    "regex", "approximate", "allowed_tools", "user", "assistant", "system", "developer",
    "audio", "text/plain", "application/pdf", "image/png", "image/jpeg", "image/gif",
    "image/webp", "24h", "in_memory", "message", "input_text", "output_text", "input_image",
    "input_file", "function_call", "function_call_output", "custom_tool_call",
    "custom_tool_call_output", "reasoning", "summary_text", "completed", "in_progress",
    "incomplete", "item_reference", "disabled",
])

# Identifiers the providers issue, sent back as they came: rewriting one breaks the
# pairing of a tool call and its result (and a secret-like id would be masked).
_OPAQUE_KEYS = frozenset({"id", "tool_call_id", "tool_use_id", "call_id"})
_PROVIDER_ID = re.compile(
    r"(?:call|toolu|srvtoolu|mcptoolu|fc|ctc|msg|resp|rs|ws|file|chatcmpl)_[A-Za-z0-9_-]{4,}"
)
# Cryptographic material: a thinking block's signature, a reasoning item's encrypted
# content (a redacted thinking block's data is handled as binary).
_SEALED_KEYS = frozenset({"signature", "encrypted_content"})
_DATA_URL = re.compile(r"data:([\w.+-]+/[\w.+-]+)?((?:;[\w-]+=[^;,]*)*);base64,", re.I)
_CHARSET = re.compile(r";charset=([^;,]*)", re.I)
_AUDIO_FORMATS = frozenset({"wav", "mp3", "flac", "opus", "pcm16", "aac", "m4a", "ogg"})


# Where a request gives a file by URL (chat and Responses images, Messages ``url`` sources,
# Responses ``file_url``), and what the block around it says the file is.
_REFERENCE_KEYS = frozenset({"url", "image_url", "file_url"})
_REFERENCE_HINTS = {"image": "image", "image_url": "image", "input_image": "image",
                    "document": "file", "file": "file", "input_file": "file"}
# Numbers below this hold too few digits to be an identifier the scan looks for (the
# shortest, a SIREN, has 9): not worth a field each.
_NUMBER_MIN = 10**8


class Walker:
    """Collects the fields of a JSON value, every string leaf and free-form key."""

    def __init__(self) -> None:
        self.fields: list[Field] = []
        self.attachments: list[Attachment] = []
        # What a file given by URL is, from the block it sits in (an image block's URL).
        self._hint = "file"

    def value(self, container: Any, key: Any, role: str, path: str) -> None:
        """Every field inside ``container[key]``, read under ``role``."""
        item = container[key]
        if isinstance(item, str):
            self._string(container, key, role, path)
        elif isinstance(item, dict):
            self.object(item, role, path)
        elif isinstance(item, list):
            for index in range(len(item)):
                self.value(item, index, role, f"{path}[{index}]")
        elif isinstance(item, (int, float)) and not isinstance(item, bool) and (
                item >= _NUMBER_MIN or item <= -_NUMBER_MIN):
            self.fields.append(NumberField(container, key, role, path))

    def object(self, item: dict[str, Any], role: str, path: str,
               skip: Iterable[str] = ()) -> None:
        """The fields of one object, its members named in ``skip`` left out."""
        skipped = frozenset(skip)
        binary = self._binary_member(item)
        hint = self._hint
        self._hint = _REFERENCE_HINTS.get(str(item.get("type")), hint)
        for name in list(item):
            if name in skipped:
                continue
            where = f"{path}.{name}" if path else str(name)
            if name not in KNOWN_KEYS:
                self.fields.append(KeyField(item, name, role, where + "#key"))
            if name == binary:
                self._base64(item, name, role, where)
            elif self._opaque(name, item[name]):
                if isinstance(item[name], str):
                    self.fields.append(OpaqueField(item, name, role, where))
            else:
                self.value(item, name, role, where)
        self._hint = hint

    def _string(self, container: Any, key: Any, role: str, path: str) -> None:
        value: str = container[key]
        if value in FIXED_VALUES or not value:
            return
        found = _DATA_URL.match(value, 0, 200) if value[:5].lower() == "data:" else None
        if found is None:
            self.fields.append(Field(container, key, role, path))
            if key == "file_id" or (key in _REFERENCE_KEYS and
                                    value[:8].lower().startswith(("http://", "https://"))):
                self._reference(container, key, path, value)
            return
        media, data = found.group(1) or "", value[found.end():]
        charset = _CHARSET.search(found.group(2) or "")
        pdf = payload_type(media, data)[0] == "pdf"
        binary = media.lower().startswith(BINARY_MEDIA)
        # Decoded once: to its text, else kept for the file's read and its description.
        raw = None if binary or (pdf and not text_media(media)) else b64decode(data)
        decoded = text_of(raw, media, charset.group(1) if charset else None)
        if decoded is None and binary and not pdf:
            decoded = disguised_text(data)
        if decoded is not None:
            prefix = _CHARSET.sub(";charset=utf-8", value[: found.end()])
            self.fields.append(Base64TextField(container, key, role, path, prefix, decoded))
        elif pdf or binary or raw is not None:
            # A picture, sound, a PDF, or the base64 of a file that is not text.
            self._attach(container, key, role, path, media, value[: found.end()], raw)
        else:
            # Neither text nor base64 of anything: read as written.
            self.fields.append(Field(container, key, role, path))

    def _base64(self, item: dict[str, Any], name: str, role: str, path: str) -> None:
        if not isinstance(item[name], str):
            return
        if item.get("type") == "redacted_thinking":
            # Sealed by the provider and sent back as it came: scanned for what a policy
            # blocks all the same (a client may put anything there; it reaches the provider).
            self.fields.append(OpaqueField(item, name, role, path))
            return
        media = item.get("media_type")
        if text_media(media):
            decoded = decode_text(item[name], media)
            if decoded is not None:
                self.fields.append(Base64TextField(item, name, role, path, "", decoded))
            return
        if not media and "format" in item:  # a chat input_audio part: {data, format}
            media = f"audio/{str(item['format']).lower()}"
        if payload_type(str(media or ""), item[name])[0] != "pdf":
            decoded = disguised_text(item[name])
            if decoded is not None:  # text declared as a picture or a sound
                self.fields.append(Base64TextField(item, name, role, path, "", decoded))
                return
        self._attach(item, name, role, path, str(media or ""), "")

    def _attach(self, container: Any, key: Any, role: str, path: str, media: str,
                prefix: str, raw: bytes | None = None) -> None:
        """A file inside the request (``raw``: its bytes, when already decoded); a PDF's
        text is also a field, read before the scan."""
        kind, zipped = payload_type(media, container[key][len(prefix):])
        attachment = Attachment(container, key, kind, media, path, prefix, office=zipped)
        if raw is not None:
            attachment.decoded_as(raw)
        self.attachments.append(attachment)
        if attachment.has_text:
            self.fields.append(FileTextField(container, key, role, path, attachment))

    def token_ids(self, container: Any, key: Any, path: str) -> None:
        """Token ids in place of text (an embeddings ``input``, a completion's ``prompt``:
        LangChain sends them): the model reads the text they stand for, which the gateway
        cannot (the tokenizer is the provider's). Named to the policies as a file it could
        not read: a rule on ``attachments: [unreadable]`` decides."""
        value = container.get(key) if isinstance(container, dict) else None
        rows = value if isinstance(value, list) and value and isinstance(value[0], list) \
            else [value]
        if all(isinstance(row, list) and row and all(
                isinstance(t, int) and not isinstance(t, bool) for t in row) for row in rows):
            self.attachments.append(Attachment(container, key, "file", "", path, inline=False))

    def _reference(self, container: Any, key: Any, path: str, url: str) -> None:
        """A file the provider fetches itself, by URL: never read by the gateway."""
        kind = "pdf" if url.split("?", 1)[0].lower().endswith(".pdf") else self._hint
        self.attachments.append(Attachment(container, key, kind, "", path, inline=False))

    @staticmethod
    def _binary_member(item: dict[str, Any]) -> str | None:
        """The member of ``item`` holding raw base64 (no ``data:`` prefix), if any."""
        if item.get("type") == "base64" or item.get("type") == "redacted_thinking":
            return "data"
        if str(item.get("format", "")).lower() in _AUDIO_FORMATS and "data" in item:
            return "data"  # a chat input_audio part
        return None

    @staticmethod
    def _opaque(name: str, value: Any) -> bool:
        if name in _SEALED_KEYS:
            return True
        return name in _OPAQUE_KEYS and isinstance(value, str) and \
            _PROVIDER_ID.fullmatch(value) is not None

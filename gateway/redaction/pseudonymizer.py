"""Per-request pseudonymization: stable placeholders, masking, blocking, restore.

Placeholder format (documented contract with the gateway and prompts):

* pseudonymized value: ``<TYPE_n>``, e.g. ``<PERSON_1>``, ``<EMAIL_ADDRESS_2>``;
  ``n`` counts distinct values per type from 1, in order of appearance;
* masked value: ``<TYPE>``, e.g. ``<PHONE_NUMBER>`` (irreversible).

The mapping lives only in this object (one per request) and is never logged:
``repr`` shows counts only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gateway.text.offsets import OffsetMap

from .config import Action, RedactionConfig
from .findings import Finding, format_summary_header, resolve_overlaps, summarize_findings
from .streaming import PlaceholderRestorer, StreamingRestorer
from .text import sanitize

__all__ = ["Pseudonymizer", "RedactionResult"]

# Identifiers written with or without separators are the same value.
_COMPACT_TYPES = frozenset(
    {
        "PHONE_NUMBER",
        "IBAN_CODE",
        "CREDIT_CARD",
        "FR_NIR",
        "FR_SIREN",
        "FR_SIRET",
        "FR_VAT",
        "IP_ADDRESS",
    }
)
_SEPARATORS = re.compile(r"[\s.\-()]")
# Values shorter than this are not propagated to other occurrences: too
# likely to hit an unrelated word.
_MIN_PROPAGATED_LENGTH = 4


def _normalize(entity_type: str, value: str) -> str:
    if entity_type in _COMPACT_TYPES:
        return _SEPARATORS.sub("", value).upper()
    return " ".join(value.split()).casefold()


@dataclass(frozen=True)
class RedactionResult:
    """Outcome of redacting the texts of one request.

    ``texts``: redacted texts, same order as the input. ``findings``: what
    was replaced in each input text. ``summary``: entity type -> count.
    ``blocked``: entity types whose action is ``block`` and that were found;
    non-empty means the request must be refused.
    """

    texts: list[str]
    findings: list[list[Finding]]
    summary: dict[str, int]
    blocked: tuple[str, ...] = field(default=())

    @property
    def header(self) -> str:
        """Summary formatted for a response header (``PERSON=2,EMAIL_ADDRESS=1``)."""
        return format_summary_header(self.summary)


class Pseudonymizer:
    """Holds the value <-> placeholder mapping of one request."""

    def __init__(self, config: RedactionConfig | None = None) -> None:
        self._config = config or RedactionConfig()
        self._by_key: dict[tuple[str, str], str] = {}
        self._mapping: dict[str, str] = {}
        self._known: dict[str, str] = {}  # raw value -> entity type, for propagation
        self._counters: dict[str, int] = {}
        self._blocked: set[str] = set()
        self._restorers: dict[bool, PlaceholderRestorer] = {}

    def __repr__(self) -> str:
        return f"Pseudonymizer(placeholders={len(self._mapping)}, blocked={sorted(self._blocked)})"

    @property
    def mapping(self) -> dict[str, str]:
        """Copy of placeholder -> original value (handle with care, never log)."""
        return dict(self._mapping)

    @property
    def blocked(self) -> tuple[str, ...]:
        """Entity types with action ``block`` seen so far."""
        return tuple(sorted(self._blocked))

    def placeholder_for(self, entity_type: str, value: str, reserved: Sequence[str] = ()) -> str:
        """Return the stable placeholder of ``value``, allocating one if new.

        ``reserved`` texts are checked so that a placeholder already written
        literally by the user is never reused (its restore would be ambiguous).
        """
        key = (entity_type, _normalize(entity_type, value))
        existing = self._by_key.get(key)
        if existing is not None:
            return existing
        number = self._counters.get(entity_type, 0)
        while True:
            number += 1
            placeholder = f"<{entity_type}_{number}>"
            if not any(placeholder in text for text in reserved):
                break
        self._counters[entity_type] = number
        self._by_key[key] = placeholder
        self._mapping[placeholder] = value
        self._restorers.clear()
        return placeholder

    def redact(self, text: str, findings: Sequence[Finding]) -> str:
        """Redact a single text (see :meth:`redact_many`)."""
        return self.redact_many([text], [findings]).texts[0]

    def redact_many(
        self, texts: Sequence[str], findings: Sequence[Sequence[Finding]]
    ) -> RedactionResult:
        """Replace findings in all texts of a request with shared placeholders.

        Values found in one text are also replaced where they occur verbatim
        in the other texts (e.g. a name NER missed in a tool result).
        """
        if len(texts) != len(findings):
            raise ValueError("texts and findings must have the same length")
        for text, found in zip(texts, findings, strict=False):
            for f in found:
                self._known.setdefault(text[f.start : f.end], f.entity_type)
        propagator = self._propagation_regex()
        all_findings = [
            self._with_propagated(t, list(f), propagator)
            for t, f in zip(texts, findings, strict=False)
        ]
        redacted = [self._apply(t, f, texts) for t, f in zip(texts, all_findings, strict=False)]
        summary = summarize_findings(f for found in all_findings for f in found)
        blocked = tuple(sorted({f.entity_type for fs in all_findings for f in fs} & self._blocked))
        return RedactionResult(redacted, all_findings, summary, blocked)

    def _propagation_regex(self) -> re.Pattern[str] | None:
        values = sorted(
            (v for v in self._known if len(v.strip()) >= _MIN_PROPAGATED_LENGTH),
            key=len,
            reverse=True,
        )
        if not values:
            return None
        return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, values)) + r")(?!\w)")

    def _with_propagated(
        self, text: str, found: list[Finding], regex: re.Pattern[str] | None
    ) -> list[Finding]:
        if regex is None:
            return sorted(found, key=lambda f: f.start)
        extra = [
            Finding(self._known[m.group(0)], m.start(), m.end(), 0.5, "propagation")
            for m in regex.finditer(text)
            if all(m.end() <= f.start or m.start() >= f.end for f in found)
        ]
        return resolve_overlaps(found + extra) if extra else sorted(found, key=lambda f: f.start)

    def _apply(self, text: str, found: Sequence[Finding], reserved: Sequence[str]) -> str:
        parts: list[str] = []
        cursor = 0
        for f in found:
            if f.start < cursor:  # defensive: overlapping input
                continue
            if self._config.action(f.entity_type) is Action.BLOCK:
                self._blocked.add(f.entity_type)
            parts.append(text[cursor : f.start])
            parts.append(self._replacement(f, text[f.start : f.end], reserved))
            cursor = f.end
        parts.append(text[cursor:])
        # Lone surrogates cannot be encoded to UTF-8 for the provider (one character
        # for one: positions hold).
        return sanitize("".join(parts))

    def _replacement(self, f: Finding, value: str, reserved: Sequence[str] = ()) -> str:
        if self._config.action(f.entity_type) is Action.PSEUDONYMIZE:
            return self.placeholder_for(f.entity_type, value, reserved)
        return f"<{f.entity_type}>"

    def written_offsets(self, text: str, found: Sequence[Finding]) -> OffsetMap:
        """Positions in ``text`` as redacted (with ``found``, by :meth:`redact_many`)
        mapped to ``text`` as written: a provider citing a document counts in what it
        received, the employee reads what they sent."""
        offsets = OffsetMap()
        cursor = shift = 0
        for f in found:
            if f.start < cursor:  # skipped by _apply too
                continue
            length = len(self._replacement(f, text[f.start : f.end]))
            offsets.add(f.start + shift, f.start + shift + length, f.end - f.start)
            shift += length - (f.end - f.start)
            cursor = f.end
        return offsets

    def _restorer(self, json_mode: bool) -> PlaceholderRestorer:
        restorer = self._restorers.get(json_mode)
        if restorer is None:
            restorer = self._restorers[json_mode] = PlaceholderRestorer(self._mapping, json_mode)
        return restorer

    def restore(self, text: str, offsets: OffsetMap | None = None) -> str:
        """Put original values back into a (complete) provider answer (each replacement
        added to ``offsets``, for the citations that point into it)."""
        return self._restorer(False).restore(text, offsets)

    def restore_json(self, text: str, offsets: OffsetMap | None = None) -> str:
        """Restore inside JSON text (tool-call arguments): values are JSON-escaped."""
        return self._restorer(True).restore(text, offsets)

    def streaming_restorer(self, json_mode: bool = False) -> StreamingRestorer:
        """New restorer for one streamed answer (or one tool call's arguments)."""
        return StreamingRestorer(self._mapping, json_mode)

"""Minimal regex recognizer framework (presidio-like, without its overhead).

Presidio's AnalyzerEngine runs every recognizer through a generic pipeline
with lemma-based context enhancement that needs the full spaCy pipeline; our
rules are plain compiled regexes plus a validator, which is what makes the
service several times faster on short prompts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..findings import Finding

__all__ = ["PatternRule", "Recognizer", "RegexRecognizer", "Validator", "accept"]

# A validator receives the matched value and returns (length of the valid
# prefix, score), or None to reject. Returning a shorter length lets a rule
# drop trailing digits that a greedy regex swallowed (card numbers, IBANs).
Validator = Callable[[str], "tuple[int, float] | None"]


class Recognizer(Protocol):
    """Anything that can find entities in one text."""

    name: str
    entity_types: tuple[str, ...]

    def analyze(self, text: str) -> list[Finding]:
        """Return raw (possibly overlapping) findings for ``text``."""
        ...


def accept(score: float) -> Validator:
    """Validator that accepts any match with a fixed score."""

    def _validate(value: str) -> tuple[int, float] | None:
        return len(value), score

    return _validate


@dataclass(frozen=True)
class PatternRule:
    """One regex producing ``entity_type``; ``group`` selects the value span."""

    entity_type: str
    regex: re.Pattern[str]
    validate: Validator
    group: int | str = 0
    name: str = ""


def compile_context(words: Iterable[str]) -> re.Pattern[str] | None:
    """Compile context words into one case-insensitive word-bounded regex."""
    alternatives = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


@dataclass
class RegexRecognizer:
    """Runs pattern rules; context words near a match add ``context_boost``."""

    name: str
    rules: Sequence[PatternRule]
    context_words: Sequence[str] = ()
    context_boost: float = 0.3
    context_before: int = 60
    context_after: int = 25
    entity_types: tuple[str, ...] = field(init=False)
    _context: re.Pattern[str] | None = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.entity_types = tuple(sorted({r.entity_type for r in self.rules}))
        self._context = compile_context(self.context_words)

    def has_context(self, text: str, start: int, end: int) -> bool:
        """True if a context word appears shortly before or after the span."""
        if self._context is None:
            return False
        window = text[max(0, start - self.context_before) : start]
        if self._context.search(window):
            return True
        return self._context.search(text[end : end + self.context_after]) is not None

    def analyze(self, text: str) -> list[Finding]:
        """Return the validated matches of every rule."""
        found: list[Finding] = []
        for rule in self.rules:
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.group)
                if start < 0:
                    continue
                verdict = rule.validate(text[start:end])
                if verdict is None:
                    continue
                length, score = verdict
                end = start + length
                if score < 1.0 and self.has_context(text, start, end):
                    score = min(1.0, score + self.context_boost)
                found.append(Finding(rule.entity_type, start, end, score, rule.name or self.name))
        return found

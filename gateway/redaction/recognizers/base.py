"""Base class of our regex recognizers: a Presidio ``PatternRecognizer`` subclass.

Presidio's own pattern loop matches the whole regex with the ``regex`` module,
case-insensitively, and its ``validate_result`` can only say yes (score 1.0)
or no. Our rules need more: capture groups (``password=<value>``), case
(names, postcodes), validators that cut off trailing digits a greedy regex
swallowed (card numbers, IBANs) and graded scores (a bare 9-digit SIREN is
weaker evidence than a grouped one). So :class:`RuleRecognizer` keeps the
Presidio interface (``Pattern`` objects, ``validate_result``, ``context``,
``enhance_using_context``) and runs its own, cheaper match loop.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult

__all__ = [
    "Rule",
    "RuleRecognizer",
    "Validator",
    "accept",
    "compile_context",
    "take_precomputed",
]

# A validator receives the matched value and returns (length of the valid
# prefix, score), or (characters to skip, length, score) when the value starts
# later (a date or a quantity glued before a card number), or None to reject.
Validator = Callable[[str], "tuple[int, float] | tuple[int, int, float] | None"]

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_CONTEXT_KEY = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


def accept(score: float) -> Validator:
    """Validator that accepts any match with a fixed score."""

    def _validate(value: str) -> tuple[int, float] | None:
        return len(value), score

    return _validate


@dataclass(frozen=True)
class Rule:
    """One regex of a recognizer; ``group`` selects the value span."""

    name: str
    regex: re.Pattern[str]
    validate: Validator
    group: int | str = 0
    score: float = 0.5  # nominal score, shown in the Presidio ``Pattern``
    # A cheap regex the text must match for the rule to run at all (« a
    # postcode somewhere »): a rule whose own regex tries a long alternation
    # at every position costs 15-20 µs on a 200-character prompt.
    gate: re.Pattern[str] | None = None


def take_precomputed(nlp_artifacts: Any, recognizer_id: str) -> list[RecognizerResult] | None:
    """Results a recognizer already computed for this text before NER, if any.

    The NLP engine runs the rule recognizers first to spare NER the names
    they found (see ``nlp.FrenchNerNlpEngine``) and hands their results over
    in the artifacts; each is taken once, so a reused artifacts object
    computes afresh.
    """
    store = getattr(nlp_artifacts, "rule_results", None)
    return store.pop(recognizer_id, None) if store else None


def compile_context(words: Iterable[str]) -> re.Pattern[str] | None:
    """Compile context words into one case-insensitive word-bounded regex."""
    alternatives = sorted({re.escape(w.lower()) for w in words}, key=len, reverse=True)
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


class RuleRecognizer(PatternRecognizer):
    """Presidio pattern recognizer for one entity type, driven by :class:`Rule` s.

    Context words (French and English) found within ``context_before``
    characters before or ``context_after`` after a match add
    ``context_boost`` to its score; a plain substring window, no lemmas.
    """

    name: str

    def __init__(
        self,
        entity: str,
        name: str,
        rules: Sequence[Rule],
        context: Sequence[str] = (),
        context_boost: float = 0.3,
        context_before: int = 60,
        context_after: int = 25,
        language: str = "fr",
    ) -> None:
        self.rules = tuple(rules)
        self.context_boost = context_boost
        self.context_before = context_before
        self.context_after = context_after
        self._context_re = compile_context(context)
        super().__init__(
            supported_entity=entity,
            name=name,
            supported_language=language,
            patterns=[Pattern(r.name, r.regex.pattern, r.score) for r in self.rules],
            context=list(context),
            global_regex_flags=0,
        )

    def validate_result(self, pattern_text: str) -> bool | None:
        """Presidio hook: True if the whole text passes one rule's validator."""
        for rule in self.rules:
            verdict = rule.validate(pattern_text)
            # Valid on its own: whole and scored at least 0.5 (a NIR with a
            # wrong key needs its label to count).
            if verdict is not None and verdict[-2] == len(pattern_text) and verdict[-1] >= 0.5:
                return True
        return False

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Return the validated matches of every rule."""
        precomputed = take_precomputed(nlp_artifacts, self.id)
        if precomputed is not None:
            return precomputed
        found: list[RecognizerResult] = []
        entity = self.supported_entities[0]
        metadata = {_NAME_KEY: self.name, _ID_KEY: self.id}
        for rule in self.rules:
            if rule.gate is not None and rule.gate.search(text) is None:
                continue
            for match in rule.regex.finditer(text):
                start, end = match.span(rule.group)
                if start < 0:
                    continue
                verdict = rule.validate(text[start:end])
                if verdict is None:
                    continue
                if len(verdict) == 3:
                    skip, length, score = verdict
                    start += skip
                else:
                    length, score = verdict
                found.append(
                    RecognizerResult(
                        entity,
                        start,
                        start + length,
                        score,
                        recognition_metadata={**metadata, _NAME_KEY: rule.name},
                    )
                )
        return found

    def has_context(self, text: str, start: int, end: int) -> bool:
        """True if a context word appears shortly before or after the span."""
        if self._context_re is None:
            return False
        if self._context_re.search(text, max(0, start - self.context_before), start):
            return True
        return self._context_re.search(text, end, end + self.context_after) is not None

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: Any,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Presidio hook: boost results that have a context word nearby."""
        for result in raw_recognizer_results:
            if result.score < 1.0 and self.has_context(text, result.start, result.end):
                result.score = min(1.0, result.score + self.context_boost)
                result.recognition_metadata[_CONTEXT_KEY] = True
        return raw_recognizer_results

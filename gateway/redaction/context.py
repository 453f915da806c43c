"""Context enhancement without lemmas (replaces Presidio's LemmaContextAwareEnhancer).

Presidio's default enhancer needs the lemmatizer (and with it the tagger and
parser that make the full fr_core_news_sm pipeline three times slower) and
deep-copies every result on every call. Our own recognizers boost their
scores in ``enhance_using_context`` from a character window around the
match; this enhancer gives the same treatment, with Presidio's default
factors, to recognizers added through the configuration that declare
``context`` words.
"""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer

from .recognizers.base import RuleRecognizer, compile_context

__all__ = ["WindowContextEnhancer"]

_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_DONE_KEY = RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY


class WindowContextEnhancer(ContextAwareEnhancer):
    """Boost a result when one of its recognizer's context words is near it."""

    def __init__(
        self,
        context_similarity_factor: float = 0.35,
        min_score_with_context_similarity: float = 0.4,
        chars_before: int = 60,
        chars_after: int = 25,
    ) -> None:
        super().__init__(
            context_similarity_factor,
            min_score_with_context_similarity,
            context_prefix_count=0,
            context_suffix_count=0,
        )
        self.chars_before = chars_before
        self.chars_after = chars_after
        self._compiled: dict[str, re.Pattern[str] | None] = {}

    def _context_regex(self, recognizer: EntityRecognizer) -> re.Pattern[str] | None:
        if recognizer.id not in self._compiled:
            self._compiled[recognizer.id] = compile_context(recognizer.context or ())
        return self._compiled[recognizer.id]

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: Any,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """Boost results not already enhanced by their own recognizer."""
        by_id = {r.id: r for r in recognizers if r.context and not isinstance(r, RuleRecognizer)}
        if not by_id:
            return raw_results
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(_ID_KEY, ""))
            if recognizer is None or metadata.get(_DONE_KEY):
                continue
            regex = self._context_regex(recognizer)
            before = max(0, result.start - self.chars_before)
            if regex is not None and (
                regex.search(text, before, result.start)
                or regex.search(text, result.end, result.end + self.chars_after)
            ):
                result.score = min(
                    max(
                        result.score + self.context_similarity_factor,
                        self.min_score_with_context_similarity,
                    ),
                    1.0,
                )
                metadata[_DONE_KEY] = True
        return raw_results

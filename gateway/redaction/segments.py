"""Which parts of a text can hold a name: only those go through spaCy's NER.

NER is most of the cost of an analysis (fr_core_news_sm on our 2-core
machine: about 2 ms per ``nlp.pipe`` call plus 30-55 µs per token), and most
sentences of a business text hold no name: "Suite à notre échange du 05/03,
je vous confirme la commande." The small French model tags names from their
capital letter, so a sentence whose capitalised words are all stop words,
document vocabulary or acronyms gives it nothing to find. Only the words
around a candidate go through NER, with enough context on each side that
its decision is the one it would take on the whole text; overlapping pieces
are merged. Candidates that a rule already found ("Mme Leroy", "12 rue
Lamartine") are redacted anyway and need no NER.

A word is a candidate when it:
- is a known first name, whatever else it is ("Pierre", "Rose");
- starts with a capital, has no digit, is not a stop word (spaCy's French
  and English lists), a title or a word of ``NOT_A_NAME``, is not an
  acronym of at most four capitals, not an elided article or pronoun before
  a lower-case word ("N'hésitez") and not a verb with an inverted pronoun
  ("Pourriez-vous").
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence

from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP_WORDS
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP_WORDS

from .gazetteer import FIRST_NAMES, NOT_A_NAME
from .recognizers.letters import UP

__all__ = ["CONTEXT_WORDS", "is_name_candidate", "name_spans"]

# Titles and salutations announce a name but are not one ("Mme", "Cher").
_TITLES = {"m", "mm", "mme", "mmes", "mlle", "mr", "mrs", "ms", "dr", "pr", "me", "maître"}
_TITLES |= {"docteur", "professeur", "cher", "chère", "chers", "chères"}
# Words kept on each side of a candidate. fr_core_news_sm's NER sees about
# four tokens either side of a word (a 4-layer CNN of window 1), so five
# words give it about the same view as the whole sentence (same recall on
# the three eval sets; see bench/README.md).
CONTEXT_WORDS = 5

_COMMON: frozenset[str] = (
    frozenset(_FR_STOP_WORDS | _EN_STOP_WORDS | NOT_A_NAME | _TITLES) - FIRST_NAMES
)
# A line break, or the space after a sentence's final punctuation, except
# after an initial or a title ("J. Dupont", "M. Dupont", "Mme. Leroy").
_BOUNDARY = re.compile(
    r"[ \t]*(?:\r?\n|\r)\s*"
    r"|(?<=[.!?…])(?<!\b[A-Z]\.)(?<!\b[A-Z][a-z]\.)(?<!\bMme\.)(?<!\bMlle\.)[ \t]+"
)
# A word starting with a capital letter (letters, hyphens, apostrophes).
_CAPITALISED = re.compile(rf"(?<![\w'’-])[{UP}][\w'’-]*")
_WORD = re.compile(r"\S+")
_ELISION = re.compile(r"(?:[cdjlmnst]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_INVERTED_PRONOUN = re.compile(
    r"-(?:t-)?(?:je|tu|il|elle|on|nous|vous|ils|elles|moi|toi|le|la|les|lui|leur|y|en)",
    re.IGNORECASE,
)


def is_name_candidate(word: str) -> bool:
    """True if the capitalised ``word`` may be (part of) a person's name."""
    lower = word.lower().rstrip("-'’")
    if lower in FIRST_NAMES:
        return True
    if any(c.isdigit() for c in word) or (word.isupper() and len(word) <= 4):
        return False
    elision = _ELISION.match(word)
    if elision:
        # "N'hésitez", "L'équipe", "D'après": an elided article or pronoun
        # before a lower-case word; names keep their capital ("N'Diaye").
        if word[elision.end() : elision.end() + 1].islower():
            return False
        lower = lower[elision.end() :]
    if not lower or lower in _COMMON:
        return False
    return not _INVERTED_PRONOUN.search(lower, 1)


class _Covered:
    """Is a span inside the union of some (start, end) spans? (binary search)"""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._spans = merged
        self._starts = [start for start, _ in merged]

    def __call__(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start) - 1
        return index >= 0 and self._spans[index][1] >= end


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for boundary in _BOUNDARY.finditer(text):
        if boundary.start() > start:
            spans.append((start, boundary.start()))
        start = boundary.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def name_spans(
    text: str,
    explained: Sequence[tuple[int, int]] = (),
    context_words: int | None = CONTEXT_WORDS,
) -> list[tuple[int, int]]:
    """(start, end) of the pieces of ``text`` that may hold a person's name.

    A piece is a candidate word with ``context_words`` words on each side,
    within its sentence (the whole sentence if None). Candidates inside an
    ``explained`` span (already found by a rule: "Mme Leroy", "12 rue
    Lamartine") need no NER. Overlapping or adjacent pieces are merged; a
    text without any candidate left gives ``[]``.
    """
    covered = _Covered(explained)
    kept: list[tuple[int, int]] = []
    for start, end in _sentences(text):
        words: list[tuple[int, int]] | None = None
        for match in _CAPITALISED.finditer(text, start, end):
            if not is_name_candidate(match.group()) or covered(*match.span()):
                continue
            if context_words is None:
                piece = (start, end)
            else:
                if words is None:
                    words = [m.span() for m in _WORD.finditer(text, start, end)]
                index = bisect.bisect_right(words, (match.start(), len(text))) - 1
                first = words[max(0, index - context_words)][0]
                last = words[min(len(words) - 1, index + context_words)][1]
                piece = (first, last)
            if kept and not text[kept[-1][1] : piece[0]].strip():
                kept[-1] = (kept[-1][0], max(kept[-1][1], piece[1]))
            else:
                kept.append(piece)
            if piece[1] == end:
                break
    return kept

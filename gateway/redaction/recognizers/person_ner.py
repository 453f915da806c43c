"""PERSON (and LOCATION) from spaCy's NER, its spans cut and filtered.

fr_core_news_sm tags salutations, hyphen fragments (« Rendez » in « Rendez-vous ») and
streets named after people (« rue Victor Hugo ») as entities, and runs some across a line
break or a table's cells: each span is split at such breaks, trimmed and kept only if it is
a plausible name (:func:`gateway.redaction.recognizers.person.is_plausible`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from presidio_analyzer import LocalRecognizer, RecognizerResult

from .person import is_plausible, trim_name

__all__ = ["FrNerRecognizer", "filter_ner_entities"]

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY


# What parts two things and never the words of one name: a line break, a table's
# cell separator, a spaced dash (« HOXHA Arben – Préparateur – 151,67 h »).
_PIECE_BREAK = re.compile(r"[\n;|\t]|[ \t][-–—][ \t]")


def _split_lines(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """spaCy entities sometimes run across a line break ("Tiago\nN"), table
    cells (« Jean Lain;Automobile;Chambéry ») or a row's dashes: split."""
    pieces, cursor = [], start
    for brk in _PIECE_BREAK.finditer(text, start, end):
        pieces.append((cursor, brk.start()))
        cursor = brk.end()
    pieces.append((cursor, end))
    return pieces


def filter_ner_entities(
    text: str, entities: Iterable[tuple[int, int, str]], with_location: bool
) -> list[tuple[str, int, int, float]]:
    """Turn NER (start, end, label) triples into filtered (type, start, end, score)."""
    found: list[tuple[str, int, int, float]] = []
    for ent_start, ent_end, label in entities:
        if label in ("PER", "PERSON"):
            entity_type, score = "PERSON", 0.8
        elif with_location and label in ("LOC", "GPE", "LOCATION"):
            entity_type, score = "LOCATION", 0.6
        else:
            continue
        for piece_start, piece_end in _split_lines(ent_start, ent_end, text):
            start, end = trim_name(text, piece_start, piece_end)
            if start < end and is_plausible(text, start, end, entity_type):
                found.append((entity_type, start, end, score))
    return found


def _ner_triples(nlp_artifacts: Any) -> list[tuple[int, int, str]]:
    """Entities in text offsets: ours carry them, Presidio's are spaCy spans."""
    if nlp_artifacts is None:
        return []
    spans = getattr(nlp_artifacts, "ner_spans", None)
    if spans is not None:
        return list(spans)
    return [(e.start_char, e.end_char, e.label_) for e in nlp_artifacts.entities]


class FrNerRecognizer(LocalRecognizer):
    """PERSON / LOCATION from the NLP engine's spaCy NER, with the filters above.

    Replaces Presidio's SpacyRecognizer, which keeps every PER span as is
    (salutations, "Rendez" of "Rendez-vous", "rue Victor Hugo").
    """

    name: str

    def __init__(self, entities: Iterable[str] = ("PERSON",), language: str = "fr") -> None:
        super().__init__(
            supported_entities=sorted(entities),
            name="FrNerRecognizer",
            supported_language=language,
        )

    def load(self) -> None:
        """Nothing to load: the NLP engine owns the spaCy pipeline."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """Filtered NER entities of ``text`` (computed by the NLP engine)."""
        with_location = "LOCATION" in entities and "LOCATION" in self.supported_entities
        metadata = {_NAME_KEY: self.name, _ID_KEY: self.id}
        return [
            RecognizerResult(kind, start, end, score, recognition_metadata=dict(metadata))
            for kind, start, end, score in filter_ner_entities(
                text, _ner_triples(nlp_artifacts), with_location
            )
            if kind in entities
        ]

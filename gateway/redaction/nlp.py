"""Loading the spaCy model (NER only) and running it over chunked texts."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from .errors import RedactionError

__all__ = ["chunk_text", "load_ner_pipeline", "run_ner"]

# Only tok2vec + ner are needed for entities; the parser, lemmatizer and
# morphologizer are most of fr_core_news_sm's cost (load and per call).
_KEEP = {"tok2vec", "ner"}
_EXCLUDE = ("parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter", "tagger")
_HAS_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def load_ner_pipeline(model: str) -> Any:
    """Load an installed spaCy package with only the NER components.

    Never downloads: a missing model raises :class:`RedactionError`.
    """
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - dependency is required
        raise RedactionError("spaCy is not installed") from exc
    try:
        probe = spacy.load(model, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise RedactionError(f"spaCy model {model!r} is not installed") from exc
    extra = [name for name in probe.pipe_names if name not in _KEEP]
    for name in extra:
        probe.remove_pipe(name)
    if "ner" not in probe.pipe_names:
        raise RedactionError(f"spaCy model {model!r} has no NER component")
    probe.max_length = 10**8  # we chunk ourselves; this only disables the guard
    return probe


def chunk_text(text: str, max_chars: int) -> Iterator[tuple[int, str]]:
    """Split ``text`` into (offset, chunk) pieces of at most ~``max_chars``.

    Cuts at a newline or space near the limit so that names are not split;
    chunks without any capital letter are skipped (no name to find there).
    """
    start, length = 0, len(text)
    while start < length:
        end = min(length, start + max_chars)
        if end < length:
            floor = start + max_chars // 2
            cut = max(text.rfind("\n", floor, end), text.rfind(" ", floor, end))
            if cut > start:
                end = cut + 1
        chunk = text[start:end]
        if _HAS_UPPER.search(chunk):
            yield start, chunk
        start = end


def run_ner(
    nlp: Any, jobs: Sequence[tuple[int, int, str]], batch_size: int = 32
) -> dict[int, list[tuple[int, int, str]]]:
    """Run ``nlp.pipe`` over (text_index, offset, chunk) jobs in one batch.

    Returns, per text index, entities as (start, end, label) in text offsets.
    """
    result: dict[int, list[tuple[int, int, str]]] = {}
    docs = nlp.pipe((chunk for _, _, chunk in jobs), batch_size=batch_size)
    for (index, offset, _), doc in zip(jobs, docs, strict=False):
        ents = result.setdefault(index, [])
        ents.extend((e.start_char + offset, e.end_char + offset, e.label_) for e in doc.ents)
    return result

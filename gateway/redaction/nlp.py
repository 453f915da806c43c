"""Presidio NLP engine over a NER-only spaCy pipeline, with batching and chunking.

Presidio's SpacyNlpEngine loads the whole fr_core_news_sm pipeline (tagger,
parser, lemmatizer...) and downloads the model when it is missing. Ours keeps
only ``ner`` (fr_core_news_sm's NER has its own embedding layer, so even the
shared ``tok2vec`` is dead weight), never downloads, splits long texts, and
only runs on the sentences that may hold a name (see ``segments.py``).
No lemmas are produced: context words are matched by our recognizers on the
raw text (see ``recognizers/base.py``) and Presidio's lemma enhancer is off.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine

from .errors import RedactionError
from .segments import name_spans

__all__ = ["ChunkedNlpArtifacts", "FrenchNerNlpEngine", "chunk_text", "load_ner_pipeline"]

_NOT_NEEDED = ("parser", "lemmatizer", "morphologizer", "attribute_ruler", "senter", "tagger")
_HAS_UPPER = re.compile(r"[A-ZÀ-ÖØ-Þ]")


def load_ner_pipeline(model: str) -> Any:
    """Load an installed spaCy package with only what its NER needs.

    Never downloads: a missing model raises :class:`RedactionError`.
    """
    import spacy

    try:
        nlp = spacy.load(model, exclude=list(_NOT_NEEDED))
    except OSError as exc:
        raise RedactionError(f"spaCy model {model!r} is not installed") from exc
    if "ner" not in nlp.pipe_names:
        raise RedactionError(f"spaCy model {model!r} has no NER component")
    for name in list(nlp.pipe_names):
        if name != "ner" and "ner" not in getattr(nlp.get_pipe(name), "listening_components", ()):
            nlp.remove_pipe(name)
    nlp.max_length = 10**8  # we chunk ourselves; this only disables the guard
    return nlp


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


class ChunkedNlpArtifacts(NlpArtifacts):
    """NlpArtifacts of a text whose chunks went through NER.

    ``ner_spans`` holds (start, end, spaCy label) in offsets of the whole
    text; ``entities`` and ``tokens`` are Presidio's usual spaCy objects
    (``tokens`` is the Doc when one piece starting the text went through
    NER, else None). No lemmas. ``rule_results`` holds the results of the
    rule recognizers that already ran on the text, by recognizer id (see
    ``recognizers.base.take_precomputed``).
    """

    def __init__(
        self,
        docs: Sequence[tuple[int, Any]],
        nlp_engine: Any,
        language: str,
        rule_results: dict[str, list[Any]] | None = None,
    ) -> None:
        tokens: Any = docs[0][1] if len(docs) == 1 and docs[0][0] == 0 else None
        super().__init__(
            entities=[ent for _, doc in docs for ent in doc.ents],
            tokens=tokens,
            tokens_indices=[offset + token.idx for offset, doc in docs for token in doc],
            lemmas=[],
            nlp_engine=nlp_engine,
            language=language,
        )
        self.ner_spans = [
            (offset + ent.start_char, offset + ent.end_char, ent.label_)
            for offset, doc in docs
            for ent in doc.ents
        ]
        self.rule_results = rule_results or {}


# A first pass of the rule recognizers over a text: their results by
# recognizer id, and the spans those results cover at or above threshold.
RulePass = Callable[[str], tuple[dict[str, list[Any]], list[tuple[int, int]]]]


class FrenchNerNlpEngine(SpacyNlpEngine):
    """SpacyNlpEngine for one language, NER only, batch- and chunk-aware.

    ``nlp`` may be an already loaded pipeline (shared between services);
    with ``with_ner=False`` nothing is loaded and artifacts are empty.
    With ``sentence_filter``, NER only sees the words around name
    candidates. ``rule_pass`` runs the rule recognizers first: candidates
    inside what they found need no NER, and their results travel in the
    artifacts so that the analyzer does not compute them again.
    """

    def __init__(
        self,
        model: str = "fr_core_news_sm",
        language: str = "fr",
        nlp: Any | None = None,
        with_ner: bool = True,
        chunk_chars: int = 20_000,
        batch_size: int = 32,
        sentence_filter: bool = True,
        rule_pass: RulePass | None = None,
    ) -> None:
        super().__init__(
            models=[{"lang_code": language, "model_name": model}],
            ner_model_configuration=NerModelConfiguration(
                model_to_presidio_entity_mapping={"PER": "PERSON", "LOC": "LOCATION"},
                labels_to_ignore=["ORG", "MISC"],
            ),
        )
        self.language = language
        self.chunk_chars = chunk_chars
        self.batch_size = batch_size
        self.sentence_filter = sentence_filter
        self.rule_pass = rule_pass
        self._with_ner = with_ner
        self._pipeline = nlp
        if nlp is not None or not with_ner:
            self.nlp = {language: nlp}  # type: ignore[assignment]

    def load(self) -> None:
        """Load the NER-only pipeline from the installed package (no download)."""
        self._pipeline = load_ner_pipeline(self.models[0]["model_name"])
        self.nlp = {self.language: self._pipeline}  # type: ignore[assignment]

    @property
    def pipeline(self) -> Any:
        """The spaCy pipeline (None when NER is not wanted)."""
        return self._pipeline

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """NER over one text (see :meth:`process_batch`)."""
        return next(iter(self.process_batch([text], language)))[1]

    def process_batch(  # type: ignore[override]
        self,
        texts: Iterable[str],
        language: str,
        batch_size: int | None = None,
        n_process: int = 1,
        **kwargs: Any,
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        """One ``nlp.pipe`` over the pieces of all ``texts`` that may hold a name."""
        texts = list(texts)
        passes = [self.rule_pass(text) if self.rule_pass else ({}, []) for text in texts]
        per_text: list[list[tuple[int, Any]]] = [[] for _ in texts]
        if self._with_ner and self._pipeline is not None:
            jobs = [
                (index, offset, chunk)
                for index, text in enumerate(texts)
                for offset, chunk in self._pieces(text, passes[index][1])
            ]
            if jobs:
                docs = self._pipeline.pipe(
                    (chunk for _, _, chunk in jobs), batch_size=batch_size or self.batch_size
                )
                for (index, offset, _), doc in zip(jobs, docs, strict=True):
                    per_text[index].append((offset, doc))
        for text, docs, (results, _) in zip(texts, per_text, passes, strict=True):
            yield text, ChunkedNlpArtifacts(docs, self, language, results)

    def _pieces(self, text: str, explained: list[tuple[int, int]]) -> Iterator[tuple[int, str]]:
        spans = name_spans(text, explained) if self.sentence_filter else [(0, len(text))]
        for start, end in spans:
            for offset, chunk in chunk_text(text[start:end], self.chunk_chars):
                yield start + offset, chunk

    def is_stopword(self, word: str, language: str) -> bool:
        """Stop-word lookup in the pipeline's vocabulary (False without one)."""
        return self._pipeline is not None and bool(self._pipeline.vocab[word].is_stop)

    def is_punct(self, word: str, language: str) -> bool:
        """Punctuation lookup in the pipeline's vocabulary (False without one)."""
        return self._pipeline is not None and bool(self._pipeline.vocab[word].is_punct)

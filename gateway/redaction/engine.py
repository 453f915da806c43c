"""RedactionService: Presidio's AnalyzerEngine, built once per process.

Pipeline for a batch of texts: cache lookup -> one ``nlp.pipe`` over the
pieces of every uncached text that may hold a name not already found by a
rule (:class:`FrenchNerNlpEngine.process_batch`)
-> ``AnalyzerEngine.analyze(text, nlp_artifacts=...)`` per text with our
recognizers -> overlap resolution and address merging -> cache.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult

from gateway.text.normalize import Normalized, normalize

from .batching import MicroBatcher
from .cache import FindingsCache, text_key
from .config import RedactionConfig
from .context import WindowContextEnhancer
from .errors import RedactionError
from .filters import drop_false_persons
from .findings import Finding, resolve_overlaps
from .name_echo import with_echoes
from .nlp import FrenchNerNlpEngine, RulePass
from .pseudonymizer import Pseudonymizer, RedactionResult
from .recognizers import (
    LANGUAGE,
    PersonContextRecognizer,
    PersonRuleRecognizer,
    RuleRecognizer,
    build_registry,
)
from .text import sanitize

__all__ = ["RedactionService"]

# Longest text whose cache digest is computed on the event loop (tens of µs at most).
_LOOP_DIGEST_MAX = 8_192

_ADDRESS_GAP = re.compile(r"[ \t]*[,\-–]?[ \t]*\n?[ \t]*")


def _merge_addresses(findings: list[Finding], text: str) -> list[Finding]:
    """Join a street line and its "postcode city" into one ADDRESS value."""
    merged: list[Finding] = []
    for finding in findings:
        last = merged[-1] if merged else None
        if (
            last is not None
            and last.entity_type == finding.entity_type == "ADDRESS"
            and _ADDRESS_GAP.fullmatch(text, last.end, finding.start)
        ):
            merged[-1] = Finding(
                "ADDRESS", last.start, finding.end, max(last.score, finding.score), "address"
            )
        else:
            merged.append(finding)
    return merged


def _union_persons(findings: list[Finding]) -> list[Finding]:
    """Merge overlapping PERSON findings, then overlapping ADDRESS ones, into their union.

    NER may return "Tiago" where a rule returned "ROUSSEAU Tiago": keeping
    only one of them would leak the other half of the name. Likewise the
    street rule's « 4 lotissement Les Chênes » and the town rule's « Les
    Chênes, 56000 Vannes »: keeping the longer would leak the postcode.
    """
    for entity_type in ("PERSON", "ADDRESS"):
        findings = _union(findings, entity_type)
    return findings


def _union(findings: list[Finding], entity_type: str) -> list[Finding]:
    spans = sorted(
        (f for f in findings if f.entity_type == entity_type),
        key=lambda f: (f.start, f.end, f.recognizer),
    )
    merged: list[Finding] = []
    for f in spans:
        last = merged[-1] if merged else None
        if last is not None and f.start < last.end:
            merged[-1] = Finding(
                entity_type,
                last.start,
                max(last.end, f.end),
                max(last.score, f.score),
                last.recognizer,
            )
        else:
            merged.append(f)
    return [f for f in findings if f.entity_type != entity_type] + merged


def _build_analyzer(config: RedactionConfig, nlp_engine: FrenchNerNlpEngine) -> AnalyzerEngine:
    """Presidio's AnalyzerEngine over our registry and NER-only NLP engine."""
    registry = build_registry(config.entities, config.recognizers)
    for recognizer in registry.recognizers:
        own = {
            e: config.thresholds[e] for e in recognizer.supported_entities if e in config.thresholds
        }
        if own:
            recognizer.score_thresholds = {**recognizer.score_thresholds, **own}
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=nlp_engine,
        supported_languages=[LANGUAGE],
        default_score_threshold=config.default_threshold,
        context_aware_enhancer=WindowContextEnhancer(),
    )


def _rule_pass(analyzer: AnalyzerEngine, config: RedactionConfig) -> RulePass | None:
    """Run our rule recognizers before NER (see :class:`FrenchNerNlpEngine`).

    A capitalised word inside what they found is redacted whatever NER
    says ("Mme Leroy", "Bonjour Aurélie,", "Sandrine CISSÉ", "12 rue
    Lamartine"), so NER need not look at it; only results that pass their
    threshold count (context can only raise a score).
    """
    rules = [
        r
        for r in analyzer.registry.recognizers
        if isinstance(r, RuleRecognizer | PersonRuleRecognizer | PersonContextRecognizer)
    ]
    if not rules:
        return None

    def run(text: str) -> tuple[dict[str, list[Any]], list[tuple[int, int]]]:
        results = {rule.id: rule.analyze(text, rule.supported_entities) for rule in rules}
        explained = [
            (result.start, result.end)
            for found in results.values()
            for result in found
            if result.score >= config.threshold(result.entity_type)
        ]
        return results, explained

    return run


def _to_original(norm: Normalized, finding: Finding) -> Finding:
    """The finding in offsets of the text as written (see ``gateway.text.normalize``)."""
    if not norm.changed:
        return finding
    start, end = norm.span(finding.start, finding.end)
    return Finding(finding.entity_type, start, end, finding.score, finding.recognizer)


def _to_finding(result: RecognizerResult) -> Finding:
    name = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY, "")
    return Finding(result.entity_type, result.start, result.end, result.score, name)


class RedactionService:
    """Detects personal data in texts; thread-safe, with cache and micro-batching.

    Building it loads spaCy's NER (about 0.3-1 s, never a download): create
    one instance per process and share it. ``nlp`` may be a spaCy pipeline
    already loaded (shared by several services). Every failure surfaces as
    :class:`RedactionError`.
    """

    def __init__(self, config: RedactionConfig | None = None, nlp: Any | None = None) -> None:
        started = time.perf_counter()
        self.config = config or RedactionConfig()
        try:
            self._nlp_engine = FrenchNerNlpEngine(
                self.config.spacy_model,
                LANGUAGE,
                nlp=nlp,
                with_ner=bool({"PERSON", "LOCATION"} & self.config.entities),
                chunk_chars=self.config.ner_chunk_chars,
                sentence_filter=self.config.ner_sentence_filter,
            )
            self.analyzer = _build_analyzer(self.config, self._nlp_engine)
            self._nlp_engine.rule_pass = _rule_pass(self.analyzer, self.config)
        except RedactionError:
            raise
        except Exception as exc:
            raise RedactionError(f"cannot initialise redaction: {type(exc).__name__}") from exc
        self._nlp = self._nlp_engine.pipeline
        self._nlp_lock = threading.Lock()  # spaCy pipelines are not re-entrant
        self._cache = FindingsCache(self.config.cache_size)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redaction")
        self._batcher = MicroBatcher(
            self.analyze_batch, self._executor, max_texts=self.config.max_batch_texts
        )
        self.load_seconds = time.perf_counter() - started

    @property
    def registry(self) -> RecognizerRegistry:
        """The Presidio recognizer registry the analyzer runs."""
        return self.analyzer.registry

    @property
    def cache(self) -> FindingsCache:
        """The findings cache (exposes ``hits``/``misses`` for metrics)."""
        return self._cache

    def analyze(self, text: str) -> list[Finding]:
        """Analyze one text; see :meth:`analyze_batch`."""
        return self.analyze_batch([text])[0]

    def analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Analyze several texts at once (one ``nlp.pipe`` call for all of them).

        Returns, for each text, non-overlapping findings sorted by offset.
        Offsets are valid for the texts as given (lone surrogates included).
        """
        try:
            return self._analyze_batch(texts)
        except RedactionError:
            raise
        except Exception as exc:
            raise RedactionError(f"analysis failed: {type(exc).__name__}") from exc

    def _analyze_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        keys = [text_key(t) if isinstance(t, str) else b"" for t in texts]
        results: dict[bytes, tuple[Finding, ...]] = {}
        todo: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=False):
            if not isinstance(text, str):
                raise RedactionError("texts must be str")
            if key in results or key in todo:
                continue
            cached = self._cache.get(key)
            if cached is not None:
                results[key] = cached
            else:
                todo[key] = text
        if todo:
            fresh = self._analyze_uncached(list(todo.values()))
            for key, findings in zip(todo, fresh, strict=False):
                self._cache.put(key, findings)
                results[key] = findings
        return [list(results[key]) for key in keys]

    def _analyze_uncached(self, texts: list[str]) -> list[tuple[Finding, ...]]:
        # The recognizers read the normalized text (zero-width spaces gone,
        # full-width digits ASCII, look-alike letters Latin); findings are
        # mapped back to the text as written.
        normalized = [normalize(sanitize(t)) for t in texts]
        clean = [n.text for n in normalized]
        with self._nlp_lock:  # spaCy pipelines are not re-entrant
            artifacts = [a for _, a in self._nlp_engine.process_batch(clean, LANGUAGE)]
        out: list[tuple[Finding, ...]] = []
        for norm, text, nlp_artifacts in zip(normalized, clean, artifacts, strict=True):
            # entities=None: every registered recognizer (the registry only
            # holds wanted ones), in registry order, so ties resolve the same
            # way in every process.
            results = self.analyzer.analyze(text, LANGUAGE, nlp_artifacts=nlp_artifacts)
            findings = drop_false_persons(text, [_to_finding(r) for r in results])
            findings = with_echoes(text, findings)
            findings = _merge_addresses(resolve_overlaps(_union_persons(findings)), text)
            out.append(tuple(_to_original(norm, f) for f in findings))
        return out

    async def analyze_batch_async(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Async :meth:`analyze_batch`: the analysis runs off the event loop.

        Texts already analyzed are answered from the cache right here, on the loop (a
        digest and a dictionary look-up: microseconds); only the others go to the
        analysis thread, together with those of concurrent callers (``MicroBatcher``).
        """
        keys: list[bytes] = []
        for text in texts:
            if not isinstance(text, str):
                raise RedactionError("texts must be str")
            if len(text) > _LOOP_DIGEST_MAX:
                # Hashing megabytes would hold the loop for milliseconds: the thread does it.
                return await self._batcher.submit(list(texts))
            keys.append(text_key(text))
        found: dict[bytes, tuple[Finding, ...]] = {}
        todo: dict[bytes, str] = {}
        for key, text in zip(keys, texts, strict=True):
            if key in found or key in todo:
                continue
            cached = self._cache.get(key)
            if cached is None:
                todo[key] = text
            else:
                found[key] = cached
        if todo:
            # analyze_batch puts what it finds in the cache, in the analysis thread.
            fresh = await self._batcher.submit(list(todo.values()))
            for key, findings in zip(todo, fresh, strict=True):
                found[key] = tuple(findings)
        return [list(found[key]) for key in keys]

    def redact(self, texts: Sequence[str], pseudonymizer: Pseudonymizer) -> RedactionResult:
        """Analyze ``texts`` and replace findings through ``pseudonymizer``."""
        return pseudonymizer.redact_many(texts, self.analyze_batch(texts))

    async def redact_async(
        self, texts: Sequence[str], pseudonymizer: Pseudonymizer
    ) -> RedactionResult:
        """Async :meth:`redact` (analysis micro-batched off the event loop)."""
        findings = await self.analyze_batch_async(texts)
        return pseudonymizer.redact_many(texts, findings)

    def close(self) -> None:
        """Stop the worker thread (pending async calls fail with RedactionError)."""
        self._executor.shutdown(wait=False, cancel_futures=True)

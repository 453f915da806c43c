"""Compare vanilla Presidio with gateway.redaction on the French eval set.

Usage: python bench/redaction_eval.py [--data bench/data/fr_eval.jsonl]

Prints recall per entity type (a labelled span counts as found only if
findings of an accepted type cover all its letters and digits), the share of
harmless values destroyed (any finding overlapping them), per-prompt latency
(median / p99, all texts and ~200-character prompts) and engine load time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

# presidio's EmailRecognizer -> tldextract would download the suffix list.
os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

Span = tuple[str, int, int]  # (type, start, end)
ACCEPT: dict[str, set[str]] = {
    "ADDRESS": {"ADDRESS", "LOCATION"},
    "PHONE_NUMBER": {"PHONE_NUMBER"},
}


def load(path: Path) -> list[dict[str, object]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def covered(
    text: str, start: int, end: int, findings: Sequence[Span], types: set[str] | None
) -> bool:
    """True if every alphanumeric char of text[start:end] is inside an accepted finding."""
    mask = [False] * (end - start)
    for kind, fs, fe in findings:
        if types is not None and kind not in types:
            continue
        for i in range(max(fs, start), min(fe, end)):
            mask[i - start] = True
    return all(m or not text[start + i].isalnum() for i, m in enumerate(mask))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def evaluate(
    name: str,
    analyze: Callable[[str], list[Span]],
    rows: list[dict[str, object]],
    first_names: frozenset[str],
) -> dict[str, object]:
    """Run ``analyze`` on every row, timing each call, and score it."""
    hits: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # found, found any type, total
    person_split: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    harmless = [0, 0]
    times, short_times = [], []
    for row in rows:
        text = str(row["text"])
        start_t = time.perf_counter()
        findings = analyze(text)
        elapsed = (time.perf_counter() - start_t) * 1000
        times.append(elapsed)
        if 150 <= len(text) <= 250:
            short_times.append(elapsed)
        for span in row["spans"]:  # type: ignore[attr-defined]
            label, s, e = span["label"], span["start"], span["end"]
            ok = covered(text, s, e, findings, ACCEPT.get(label, {label}))
            hits[label][0] += ok
            hits[label][1] += covered(text, s, e, findings, None)
            hits[label][2] += 1
            if label == "PERSON":
                first = text[s:e].split()[0].lower()
                group = "first name in gazetteer" if first in first_names else "other names"
                person_split[group][0] += ok
                person_split[group][1] += 1
        for span in row["harmless"]:  # type: ignore[attr-defined]
            s, e = span["start"], span["end"]
            harmless[1] += 1
            harmless[0] += any(fs < e and fe > s for _, fs, fe in findings)
    return {
        "name": name,
        "hits": dict(hits),
        "person_split": dict(person_split),
        "harmless": harmless,
        "times": times,
        "short_times": short_times,
    }


def vanilla_engine() -> Callable[[str], list[Span]]:
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "fr", "model_name": "fr_core_news_sm"}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["fr"])

    def analyze(text: str) -> list[Span]:
        return [
            (r.entity_type, r.start, r.end)
            for r in engine.analyze(text, language="fr", score_threshold=0.5)
        ]

    return analyze


def our_engine() -> tuple[Callable[[str], list[Span]], object]:
    from gateway.redaction import RedactionConfig, RedactionService

    service = RedactionService(RedactionConfig(cache_size=0))  # no cache: time real work

    def analyze(text: str) -> list[Span]:
        return [(f.entity_type, f.start, f.end) for f in service.analyze(text)]

    return analyze, service


def report(results: list[dict[str, object]], loads: dict[str, float]) -> None:
    labels = sorted({k for r in results for k in r["hits"]})  # type: ignore[union-attr]
    print(f"\n{'entity (n)':<22}" + "".join(f"{r['name']:>26}" for r in results))
    print(" " * 22 + "".join(f"{'recall / any-type':>26}" for _ in results))
    for label in labels:
        n = results[0]["hits"][label][2]  # type: ignore[index]
        cells = []
        for r in results:
            found, anytype, total = r["hits"][label]  # type: ignore[index]
            cells.append(f"{found / total:>17.3f} / {anytype / total:.3f}")
        print(f"{label + f' ({n})':<22}" + "".join(f"{c:>26}" for c in cells))
    for r in results:
        split = r["person_split"]
        parts = ", ".join(f"{k}: {v[0] / v[1]:.3f} (n={v[1]})" for k, v in sorted(split.items()))  # type: ignore[union-attr]
        print(f"PERSON recall by first name [{r['name']}]: {parts}")
    print()
    for r in results:
        destroyed, total = r["harmless"]  # type: ignore[misc]
        times, short = r["times"], r["short_times"]
        print(
            f"[{r['name']}] harmless destroyed: {destroyed}/{total} = {destroyed / total:.2%}; "
            f"time/prompt median {statistics.median(times):.2f} ms, "  # type: ignore[arg-type]
            f"p99 {percentile(times, 0.99):.2f} ms; "  # type: ignore[arg-type]
            f"~200-char prompts (n={len(short)}) median {statistics.median(short):.2f} ms, "  # type: ignore[arg-type]
            f"p99 {percentile(short, 0.99):.2f} ms; load {loads[str(r['name'])]:.2f} s"
        )  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data" / "fr_eval.jsonl")
    args = parser.parse_args()
    rows = load(args.data)
    print(
        f"{len(rows)} texts, {sum(len(r['spans']) for r in rows)} labelled spans, "  # type: ignore[arg-type]
        f"{sum(len(r['harmless']) for r in rows)} harmless values"
    )  # type: ignore[arg-type]
    started = time.perf_counter()
    import presidio_analyzer  # noqa: F401
    import spacy  # noqa: F401

    print(
        f"import spacy + presidio: {time.perf_counter() - started:.2f} s "
        "(shared, not in load times)"
    )
    loads: dict[str, float] = {}
    started = time.perf_counter()
    vanilla = vanilla_engine()
    loads["vanilla presidio"] = time.perf_counter() - started
    started = time.perf_counter()
    ours, service = our_engine()
    loads["gateway.redaction"] = time.perf_counter() - started
    from gateway.redaction.gazetteer import FIRST_NAMES

    analyzer = service.analyzer  # type: ignore[attr-defined]
    print(
        f"[gateway.redaction] runs on presidio-analyzer's "
        f"{type(analyzer).__module__}.{type(analyzer).__name__} with "
        f"{type(analyzer.nlp_engine).__name__} (spaCy pipes: "
        f"{analyzer.nlp_engine.pipeline.pipe_names}) and recognizers: "
        + ", ".join(r.name for r in analyzer.registry.recognizers)
    )

    for analyze in (vanilla, ours):  # warm-up (first call allocates)
        analyze(str(rows[0]["text"]))
    results = [
        evaluate("vanilla presidio", vanilla, rows, FIRST_NAMES),
        evaluate("gateway.redaction", ours, rows, FIRST_NAMES),
    ]
    report(results, loads)
    texts = [str(r["text"]) for r in rows]
    started = time.perf_counter()
    service.analyze_batch(texts)  # type: ignore[attr-defined]
    batched = (time.perf_counter() - started) * 1000 / len(texts)
    print(f"[gateway.redaction] batched analyze_batch over all texts: {batched:.2f} ms/text")


if __name__ == "__main__":
    main()

"""Finding type and value-free summaries of what was detected."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Finding", "format_summary_header", "resolve_overlaps", "summarize_findings"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected entity: ``text[start:end]`` is of type ``entity_type``.

    Offsets are Python ``str`` indices into the analysed text. ``recognizer``
    names the rule that fired (useful for debugging; never a value).
    """

    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str = ""

    @property
    def length(self) -> int:
        """Number of characters covered."""
        return self.end - self.start


def resolve_overlaps(findings: Iterable[Finding]) -> list[Finding]:
    """Keep a non-overlapping subset, preferring higher score, then longer spans.

    Sorted by start offset. Greedy selection is enough here because the
    recognizers give checksum-validated identifiers the highest scores.
    The kept spans are disjoint and sorted, so each candidate is checked
    against its two neighbours only: O(n log n), not O(n²) (a text at the
    body limit can hold tens of thousands of findings).
    """
    # Type and recognizer break ties so the result never depends on the order
    # the recognizers ran in (Presidio's registry returns them as a set).
    ranked = sorted(
        findings, key=lambda f: (-f.score, -f.length, f.start, f.entity_type, f.recognizer)
    )
    kept: list[Finding] = []
    keys: list[tuple[int, int]] = []  # (start, end) of ``kept``, same order
    for candidate in ranked:
        index = bisect.bisect_right(keys, (candidate.start, candidate.end))
        if index > 0 and kept[index - 1].end > candidate.start:
            continue
        if index < len(kept) and kept[index].start < candidate.end:
            continue
        kept.insert(index, candidate)
        keys.insert(index, (candidate.start, candidate.end))
    return kept


def summarize_findings(findings: Iterable[Finding]) -> dict[str, int]:
    """Count findings per entity type (values are never included)."""
    return dict(Counter(f.entity_type for f in findings))


def format_summary_header(summary: Mapping[str, int]) -> str:
    """Format a summary as ``PERSON=2,EMAIL_ADDRESS=1`` (count desc, then name).

    Suitable for a response header; empty string when nothing was found.
    """
    items = sorted(summary.items(), key=lambda kv: (-kv[1], kv[0]))
    return ",".join(f"{name}={count}" for name, count in items if count > 0)

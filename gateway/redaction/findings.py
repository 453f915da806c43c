"""Finding type and value-free summaries of what was detected."""

from __future__ import annotations

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
    """
    # Type and recognizer break ties so the result never depends on the order
    # the recognizers ran in (Presidio's registry returns them as a set).
    ranked = sorted(
        findings, key=lambda f: (-f.score, -f.length, f.start, f.entity_type, f.recognizer)
    )
    kept: list[Finding] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    kept.sort(key=lambda f: (f.start, f.end))
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

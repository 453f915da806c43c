"""Overlap resolution: the fast version keeps what the obvious one keeps."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.redaction.findings import Finding, resolve_overlaps


def _naive(findings: list[Finding]) -> list[Finding]:
    ranked = sorted(
        findings, key=lambda f: (-f.score, -f.length, f.start, f.entity_type, f.recognizer)
    )
    kept: list[Finding] = []
    for candidate in ranked:
        if all(candidate.end <= k.start or candidate.start >= k.end for k in kept):
            kept.append(candidate)
    return sorted(kept, key=lambda f: (f.start, f.end))


_finding = st.builds(
    lambda start, length, score, kind: Finding(kind, start, start + length, score, "r"),
    st.integers(0, 60),
    st.integers(0, 12),
    st.sampled_from([0.5, 0.6, 0.85, 1.0]),
    st.sampled_from(["PERSON", "ADDRESS", "FR_SIREN"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_finding, max_size=30))
def test_same_result_as_pairwise_checks(findings: list[Finding]) -> None:
    assert resolve_overlaps(findings) == _naive(findings)


def test_many_findings_are_resolved_quickly() -> None:
    findings = [Finding("PERSON", i * 10, i * 10 + 5, 0.8) for i in range(50_000)]
    findings += [Finding("ADDRESS", i * 10 + 3, i * 10 + 8, 0.9) for i in range(50_000)]
    kept = resolve_overlaps(findings)  # the pairwise version takes minutes here
    assert len(kept) == 50_000 and all(f.entity_type == "ADDRESS" for f in kept)

"""The personal-data scan of a request's view, for the guard (:mod:`gateway.proxy.guard`).

Each field is scanned on its own; what runs across the seam between two fields read in a
row (:mod:`gateway.proxy.fields.seams`) is scanned through a window on each side; values
found in provider identifiers and sealed fields (which go back byte for byte) count only
for what a policy blocks. A scan that fails refuses the request (fails closed).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence

from gateway.errors import RedactionUnavailableError
from gateway.policies import Decision
from gateway.proxy.fields import RequestView
from gateway.proxy.fields.base import OpaqueField
from gateway.proxy.fields.seams import Seam, across
from gateway.redaction import Finding
from gateway.state import GuardServices

logger = logging.getLogger(__name__)


async def _analyze(services: GuardServices, texts: Sequence[str]) -> list[list[Finding]]:
    assert services.scanner is not None
    try:
        return await services.scanner.analyze_batch_async(texts)
    except Exception as exc:
        logger.error("personal-data scan failed, request refused: %s", type(exc).__name__)
        raise RedactionUnavailableError(
            "L'analyse des données personnelles a échoué : la requête n'a pas été envoyée. "
            "Réessayez ; si cela persiste, prévenez le service informatique."
        ) from exc


async def scan(services: GuardServices, view: RequestView) -> list[list[Finding]]:
    """Personal data in each field; fails closed when the scan itself fails."""
    if services.scanner is None or not view.fields:
        return [[] for _ in view.fields]
    return await _analyze(services, [f.text for f in view.fields])


async def scan_seams(
    services: GuardServices, view: RequestView, joined: list[Seam],
    findings: list[list[Finding]],
) -> Counter[str]:
    """Add to ``findings`` what runs across a seam (:mod:`gateway.proxy.fields.seams`),
    one finding on each side; only seams with digits on both sides are scanned. Returns
    the second halves by type: one value, counted once."""
    halves: Counter[str] = Counter()
    windows = [seam for seam in joined if seam.has_digits]
    if services.scanner is None or not windows:
        return halves
    found = await _analyze(services, [seam.text for seam in windows])
    for seam, in_window in zip(windows, found, strict=True):
        for index, finding in across(seam, view.fields, in_window):
            findings[index].append(finding)
            halves[finding.entity_type] += index == seam.right
    return halves


def set_aside_opaque(view: RequestView, findings: list[list[Finding]]) -> dict[
        int, list[Finding]]:
    """Take out what was found in identifiers and sealed values (``OpaqueField``): they go
    back byte for byte, so only what a policy blocks in them counts."""
    aside = {index: found for index, found in enumerate(findings)
             if found and isinstance(view.fields[index], OpaqueField)}
    for index in aside:
        findings[index] = []
    return aside


def blocked_in_ids(
    decision: Decision, aside: dict[int, list[Finding]], findings: list[list[Finding]],
) -> bool:
    """Put back the findings set aside whose type the decision blocks; whether any was."""
    back = False
    for index, found in aside.items():
        findings[index] = [f for f in found if decision.redaction_for(f.entity_type) == "block"]
        back = back or bool(findings[index])
    return back

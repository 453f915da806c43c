"""Shared fixtures: the spaCy-backed service is loaded once per session."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from gateway.redaction import RedactionService


@pytest.fixture(scope="session")
def service() -> Iterator[RedactionService]:
    """One RedactionService for the whole run (loading spaCy is expensive)."""
    svc = RedactionService()
    yield svc
    svc.close()


Found = Callable[[str, str], list[str]]


@pytest.fixture(scope="session")
def found(service: RedactionService) -> Found:
    """``found(text, entity_type)`` -> detected values of that type."""

    def _found(text: str, entity_type: str) -> list[str]:
        return [
            text[f.start : f.end] for f in service.analyze(text) if f.entity_type == entity_type
        ]

    return _found

"""French-first personal-data redaction with reversible pseudonymization.

The analysis runs on presidio-analyzer's ``AnalyzerEngine`` with our French
recognizers and a NER-only spaCy pipeline (see ``engine.py``).

Typical use (one service per process, one pseudonymizer per request)::

    service = RedactionService(RedactionConfig())
    pseudo = Pseudonymizer(service.config)
    result = await service.redact_async(texts, pseudo)
    if result.blocked: ...refuse...
    restorer = pseudo.streaming_restorer()
    for delta in stream: emit(restorer.feed(delta))
    emit(restorer.flush())
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .config import ALL_ENTITIES, DEFAULT_ENTITIES, Action, RedactionConfig
from .errors import RedactionError
from .findings import Finding, format_summary_header, summarize_findings
from .pseudonymizer import Pseudonymizer, RedactionResult
from .streaming import PlaceholderRestorer, StreamingRestorer

if TYPE_CHECKING:
    from .engine import RedactionService

__all__ = [
    "ALL_ENTITIES",
    "DEFAULT_ENTITIES",
    "Action",
    "Finding",
    "PlaceholderRestorer",
    "Pseudonymizer",
    "RedactionConfig",
    "RedactionError",
    "RedactionResult",
    "RedactionService",
    "StreamingRestorer",
    "format_summary_header",
    "summarize_findings",
]


def __getattr__(name: str) -> Any:
    # Importing presidio-analyzer pulls in spaCy (about a second): only the
    # code that builds the service pays for it, not every importer of Finding.
    if name == "RedactionService":
        from .engine import RedactionService

        return RedactionService
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

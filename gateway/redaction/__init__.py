"""French-first personal-data redaction with reversible pseudonymization.

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

from .config import ALL_ENTITIES, DEFAULT_ENTITIES, Action, RedactionConfig
from .engine import RedactionService
from .errors import RedactionError
from .findings import Finding, format_summary_header, summarize_findings
from .pseudonymizer import Pseudonymizer, RedactionResult
from .streaming import PlaceholderRestorer, StreamingRestorer

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

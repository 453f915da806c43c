"""The request's context as it goes through the pipeline, and how a forwarded one ended.

The pipeline owns it: each step fills what it learns (the model, the decision, the prompt as
the provider sees it), and :mod:`gateway.proxy.record` turns it into the interaction record.
The audit layer never sees an :class:`Exchange`, only the rows written of it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from gateway.audit.content_crypto import ContentVault
from gateway.audit.models import COMPLETE
from gateway.catalogue import ModelEntry
from gateway.limits.enforcer import Charges
from gateway.principal import Principal


def new_interaction_id() -> str:
    """A random (version 4) UUID in its canonical form, from the same 16 bytes of
    ``os.urandom`` as :func:`uuid.uuid4`, without building a :class:`uuid.UUID` (its
    integer checks and formatting cost 2-3 times as much, once per request)."""
    raw = bytearray(os.urandom(16))
    raw[6] = raw[6] & 0x0F | 0x40  # version 4
    raw[8] = raw[8] & 0x3F | 0x80  # RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@dataclass(slots=True)
class Exchange:
    """Everything known about one request as it goes through the pipeline."""

    id: str
    principal: Principal
    tool: str
    endpoint: str
    # The User-Agent as received (refusals quote it; never recorded beyond ``tool``).
    client: str = ""
    started: float = field(default_factory=time.perf_counter)
    model: str | None = None
    entry: ModelEntry | None = None
    stream: bool = False
    decision: str = "allowed"
    rule_ids: list[str] = field(default_factory=list)
    policy_version: str | None = None
    pii_findings: dict[str, int] = field(default_factory=dict)
    # What was replaced before forwarding (the X-Gateway-Redactions header).
    redactions: dict[str, int] = field(default_factory=dict)
    # The prompt as the provider sees it (or would have), once known; never raw values.
    prompt: str | None = None
    # The policy's log_content: "none" keeps metadata only.
    store_content: bool = True
    # log_content "full-encrypted": the sealed raw prompt, and what seals the answer.
    vault: ContentVault | None = None
    # Budget counters to charge with this request's tokens and cost once it completes.
    charges: Charges | None = None
    # The request body as read, before redaction rewrites it (a held request's fingerprint).
    request: dict[str, Any] | None = None
    # Keyed digest of a held request, so an approval lets the same request through once.
    fingerprint: str | None = None
    # Where its record stands (gateway.proxy.record): committed, and final.
    begun: bool = False
    finished: bool = False

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)


@dataclass(slots=True)
class Outcome:
    """How a forwarded request ended."""

    status_code: int
    response: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    upstream_latency_ms: float | None = None
    error: str | None = None
    state: str = COMPLETE


def tool_call_line(name: Any, arguments: Any) -> str:
    """A tool call as an answer's record shows it."""
    return f"[tool_call] {name} {arguments}"


def recorded_answer(texts: Iterable[str], calls: Iterable[str]) -> str:
    """An answer as :attr:`Outcome.response` records it: its text, then one line per
    call (:func:`tool_call_line`)."""
    text, lines = "".join(texts), list(calls)
    return "\n".join([text, *lines]) if lines else text

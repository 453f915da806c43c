"""Turning a request's life into its interaction record.

The pipeline holds one :class:`Exchange` per request. ``begin`` commits the record before
anything is forwarded (and raises ``AuditUnavailableError`` if it cannot); ``finish``
completes it through the writer's group commit; ``record_failure`` writes the record of a
request that never reached a provider.
"""

from __future__ import annotations

import logging
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

from gateway.audit.content_crypto import ContentVault
from gateway.audit.models import COMPLETE, PENDING
from gateway.audit.refusal import RecordRefused
from gateway.audit.writer import AuditWriter
from gateway.catalogue import ModelEntry
from gateway.db.base import utcnow
from gateway.errors import AuditUnavailableError, GatewayError, PermissionDeniedError
from gateway.limits.enforcer import Charges
from gateway.principal import Principal

logger = logging.getLogger(__name__)


def new_interaction_id() -> str:
    return str(uuid.uuid4())


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
    begun: bool = False
    finished: bool = False

    def elapsed_ms(self) -> float:
        return round((time.perf_counter() - self.started) * 1000, 3)

    def base_row(self) -> dict[str, Any]:
        entry = self.entry
        # Every row carries the same keys, sealed content or not (see the writer's inserts).
        sealed = self.vault.prompt_columns if self.vault is not None else {}
        return {
            "prompt_encrypted": sealed.get("prompt_encrypted"),
            "content_key_id": sealed.get("content_key_id"),
            "id": self.id,
            "created_at": utcnow(),
            "key_id": self.principal.key_id,
            "user_email": self.principal.user,
            "department": self.principal.department,
            "role": self.principal.role,
            "tool": self.tool,
            "endpoint": self.endpoint,
            "model": self.model,
            "provider": entry.provider if entry else None,
            "upstream_model": entry.target_model if entry else None,
            "decision": self.decision,
            "rule_ids": list(self.rule_ids),
            "policy_version": self.policy_version,
            "pii_findings": dict(self.pii_findings),
            "stream": self.stream,
            "request_fingerprint": self.fingerprint,
        }


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


class Recorder:
    """Writes and completes interaction records through the audit writer."""

    def __init__(self, writer: AuditWriter) -> None:
        self._writer = writer
        # The process writing (gateway.audit.liveness), set at start: a pending record whose
        # process is gone is marked interrupted at once.
        self.boot_id: str | None = None

    async def begin(self, exchange: Exchange) -> None:
        """Commit the record of a request about to be forwarded; 503 if the log refuses it."""
        row = exchange.base_row()
        row.update(state=PENDING, prompt=exchange.prompt if exchange.store_content else None,
                   boot_id=self.boot_id)
        try:
            await self._writer.insert(row)
        except Exception as exc:
            # Refused values: the record was kept in its minimal form, already final (the 503).
            exchange.finished = isinstance(exc, RecordRefused)
            logger.error("interaction %s not recorded, request refused: %s", exchange.id, exc)
            raise AuditUnavailableError(
                "Le journal des interactions est indisponible : la requête n'a pas été "
                "transmise. Réessayez dans un instant."
            ) from exc
        exchange.begun = True

    def finish(self, exchange: Exchange, outcome: Outcome) -> dict[str, Any]:
        """Complete a begun record; returns the values written (for metrics)."""
        exchange.finished = True
        entry = exchange.entry
        values: dict[str, Any] = {
            "state": outcome.state,
            "completed_at": utcnow(),
            "status_code": outcome.status_code,
            "response": outcome.response if exchange.store_content else None,
            "prompt_tokens": outcome.prompt_tokens,
            "completion_tokens": outcome.completion_tokens,
            "cost": entry.cost(outcome.prompt_tokens, outcome.completion_tokens) if entry else None,
            "latency_ms": exchange.elapsed_ms(),
            "upstream_latency_ms": outcome.upstream_latency_ms,
            "error": outcome.error,
            # Written whole, so the completion states the outcome even over a crash sweep's
            # mark that came first (and its end seal covers what the row then holds).
            "decision": exchange.decision,
        }
        if outcome.error and exchange.decision in ("allowed", "redacted"):
            # A 403 after forwarding is an answer the policies refused (an identifier the
            # model wrote on its own): blocked, not a failure.
            values["decision"] = "blocked" if outcome.status_code == 403 else "error"
        if exchange.vault is not None and exchange.store_content:
            values.update(exchange.vault.response_columns(outcome.response))
        self._writer.update(exchange.id, values)
        return values

    async def record_failure(self, exchange: Exchange, error: GatewayError) -> None:
        """Record a request refused or failed before or after forwarding."""
        if exchange.finished:
            return
        if exchange.begun:
            self.finish(
                exchange,
                Outcome(status_code=error.status_code, error=f"{error.code}: {error.message}"),
            )
            return
        exchange.finished = True
        if exchange.decision in ("allowed", "redacted"):
            exchange.decision = "blocked" if isinstance(error, PermissionDeniedError) else "error"
        row = exchange.base_row()
        row.update(
            boot_id=self.boot_id,
            state=COMPLETE,
            completed_at=utcnow(),
            prompt=exchange.prompt if exchange.store_content else None,
            status_code=error.status_code,
            error=f"{error.code}: {error.message}",
            latency_ms=exchange.elapsed_ms(),
        )
        try:
            await self._writer.insert(row)
        except Exception as exc:  # the client still gets its real error
            logger.error("could not record refused interaction %s: %s", exchange.id, exc)

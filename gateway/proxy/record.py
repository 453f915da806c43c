"""The interaction record of a request: the one place the pipeline writes it.

Every request that got an :class:`Exchange` gets exactly one record, blocked and failed ones
included:

* :func:`begin` commits it before anything is forwarded, waiting at most
  ``GATEWAY_AUDIT_INSERT_TIMEOUT`` seconds: a log that refuses it, or a stuck database,
  gives 503 ``audit_unavailable`` and nothing is forwarded unlogged;
* :func:`amend` corrects the pending record (the model a fallback answered with);
* :func:`finish` completes it with how the forwarded request ended;
* :func:`fail` records a request refused or failed, before or after forwarding, unless its
  record is already final (the error renderer calls it for every error).

The rows are written by :class:`gateway.audit.recorder.Recorder` through the audit writer,
which seals them. Each function is given :class:`gateway.state.RecordServices` (the recorder,
the insert timeout, the timeout counter), never the whole state: ``tests/core/test_record.py``
runs it on its own.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from gateway.audit.refusal import RecordRefused
from gateway.db.base import utcnow
from gateway.errors import AuditUnavailableError, GatewayError, PermissionDeniedError
from gateway.proxy.exchange import Exchange, Outcome
from gateway.state import RecordServices

logger = logging.getLogger(__name__)


def row_of(exchange: Exchange) -> dict[str, Any]:
    """What the record says of a request from its start: who, what, and how it was judged."""
    entry = exchange.entry
    # Every row carries the same keys, sealed content or not (see the writer's inserts).
    sealed = exchange.vault.prompt_columns if exchange.vault is not None else {}
    return {
        "prompt_encrypted": sealed.get("prompt_encrypted"),
        "content_key_id": sealed.get("content_key_id"),
        "id": exchange.id,
        "created_at": utcnow(),
        "key_id": exchange.principal.key_id,
        "user_email": exchange.principal.user,
        "department": exchange.principal.department,
        "role": exchange.principal.role,
        "tool": exchange.tool,
        "endpoint": exchange.endpoint,
        "model": exchange.model,
        "provider": entry.provider if entry else None,
        "upstream_model": entry.target_model if entry else None,
        "decision": exchange.decision,
        "rule_ids": list(exchange.rule_ids),
        "policy_version": exchange.policy_version,
        "pii_findings": dict(exchange.pii_findings),
        "stream": exchange.stream,
        "request_fingerprint": exchange.fingerprint,
        "prompt": exchange.prompt if exchange.store_content else None,
    }


async def begin(services: RecordServices, exchange: Exchange) -> None:
    """Commit the record of a request about to be forwarded; 503 if the log cannot."""
    timeout = services.insert_timeout_s
    try:
        async with asyncio.timeout(timeout):
            await _open(services, exchange)
    except TimeoutError as exc:
        # The insert stays queued and may still land: counting the record as begun makes
        # the failure path complete it (an update of a row that never landed is a no-op).
        exchange.begun = True
        services.on_timeout()
        logger.error("interaction log did not commit within %.1fs: request refused", timeout)
        raise AuditUnavailableError(
            "Le journal des interactions ne répond pas : la requête n'a pas été transmise. "
            "Réessayez dans un instant."
        ) from exc
    exchange.begun = True


async def _open(services: RecordServices, exchange: Exchange) -> None:
    try:
        await services.recorder.open(row_of(exchange))
    except Exception as exc:
        # Refused values: the record was kept in its minimal form, already final (the 503).
        exchange.finished = isinstance(exc, RecordRefused)
        logger.error("interaction %s not recorded, request refused: %s", exchange.id, exc)
        raise AuditUnavailableError(
            "Le journal des interactions est indisponible : la requête n'a pas été "
            "transmise. Réessayez dans un instant."
        ) from exc


def amend(services: RecordServices, exchange: Exchange) -> None:
    """Write the model that answered and the rules that now apply into the pending record."""
    entry = exchange.entry
    assert entry is not None
    services.recorder.amend(exchange.id, {
        "provider": entry.provider,
        "upstream_model": entry.target_model,
        "rule_ids": list(exchange.rule_ids),
    })


def finish(services: RecordServices, exchange: Exchange, outcome: Outcome) -> dict[str, Any]:
    """Complete a begun record; returns the values written (for metrics and budgets)."""
    exchange.finished = True
    entry = exchange.entry
    values: dict[str, Any] = {
        "state": outcome.state,
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
    services.recorder.complete(exchange.id, values)
    return values


async def fail(services: RecordServices, exchange: Exchange, error: GatewayError) -> None:
    """Record a request refused or failed before or after forwarding, once."""
    if exchange.finished:
        return
    reason = f"{error.code}: {error.message}"
    if exchange.begun:
        finish(services, exchange, Outcome(status_code=error.status_code, error=reason))
        return
    exchange.finished = True
    if exchange.decision in ("allowed", "redacted"):
        exchange.decision = "blocked" if isinstance(error, PermissionDeniedError) else "error"
    await services.recorder.record({
        **row_of(exchange),
        "status_code": error.status_code,
        "error": reason,
        "latency_ms": exchange.elapsed_ms(),
    })

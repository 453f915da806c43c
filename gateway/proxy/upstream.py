"""Between the record and the provider: retries and fallbacks.

* :func:`forward` opens the upstream call with retries (:mod:`gateway.providers.retry`)
  and, when the model still fails before answering, tries the catalogue entry's
  ``fallbacks`` in order, each only if the policies that cleared the request judge it
  exactly as they judged the requested model (:func:`gateway.proxy.guard.fallback_allowed`).
  The record then names the model that answered (``provider``, ``upstream_model``) and
  carries the rule id ``fallback:<name>``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from gateway import tracing
from gateway.catalogue import ModelEntry
from gateway.errors import (
    BudgetExceededError,
    GatewayError,
    RateLimitedError,
    UpstreamError,
)
from gateway.providers.base import Adapter
from gateway.providers.retry import with_retries
from gateway.proxy import guard, record
from gateway.proxy.exchange import Exchange
from gateway.proxy.fields import RequestView
from gateway.state import GatewayState

logger = logging.getLogger(__name__)

T = TypeVar("T")
UpstreamCall = Callable[[ModelEntry, Adapter], Awaitable[T]]


async def guarded_clear(
    state: GatewayState, exchange: Exchange, view: RequestView
) -> guard.Cleared:
    """:func:`guard.clear`, timed and its decision counted, refusals included."""
    started = time.perf_counter()
    try:
        with tracing.span("gateway.guard"):
            cleared = await guard.clear(state.guard, exchange, view)
    except GatewayError:
        refused = exchange.decision in ("blocked", "held")
        state.metrics.policy_decisions.labels(exchange.decision if refused else "error").inc()
        raise
    finally:
        endpoint = state.metrics.endpoint(exchange.endpoint)
        state.metrics.guard.labels(endpoint).observe(time.perf_counter() - started)
    state.metrics.policy_decisions.labels(exchange.decision).inc()
    return cleared


def _falls_back(error: GatewayError) -> bool:
    """Provider failures another model may not share; a bad request fails everywhere."""
    provider_limit = isinstance(error, RateLimitedError) and not isinstance(
        error, BudgetExceededError
    )
    return isinstance(error, UpstreamError) or provider_limit


def _note_fallback(state: GatewayState, exchange: Exchange, entry: ModelEntry) -> None:
    requested = exchange.entry.name if exchange.entry else ""
    exchange.entry = entry
    exchange.rule_ids.append(f"fallback:{entry.name}")
    state.metrics.fallbacks.labels(requested, entry.name).inc()
    # The record was committed naming the requested model's provider; it is still pending,
    # so this lands before the completion that chains it.
    record.amend(state.records, exchange)


async def forward(
    state: GatewayState, exchange: Exchange, cleared: guard.Cleared, call: UpstreamCall[T],
    *, view: RequestView,
) -> T:
    """Run ``call`` on the cleared model with retries, then on its fallbacks if it fails.

    ``call`` must only *open* the exchange (a stream is returned before its first byte is
    relayed), so nothing is ever retried after the client has seen part of an answer.
    """
    entry = cleared.entry
    policy = state.retry_policy
    deadline = time.monotonic() + (entry.timeout or state.settings.upstream_total_timeout)
    candidates = [entry, *(
        target for name in entry.fallbacks
        if (target := state.catalogue.get(name)) is not None
    )]
    failure: GatewayError | None = None
    for position, candidate in enumerate(candidates):
        if position and not guard.fallback_allowed(exchange, cleared, candidate, view):
            logger.info("fallback %s skipped: the policies judge it differently", candidate.name)
            continue
        adapter = state.adapters[candidate.name]

        def on_retry(error: GatewayError, wait: float, name: str = candidate.name) -> None:
            state.metrics.retries.labels(name, error.code).inc()
            logger.warning("model %s failed (%s), retrying in %.2fs", name, error.code, wait)

        try:
            result = await with_retries(
                functools.partial(call, candidate, adapter), policy, deadline, on_retry
            )
        except GatewayError as error:
            if not _falls_back(error) or time.monotonic() >= deadline:
                raise
            failure = error
            if position < len(candidates) - 1:
                logger.warning("model %s failed (%s), trying its fallback", candidate.name,
                               error.code)
            continue
        if position:
            _note_fallback(state, exchange, candidate)
        return result
    # Every candidate failed or was skipped: the client gets the last failure.
    assert failure is not None
    raise failure

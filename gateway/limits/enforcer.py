"""Checking a request against its limits before forwarding, and charging it afterwards.

Windows are fixed and in UTC: requests per calendar minute, tokens per calendar day, spend
per calendar month (catalogue prices). A request over a requests-per-minute limit gets 429
``rate_limited``; one whose subject has already used its tokens or budget gets 429
``budget_exceeded``; both carry ``Retry-After`` (the end of the window). Tokens and spend
are charged when the answer is complete, so one request may overrun a budget by its own
size: the next one is refused.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from gateway.errors import BudgetExceededError, RateLimitedError
from gateway.limits.store import CounterStore
from gateway.policies import Limit, PolicySet, RequestContext

logger = logging.getLogger(__name__)

_MICRO = 1_000_000  # spend is counted in millionths of the catalogue currency


@dataclass(slots=True)
class Charges:
    """The counters one admitted request adds its tokens and cost to when it completes."""

    token_keys: list[tuple[str, int]] = field(default_factory=list)
    spend_keys: list[tuple[str, int]] = field(default_factory=list)
    rule_ids: list[str] = field(default_factory=list)


def _windows(now: datetime) -> dict[str, tuple[str, int]]:
    """Window suffix and seconds until it ends, per kind (whole seconds: see ``_Clock``)."""
    minute = now.replace(second=0, microsecond=0)
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)

    def left(end: datetime) -> int:
        return int((end - now).total_seconds()) + 1

    return {
        "rpm": (minute.strftime("%Y%m%d%H%M"), left(minute + timedelta(minutes=1))),
        "tok": (day.strftime("%Y%m%d"), left(day + timedelta(days=1))),
        "eur": (month.strftime("%Y%m"), left(next_month)),
    }


def _key(limit: Limit, ctx: RequestContext, kind: str, window: str) -> str:
    subject = ctx.user if limit.scope == "user" else ctx.department
    return f"gw:{limit.id}:{limit.scope}:{subject}:{kind}:{window}"


class _Clock:
    """The windows of the current second, computed once a second rather than per request."""

    def __init__(self) -> None:
        self._second = -1
        self._windows: dict[str, tuple[str, int]] = {}

    def windows(self) -> dict[str, tuple[str, int]]:
        second = int(time.time())
        if second != self._second:
            self._windows = _windows(datetime.fromtimestamp(second, UTC))
            self._second = second
        return self._windows


class LimitEnforcer:
    """Applies a policy set's limits with a shared counter store."""

    def __init__(self, store: CounterStore) -> None:
        self.store = store
        self._clock = _Clock()

    async def admit(self, policy_set: PolicySet, ctx: RequestContext) -> Charges:
        """Count the request; raise if a limit is reached. Returns what to charge later."""
        limits = policy_set.limits_for(ctx)
        charges = Charges()
        if not limits:
            return charges
        windows = self._clock.windows()
        increments: dict[str, tuple[int, int]] = {}
        reads: list[str] = []
        for limit in limits:
            if limit.requests_per_minute:
                increments[_key(limit, ctx, "rpm", windows["rpm"][0])] = (1, windows["rpm"][1] + 60)
            if limit.tokens_per_day:
                key = _key(limit, ctx, "tok", windows["tok"][0])
                reads.append(key)
                charges.token_keys.append((key, windows["tok"][1] + 3600))
            if limit.spend_per_month_eur:
                key = _key(limit, ctx, "eur", windows["eur"][0])
                reads.append(key)
                charges.spend_keys.append((key, windows["eur"][1] + 3600))
        values = await self.store.apply(increments, reads)
        for limit in limits:
            self._check(limit, ctx, windows, values)
        charges.rule_ids = [limit.id for limit in limits]
        return charges

    @staticmethod
    def _check(
        limit: Limit, ctx: RequestContext, windows: dict[str, tuple[str, int]],
        values: dict[str, int],
    ) -> None:
        default = f"Limite « {limit.id} » atteinte."
        if limit.requests_per_minute:
            count = values[_key(limit, ctx, "rpm", windows["rpm"][0])]
            if count > limit.requests_per_minute:
                raise RateLimitedError(
                    limit.message or f"Trop de requêtes : {limit.requests_per_minute} par minute "
                    f"au plus (règle « {limit.id} »). Réessayez dans un instant.",
                    headers={"Retry-After": str(windows["rpm"][1])},
                )
        if limit.tokens_per_day:
            used = values[_key(limit, ctx, "tok", windows["tok"][0])]
            if used >= limit.tokens_per_day:
                raise BudgetExceededError(
                    limit.message or f"{default} Quota de jetons du jour épuisé.",
                    headers={"Retry-After": str(windows["tok"][1])},
                )
        if limit.spend_per_month_eur:
            used = values[_key(limit, ctx, "eur", windows["eur"][0])]
            if used >= int(limit.spend_per_month_eur * _MICRO):
                raise BudgetExceededError(
                    limit.message or f"{default} Budget du mois épuisé.",
                    headers={"Retry-After": str(windows["eur"][1])},
                )

    def charge(self, charges: Charges, tokens: int, cost: float | None) -> None:
        """Add a completed request's tokens and cost, without delaying its answer."""
        increments: dict[str, tuple[int, int]] = {}
        if tokens:
            increments.update({key: (tokens, ttl) for key, ttl in charges.token_keys})
        spend = round((cost or 0) * _MICRO)
        if spend:
            increments.update({key: (spend, ttl) for key, ttl in charges.spend_keys})
        if increments:
            # Written with the next admissions (gateway.limits.batcher): no write of its own.
            self.store.charge(increments)

    async def drain(self) -> None:
        """Wait for pending charges (shutdown, tests)."""
        await self.store.drain()

"""Trying a failed upstream call again: when it is safe, how long to wait, when to stop.

What is retried is decided where the failure is mapped (:mod:`gateway.providers.base` sets
``GatewayError.retryable``): connect errors and connect timeouts, connections reset or
closed before an answer, 5xx statuses and 429. A read timeout (the provider took the
request and went silent) is not: the time budget is spent and a retry would double it.

Only *opening* a call is retried. A stream is retried until its upstream answered 200,
never once bytes may have reached the client; a JSON call, until its body is read.

The wait before attempt ``n`` (1-based retry) is "full jitter" exponential backoff,
``uniform(0, min(max, base * 2**(n-1)))``, or the provider's ``Retry-After`` when it asked
for longer (up to ``retry_after_max``; asking for more ends the retries, and the 429 with
its Retry-After reaches the client). No wait starts if it would end past the deadline.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from gateway.errors import GatewayError, UpstreamTimeoutError
from gateway.settings import Settings

logger = logging.getLogger(__name__)

T = TypeVar("T")
# Told about each retry: the error that caused it and the wait before the next attempt.
OnRetry = Callable[[GatewayError, float], None]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    retries: int = 2
    backoff: float = 0.25
    backoff_max: float = 4.0
    retry_after_max: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RetryPolicy:
        return cls(
            retries=settings.upstream_retries,
            backoff=settings.upstream_retry_backoff,
            backoff_max=settings.upstream_retry_backoff_max,
            retry_after_max=settings.upstream_retry_after_max,
        )

    def delay(self, retry: int, error: GatewayError) -> float | None:
        """Seconds to wait before retry number ``retry`` (1-based); None: do not retry."""
        if not error.retryable or retry > self.retries:
            return None
        wait = random.uniform(0, min(self.backoff_max, self.backoff * 2 ** (retry - 1)))  # noqa: S311
        if error.retry_after is not None:
            if error.retry_after > self.retry_after_max:
                return None
            wait = max(wait, error.retry_after)
        return wait


async def with_retries(
    call: Callable[[], Awaitable[T]],
    policy: RetryPolicy,
    deadline: float,
    on_retry: OnRetry | None = None,
) -> T:
    """Run ``call`` until it succeeds, fails for good, or ``deadline`` (monotonic) comes.

    Each attempt runs within what remains of the deadline, so retries never stretch a
    request past the upstream total timeout.
    """
    retry = 0
    while True:
        remaining = deadline - time.monotonic()
        try:
            if remaining <= 0:
                raise UpstreamTimeoutError("Le fournisseur n'a pas répondu à temps.")
            async with asyncio.timeout(remaining):
                return await call()
        except TimeoutError as exc:
            raise UpstreamTimeoutError("Le fournisseur n'a pas répondu à temps.") from exc
        except GatewayError as error:
            retry += 1
            wait = policy.delay(retry, error)
            if wait is None or time.monotonic() + wait >= deadline:
                raise
            if on_retry is not None:
                on_retry(error, wait)
            await asyncio.sleep(wait)

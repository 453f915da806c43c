"""Authenticating requests: header parsing and a short-lived cache of key lookups."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import anyio.to_thread
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.auth.keys import find_active, principal_of
from gateway.auth.revocation import Notice
from gateway.db.base import utcnow
from gateway.errors import AuthenticationError
from gateway.principal import Principal

_CACHE_LIMIT = 10_000
# last_used_at is for spotting unused keys, not an activity trail: once a minute is enough.
_TOUCH_INTERVAL_S = 60.0


def token_from_headers(authorization: str | None, x_api_key: str | None) -> str:
    """The gateway key from ``Authorization: Bearer`` or ``x-api-key``."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    if x_api_key and x_api_key.strip():
        return x_api_key.strip()
    raise AuthenticationError(
        "Clé d'API manquante : envoyez votre clé de passerelle dans l'en-tête "
        "'Authorization: Bearer <clé>' ou 'x-api-key'."
    )


class KeyAuthenticator:
    """Resolves a presented secret to its :class:`Principal`.

    Lookups are cached for ``ttl`` seconds so the hot path does not query the database on
    every request. A revocation made by any process (CLI, admin API, deprovisioning) is
    announced (:mod:`gateway.auth.revocation`) and dropped from the cache by
    :meth:`forget` within a second; ``ttl`` bounds what a missed notice can cost. A key that
    expires sooner is cached only until it expires.
    """

    def __init__(
        self,
        engine: Engine,
        server_secret: bytes,
        ttl: float,
        on_touch: Callable[[str, datetime], None],
    ) -> None:
        self._engine = engine
        self._secret = server_secret
        self._ttl = ttl
        self._on_touch = on_touch
        # token -> (monotonic instant the entry stops being trusted, principal)
        self._cache: dict[str, tuple[float, Principal]] = {}
        self._touched: dict[str, float] = {}

    async def authenticate(self, token: str) -> Principal:
        now = time.monotonic()
        hit = self._cache.get(token)
        if hit is not None and now < hit[0]:
            principal = hit[1]
        else:
            found = await anyio.to_thread.run_sync(self._lookup, token)
            if found is None:
                self._cache.pop(token, None)
                raise AuthenticationError(
                    "Clé d'API inconnue, expirée ou révoquée. Demandez une clé à votre "
                    "service informatique, ou créez-en une dans « Mon activité »."
                )
            principal, expires_at = found
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            trusted = self._ttl
            if expires_at is not None:
                trusted = min(trusted, (expires_at - utcnow()).total_seconds())
            if trusted > 0:
                self._cache[token] = (now + trusted, principal)
        if now - self._touched.get(principal.key_id, -_TOUCH_INTERVAL_S) >= _TOUCH_INTERVAL_S:
            self._touched[principal.key_id] = now
            self._on_touch(principal.key_id, utcnow())
        return principal

    def invalidate(self) -> None:
        self._cache.clear()

    def forget(self, notice: Notice) -> None:
        """Drop the keys a revocation notice names (one key, or every key of a person)."""
        stale = [
            token for token, (_, principal) in self._cache.items()
            if principal.key_id == notice.key_id or (
                notice.user is not None and principal.user == notice.user
            )
        ]
        for token in stale:
            self._cache.pop(token, None)

    def _lookup(self, token: str) -> tuple[Principal, datetime | None] | None:
        with Session(self._engine) as session:
            found = find_active(session, self._secret, token)
            if found is None:
                return None
            row, person = found
            return principal_of(row, person), row.expires_at

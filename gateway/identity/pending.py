"""A sign-in in progress: ``state``, ``nonce`` and the PKCE verifier, between the redirect to
the identity provider and its return.

They travel in a cookie of their own (``gw_oidc``), HMAC-signed under a key derived from the
server secret, HttpOnly, SameSite=Lax (the provider's redirect back is a top-level GET, which
Lax lets through), scoped to ``/admin/auth`` and valid ten minutes. The callback deletes it,
so a ``state`` serves once; the provider itself refuses a code presented twice.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE = "gw_oidc"
PATH = "/admin/auth"
LIFETIME_S = 600
_PURPOSE = b"gateway-oidc-pending-v1"


@dataclass(frozen=True, slots=True)
class PendingSignIn:
    state: str
    nonce: str
    verifier: str
    expires_at: int

    @property
    def code_challenge(self) -> str:
        digest = hashlib.sha256(self.verifier.encode("ascii")).digest()
        return _b64(digest)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(server_secret: bytes, payload: str) -> bytes:
    key = hmac.new(server_secret, _PURPOSE, hashlib.sha256).digest()
    return hmac.new(key, payload.encode(), hashlib.sha256).digest()


def start(now: float | None = None) -> PendingSignIn:
    now = time.time() if now is None else now
    # 32 random bytes each: the verifier is 43 characters, inside PKCE's 43..128.
    return PendingSignIn(secrets.token_urlsafe(32), secrets.token_urlsafe(32),
                         secrets.token_urlsafe(32), int(now) + LIFETIME_S)


def encode(pending: PendingSignIn, server_secret: bytes) -> str:
    payload = _b64(orjson.dumps({"s": pending.state, "n": pending.nonce,
                                 "v": pending.verifier, "e": pending.expires_at}))
    return f"{payload}.{_b64(_mac(server_secret, payload))}"


def decode(cookie: str | None, server_secret: bytes,
           now: float | None = None) -> PendingSignIn | None:
    """The sign-in in a cookie, or ``None`` when absent, forged, malformed or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, mac = cookie.split(".")
    try:
        if not hmac.compare_digest(_unb64(mac), _mac(server_secret, payload)):
            return None
        data = orjson.loads(_unb64(payload))
        pending = PendingSignIn(str(data["s"]), str(data["n"]), str(data["v"]), int(data["e"]))
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    if pending.expires_at <= (time.time() if now is None else now):
        return None
    return pending


def state_matches(pending: PendingSignIn | None, presented: str | None) -> bool:
    if pending is None or not presented:
        return False
    return hmac.compare_digest(pending.state.encode(), presented.encode())

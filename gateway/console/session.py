"""Console sessions: a signed, expiring cookie carrying a key id and a CSRF token.

Design
------
Signing in exchanges a gateway key for a cookie; the key itself is never stored in it. The
cookie is ``base64url(json payload) "." base64url(HMAC-SHA256)``, keyed by a key derived
from the server secret (so the secret's other uses cannot be replayed as a session), with:

- ``k``: the key id of a key sign-in (``None`` before sign-in: the sign-in form needs a
  CSRF token too, and for a company sign-in),
- ``p``: the person id of a company (OpenID Connect) sign-in,
- ``i``: when the session was opened (disabling a person voids the sessions opened before),
- ``c``: a random CSRF token, fresh at every sign-in (no session fixation),
- ``e``: the expiry (Unix seconds); an expired cookie is ignored,
- ``s``: a signed-in session's random id; the server keeps its digest in
  ``console_sessions`` (:mod:`gateway.console.session_store`), and signing out ends it
  there, so a copy of the cookie replayed after sign-out is refused.

Every request re-reads the key row (or the person's), so a revoked key or a disabled person
closes its console sessions at once.
Every POST must carry the session's CSRF token (form field ``csrf_token`` or header
``X-CSRF-Token``), compared in constant time; otherwise 403. The cookie is HttpOnly,
SameSite=Lax, ``Secure`` when the request came over https, and scoped to ``/admin``.
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
from starlette.requests import Request
from starlette.responses import Response

COOKIE = "gw_console"
LANG_COOKIE = "gw_console_lang"
PATH = "/admin"
LIFETIME_S = 8 * 3600
_PURPOSE = b"gateway-console-session-v1"


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    key_id: str | None
    csrf: str
    expires_at: int
    person_id: str | None = None
    issued_at: int = 0
    # Signed-in sessions only: the id of their row on the server.
    sid: str | None = None

    @property
    def signed_in(self) -> bool:
        return self.key_id is not None or self.person_id is not None


def _signing_key(server_secret: bytes) -> bytes:
    return hmac.new(server_secret, _PURPOSE, hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_session(key_id: str | None, now: float | None = None, *,
                person_id: str | None = None) -> ConsoleSession:
    now = time.time() if now is None else now
    signed_in = key_id is not None or person_id is not None
    return ConsoleSession(key_id, secrets.token_urlsafe(32), int(now) + LIFETIME_S,
                          person_id, int(now), secrets.token_urlsafe(32) if signed_in else None)


def encode(session: ConsoleSession, server_secret: bytes) -> str:
    payload = _b64(orjson.dumps({"k": session.key_id, "c": session.csrf, "e": session.expires_at,
                                 "p": session.person_id, "i": session.issued_at,
                                 "s": session.sid}))
    mac = hmac.new(_signing_key(server_secret), payload.encode(), hashlib.sha256).digest()
    return f"{payload}.{_b64(mac)}"


def decode(
    cookie: str | None, server_secret: bytes, now: float | None = None
) -> ConsoleSession | None:
    """The session in a cookie, or ``None`` if absent, forged, malformed or expired."""
    if not cookie or cookie.count(".") != 1:
        return None
    payload, mac = cookie.split(".")
    expected = hmac.new(_signing_key(server_secret), payload.encode(), hashlib.sha256).digest()
    try:
        if not hmac.compare_digest(_unb64(mac), expected):
            return None
        data = orjson.loads(_unb64(payload))
        sid = data.get("s")
        session = ConsoleSession(data["k"], str(data["c"]), int(data["e"]), data.get("p"),
                                 int(data.get("i", 0)), str(sid) if sid is not None else None)
    except (binascii.Error, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
        return None
    if session.expires_at <= (time.time() if now is None else now):
        return None
    return session


def set_cookie(response: Response, request: Request, session: ConsoleSession,
               server_secret: bytes) -> None:
    response.set_cookie(
        COOKIE, encode(session, server_secret), max_age=LIFETIME_S, path=PATH,
        httponly=True, samesite="lax", secure=request.url.scheme == "https",
    )


def clear_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(COOKIE, path=PATH, httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


def csrf_matches(session: ConsoleSession | None, presented: str | None) -> bool:
    if session is None or not presented:
        return False
    return hmac.compare_digest(session.csrf.encode(), presented.encode())

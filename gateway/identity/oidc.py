"""OpenID Connect relying party: discovery, the authorization request, the code exchange and
the ID token's checks.

The flow is the authorization code flow with PKCE (S256), ``state`` and ``nonce``
(:mod:`gateway.identity.pending` keeps them in a signed, short-lived cookie). The JOSE work
(JWKS parsing, signature checks) is joserfc's; this module decides what is accepted:

- the issuer's metadata comes from ``<issuer>/.well-known/openid-configuration`` and its
  ``issuer`` must equal the configured one; every endpoint is https (http on loopback only);
- the ID token is signed with an asymmetric algorithm the issuer announces (never ``none``,
  never a shared-secret HMAC) by a key of its JWKS; an unknown ``kid`` refetches the JWKS,
  at most once a minute (key rotation);
- ``iss`` equals the issuer, ``aud`` holds our client id (and ``azp`` is ours when there are
  several audiences), ``exp`` is in the future and ``iat`` not in the future (both within the
  clock skew), ``nonce`` is the one this browser's sign-in sent, and ``sub`` is present.

Tokens are never logged. Metadata is cached for an hour.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_plus, urlencode

import aiohttp
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from gateway.settings import check_https_url

logger = logging.getLogger(__name__)

ASYMMETRIC_ALGS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
                   "ES256", "ES384", "ES512", "EdDSA")
_METADATA_TTL_S = 3600.0
_JWKS_REFRESH_S = 60.0
_TIMEOUT = aiohttp.ClientTimeout(total=10)


def _basic(client_id: str, secret: str) -> str:
    """HTTP Basic client authentication, each part form-encoded first (RFC 6749 §2.3.1)."""
    pair = f"{quote_plus(client_id)}:{quote_plus(secret)}".encode()
    return "Basic " + base64.b64encode(pair).decode()


class OidcError(Exception):
    """A sign-in that cannot complete; ``reason`` picks the message shown to the person."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True, slots=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    end_session_endpoint: str | None
    algorithms: tuple[str, ...]
    token_auth_methods: tuple[str, ...]


def parse_metadata(issuer: str, doc: dict[str, Any]) -> ProviderMetadata:
    """Check a discovery document against the configured issuer."""
    if doc.get("issuer") != issuer:
        raise OidcError("discovery", f"the document names issuer {doc.get('issuer')!r}, "
                        f"not {issuer!r}")
    endpoints = {}
    for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        value = doc.get(name)
        if not isinstance(value, str):
            raise OidcError("discovery", f"{name} missing")
        try:
            check_https_url(value)
        except ValueError as exc:
            raise OidcError("discovery", str(exc)) from exc
        endpoints[name] = value
    announced = doc.get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = tuple(alg for alg in ASYMMETRIC_ALGS if alg in announced)
    if not algorithms:
        raise OidcError("discovery", f"no asymmetric ID-token algorithm in {announced}")
    end_session = doc.get("end_session_endpoint")
    return ProviderMetadata(
        issuer=issuer, algorithms=algorithms,
        end_session_endpoint=end_session if isinstance(end_session, str) else None,
        token_auth_methods=tuple(doc.get("token_endpoint_auth_methods_supported")
                                 or ("client_secret_basic",)),
        **endpoints,
    )


class OidcClient:
    """Talks to one issuer for one client; built in ``lifespan``, closed with the app."""

    def __init__(self, issuer: str, client_id: str, client_secret: str | None, *,
                 scopes: str, clock_skew: int) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._secret = client_secret
        self.scopes = scopes
        self._skew = clock_skew
        self._http: aiohttp.ClientSession | None = None
        self._metadata: tuple[float, ProviderMetadata] | None = None
        self._keys: KeySet | None = None
        self._keys_at = -_JWKS_REFRESH_S
        self._lock = asyncio.Lock()

    def _client(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=_TIMEOUT)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.close()

    async def _get_json(self, url: str, what: str) -> dict[str, Any]:
        try:
            async with self._client().get(url, headers={"Accept": "application/json"}) as r:
                if r.status != 200:
                    raise OidcError(what, f"HTTP {r.status} from {url}")
                data = await r.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise OidcError(what, f"{type(exc).__name__} reaching {url}") from exc
        if not isinstance(data, dict):
            raise OidcError(what, f"{url} did not answer a JSON object")
        return data

    async def metadata(self) -> ProviderMetadata:
        cached = self._metadata
        if cached is not None and time.monotonic() - cached[0] < _METADATA_TTL_S:
            return cached[1]
        url = self.issuer.rstrip("/") + "/.well-known/openid-configuration"
        metadata = parse_metadata(self.issuer, await self._get_json(url, "discovery"))
        self._metadata = (time.monotonic(), metadata)
        return metadata

    def authorization_url(self, metadata: ProviderMetadata, *, redirect_uri: str, state: str,
                          nonce: str, code_challenge: str) -> str:
        query = urlencode({
            "response_type": "code", "client_id": self.client_id,
            "redirect_uri": redirect_uri, "scope": self.scopes, "state": state,
            "nonce": nonce, "code_challenge": code_challenge,
            "code_challenge_method": "S256",
        })
        separator = "&" if "?" in metadata.authorization_endpoint else "?"
        return f"{metadata.authorization_endpoint}{separator}{query}"

    async def redeem(self, code: str, *, verifier: str, redirect_uri: str) -> str:
        """Exchange the code for tokens; returns the ID token (the code works once)."""
        metadata = await self.metadata()
        form = {"grant_type": "authorization_code", "code": code,
                "redirect_uri": redirect_uri, "code_verifier": verifier,
                "client_id": self.client_id}
        headers = {"Accept": "application/json"}
        if self._secret is not None:
            if "client_secret_basic" in metadata.token_auth_methods:
                headers["Authorization"] = _basic(self.client_id, self._secret)
            else:
                form["client_secret"] = self._secret
        try:
            async with self._client().post(metadata.token_endpoint, data=form,
                                           headers=headers) as r:
                body = await r.json(content_type=None)
                status = r.status
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise OidcError("token", f"{type(exc).__name__} at the token endpoint") from exc
        if status != 200 or not isinstance(body, dict):
            error = body.get("error") if isinstance(body, dict) else None
            raise OidcError("token", f"HTTP {status} {error or ''}".strip())
        id_token = body.get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("token", "no id_token in the token response")
        return id_token

    async def _key_set(self, refresh: bool = False) -> KeySet:
        async with self._lock:
            stale = time.monotonic() - self._keys_at >= _JWKS_REFRESH_S
            if self._keys is None or (refresh and stale):
                metadata = await self.metadata()
                document = await self._get_json(metadata.jwks_uri, "jwks")
                try:
                    self._keys = KeySet.import_key_set(document)  # type: ignore[arg-type]
                except (JoseError, ValueError, KeyError, TypeError) as exc:
                    raise OidcError("jwks", "unreadable key set") from exc
                self._keys_at = time.monotonic()
            return self._keys

    async def verify(self, id_token: str, *, nonce: str, now: float | None = None
                     ) -> dict[str, Any]:
        """The ID token's claims once every check passed (``OidcError("id_token")`` else)."""
        metadata = await self.metadata()
        try:
            token = jwt.decode(id_token, await self._key_set(), algorithms=metadata.algorithms)
        except (JoseError, ValueError) as first:
            # An unknown key may be a rotation: refetch the JWKS (rate-limited) once.
            try:
                token = jwt.decode(id_token, await self._key_set(refresh=True),
                                   algorithms=metadata.algorithms)
            except (JoseError, ValueError) as exc:
                raise OidcError("id_token", f"signature: {type(exc).__name__}") from first
        claims = dict(token.claims)
        self._check_claims(claims, nonce, time.time() if now is None else now)
        return claims

    def _check_claims(self, claims: dict[str, Any], nonce: str, now: float) -> None:
        def refuse(why: str) -> OidcError:
            return OidcError("id_token", why)

        if claims.get("iss") != self.issuer:
            raise refuse("iss is not the configured issuer")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.client_id not in audiences:
            raise refuse("aud does not name this client")
        if len(audiences) > 1 and claims.get("azp") != self.client_id:
            raise refuse("azp is not this client")
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            raise refuse("exp or iat missing")
        if exp <= now - self._skew:
            raise refuse("expired")
        if iat > now + self._skew:
            raise refuse("issued in the future")
        presented = claims.get("nonce")
        if not isinstance(presented, str) or not hmac.compare_digest(
                presented.encode(), nonce.encode()):
            raise refuse("nonce mismatch")
        if not isinstance(claims.get("sub"), str) or not claims["sub"]:
            raise refuse("sub missing")

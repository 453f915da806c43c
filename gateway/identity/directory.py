"""What the gateway knows of the company's directory: built once at start from the settings.

Holds the group mapping, the OpenID Connect client when company sign-in is configured, and
a keyed digest of the SCIM token (the token itself is not kept).
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field

from gateway.errors import ConfigError
from gateway.identity.mapping import IdentityMapping, load_mapping
from gateway.identity.oidc import OidcClient
from gateway.settings import MIN_SECRET_LENGTH, Settings

_SCIM_PURPOSE = b"gateway-scim-token-v1"


@dataclass
class Directory:
    mapping: IdentityMapping
    oidc: OidcClient | None = None
    email_claim: str = "email"
    groups_claim: str = "groups"
    allowed_domains: tuple[str, ...] = ()
    provider_name: str = ""
    public_url: str | None = None
    key_login: str = "all"
    # HMAC of the SCIM bearer token under the server secret: compared in constant time.
    scim_digest: bytes | None = field(default=None, repr=False)
    _secret: bytes = field(default=b"", repr=False)

    def scim_token_matches(self, presented: str) -> bool:
        if self.scim_digest is None or not presented:
            return False
        return hmac.compare_digest(self._digest(presented), self.scim_digest)

    def _digest(self, token: str) -> bytes:
        key = hmac.new(self._secret, _SCIM_PURPOSE, hashlib.sha256).digest()
        return hmac.new(key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def domain_allowed(self, email: str) -> bool:
        domain = email.rpartition("@")[2].lower()
        return not self.allowed_domains or domain in self.allowed_domains

    async def aclose(self) -> None:
        if self.oidc is not None:
            await self.oidc.aclose()


def build_directory(settings: Settings, server_secret: bytes) -> Directory:
    """The directory the settings describe; ``ConfigError`` names what is missing."""
    oidc = None
    if settings.oidc_issuer or settings.oidc_client_id:
        if not (settings.oidc_issuer and settings.oidc_client_id):
            raise ConfigError("company sign-in needs both GATEWAY_OIDC_ISSUER and "
                              "GATEWAY_OIDC_CLIENT_ID")
        secret = settings.oidc_client_secret
        oidc = OidcClient(
            settings.oidc_issuer, settings.oidc_client_id,
            secret.get_secret_value() if secret else None,
            scopes=settings.oidc_scopes, clock_skew=settings.oidc_clock_skew_seconds,
        )
    directory = Directory(
        mapping=load_mapping(settings.identity_mapping_file), oidc=oidc,
        email_claim=settings.oidc_email_claim, groups_claim=settings.oidc_groups_claim,
        allowed_domains=tuple(d.strip().lower().lstrip("@")
                              for d in settings.oidc_allowed_domains.split(",") if d.strip()),
        provider_name=settings.oidc_provider_name, public_url=settings.public_url,
        key_login=settings.console_key_login, _secret=server_secret,
    )
    if settings.scim_token is not None:
        token = settings.scim_token.get_secret_value()
        if len(token) < MIN_SECRET_LENGTH:
            raise ConfigError(f"GATEWAY_SCIM_TOKEN is too short ({len(token)} characters): "
                              f"use at least {MIN_SECRET_LENGTH} random characters")
        directory.scim_digest = directory._digest(token)
    return directory

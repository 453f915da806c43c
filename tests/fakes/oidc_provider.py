"""A real OpenID provider on loopback for the company sign-in tests, built on Authlib's
authorization server: the authorization code grant with PKCE (S256 required), the OpenID
Connect code extension (signed ID tokens, ``nonce``), single-use codes, discovery and JWKS.

A person signs in on a plain HTML form (pick the account, submit): Chromium drives it in the
browser tests, httpx posts it in the others. ``mischief`` makes the next ID token wrong in
one way (``tamper``: the groups claim rewritten to an admin group, signature kept; ``nonce``: another nonce; ``expired``: an
``exp`` an hour ago; ``audience``: another client), to prove the gateway refuses it.
"""

from __future__ import annotations

import base64
import html
import json
import os
import secrets
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from authlib.oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, OAuth2Payload, OAuth2Request, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

# Authlib refuses http:// URIs unless told this is a test.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")

CLIENT_ID = "ai-gateway"
CLIENT_SECRET = "oidc-test-client-secret-" + "s" * 20


@dataclass
class Account:
    email: str
    name: str
    groups: list[str]
    email_verified: bool = True
    department: str | None = None


@dataclass
class Client(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        return " ".join(s for s in scope.split() if s in {"openid", "email", "profile"})

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        # Registered when the gateway's URL is known (see OidcProvider.register_redirect).
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


class _Payload(OAuth2Payload):
    def __init__(self, data: dict[str, str]) -> None:
        self._data = data

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> dict[str, list[str]]:
        return {k: [v] for k, v in self._data.items()}


class _Request(OAuth2Request):
    def __init__(self, method: str, uri: str, headers: dict[str, str], args: dict[str, str],
                 form: dict[str, str]) -> None:
        super().__init__(method, uri, headers=headers)
        self._args, self._form = args, form
        self.payload = _Payload({**args, **form})

    @property
    def args(self) -> dict[str, str]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._form


class OidcProvider:
    """The provider's state: accounts, issued codes, its signing key and the mischief."""

    def __init__(self) -> None:
        self.issuer = ""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-1", "use": "sig",
                                                         "alg": "RS256"})
        self.client = Client(CLIENT_ID, CLIENT_SECRET)
        self.accounts: dict[str, Account] = {}
        self.codes: dict[str, Code] = {}
        self.mischief: str | None = None
        self.token_requests = 0
        self.server = self._build_server()
        self.app = Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/jwks", self.jwks),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
        ])

    def register_redirect(self, uri: str) -> None:
        if uri not in self.client.redirect_uris:
            self.client.redirect_uris.append(uri)

    def add(self, login: str, account: Account) -> None:
        self.accounts[login] = account

    # --- authlib wiring ---------------------------------------------------------------
    def _build_server(self) -> AuthorizationServer:
        provider = self

        class Server(AuthorizationServer):
            def query_client(self, client_id: str) -> Client | None:
                return provider.client if client_id == provider.client.client_id else None

            def save_token(self, token: dict[str, Any], request: Any) -> None:
                pass

            def create_oauth2_request(self, request: Any) -> Any:
                return request

            def handle_response(self, status: int, body: Any, headers: Any) -> Response:
                headers = dict(headers)
                if status in (301, 302, 303):
                    return Response(status_code=302, headers=headers)
                return JSONResponse(body, status_code=status, headers=headers)

            def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
                pass

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS: ClassVar[list[str]] = ["client_secret_basic",
                                                           "client_secret_post"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                payload = request.payload.data
                provider.codes[code] = Code(
                    code=code, client_id=request.client.client_id,
                    redirect_uri=payload.get("redirect_uri", ""),
                    scope=request.scope or "", user=request.user, nonce=payload.get("nonce"),
                    code_challenge=payload.get("code_challenge"),
                    code_challenge_method=payload.get("code_challenge_method"))

            def query_authorization_code(self, code: str, client: Client) -> Code | None:
                found = provider.codes.get(code)
                return found if found is not None and found.client_id == client.client_id \
                    else None

            def delete_authorization_code(self, authorization_code: Code) -> None:
                # A code works once: redeeming it again is invalid_grant.
                provider.codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: Code) -> str:
                return authorization_code.user

        class OpenID(OpenIDCode):
            def resolve_client_private_key(self, client: Client) -> RSAKey:
                return provider.key

            def get_client_claims(self, client: Client) -> dict[str, Any]:
                return {"iss": provider.issuer, "aud": [client.client_id]}

            def get_client_algorithm(self, client: Client) -> str:
                return "RS256"

            def get_encode_header(self, client: Client) -> dict[str, str]:
                return {"alg": "RS256", "kid": "test-1"}

            def exists_nonce(self, nonce: str, request: Any) -> bool:
                return False

            def generate_user_info(self, user: str, scope: str) -> UserInfo:
                account = provider.accounts[user]
                info = UserInfo(sub="sub-" + user, name=account.name, email=account.email,
                                email_verified=account.email_verified, groups=account.groups)
                if account.department:
                    info["department"] = account.department
                now = int(time.time())
                if provider.mischief == "nonce":
                    info["nonce"] = "not-the-nonce-the-gateway-sent"
                elif provider.mischief == "expired":
                    info["iat"], info["exp"] = now - 7200, now - 3600
                elif provider.mischief == "audience":
                    info["aud"] = ["another-client"]
                return info

        server = Server()
        server.register_token_generator("default", BearerTokenGenerator(
            lambda *args, **kwargs: secrets.token_urlsafe(32)))
        server.register_grant(CodeGrant, [OpenID(require_nonce=True),
                                          CodeChallenge(required=True)])
        return server

    # --- endpoints ----------------------------------------------------------------------
    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer,
            "authorization_endpoint": self.issuer + "/authorize",
            "token_endpoint": self.issuer + "/token",
            "jwks_uri": self.issuer + "/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic",
                                                      "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        })

    async def jwks(self, request: Request) -> Response:
        return JSONResponse({"keys": [self.key.as_dict(private=False)]})

    async def _request(self, request: Request) -> _Request:
        form: dict[str, str] = {}
        if request.method == "POST":
            form = dict(parse_qsl((await request.body()).decode()))
        return _Request(request.method, str(request.url), request.headers,  # type: ignore[arg-type]
                        dict(request.query_params), form)

    async def authorize(self, request: Request) -> Response:
        oauth_request = await self._request(request)
        if request.method == "GET":
            # Validate first (client, redirect URI, PKCE), as a provider does before login.
            grant = self.server.get_consent_grant(oauth_request)
            del grant
            options = "".join(
                f'<option value="{html.escape(login)}">{html.escape(a.name)}</option>'
                for login, a in self.accounts.items())
            return HTMLResponse(
                "<!doctype html><title>Test IdP</title><h1>Test IdP</h1>"
                '<form method="post"><label for="login">Compte</label>'
                f'<select id="login" name="login">{options}</select>'
                '<button type="submit">Continuer</button></form>')
        login = oauth_request.form.get("login", "")
        if login not in self.accounts:
            return HTMLResponse("unknown account", status_code=400)
        # The form posts to the same URL: the authorization request is in its query.
        grant = self.server.get_consent_grant(oauth_request, end_user=login)
        return self.server.create_authorization_response(oauth_request, grant_user=login,
                                                         grant=grant)

    async def token(self, request: Request) -> Response:
        self.token_requests += 1
        response = self.server.create_token_response(await self._request(request))
        if self.mischief == "tamper" and response.status_code == 200:
            response = _tampered(response)
        return response


def _b64decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _tampered(response: Response) -> Response:
    """What an attacker between the browser and the gateway would try: promote themselves."""
    body = json.loads(bytes(response.body))
    header, payload, signature = body["id_token"].split(".")
    claims = json.loads(_b64decode(payload))
    claims["groups"] = ["GW-Admins"]
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    body["id_token"] = ".".join([header, forged, signature])
    return JSONResponse(body)

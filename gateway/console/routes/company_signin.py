"""Company sign-in: ``/admin/auth/login`` sends the browser to the identity provider,
``/admin/auth/callback`` brings it back with a code (gateway.identity.oidc checks the rest).

Every refusal is a page saying why, in the person's language, and a warning in the log with
the technical reason (never a token).
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.console import session as sessions
from gateway.console import session_store
from gateway.console.deps import language
from gateway.console.i18n import Translator
from gateway.console.routes.auth import login_page
from gateway.console.web import redirect
from gateway.identity import pending
from gateway.identity.oidc import OidcError
from gateway.identity.signin import sign_in
from gateway.state import GatewayState

logger = logging.getLogger(__name__)
router = APIRouter()
CALLBACK = "/admin/auth/callback"


def redirect_uri(request: Request, state: GatewayState) -> str:
    """Where the provider sends the browser back: the public URL when set (behind a proxy)."""
    base = state.directory.public_url or str(request.base_url).rstrip("/")
    return base + CALLBACK


def _refused(request: Request, state: GatewayState, t: Translator, reason: str,
             status_code: int = 401) -> Response:
    response = login_page(request, state, t, status_code=status_code,
                          error=t("sso.refused." + reason))
    response.delete_cookie(pending.COOKIE, path=pending.PATH)
    return response


@router.get("/auth/login")
async def start(request: Request, state: State) -> Response:
    t = Translator(language(request))
    client = state.directory.oidc
    if client is None:
        return redirect("/admin/login")
    try:
        metadata = await client.metadata()
    except OidcError as exc:
        logger.warning("company sign-in unavailable: %s", exc)
        return _refused(request, state, t, "unavailable", status_code=503)
    sign = pending.start()
    response = RedirectResponse(client.authorization_url(
        metadata, redirect_uri=redirect_uri(request, state), state=sign.state,
        nonce=sign.nonce, code_challenge=sign.code_challenge), status_code=303)
    response.set_cookie(
        pending.COOKIE, pending.encode(sign, state.server_secret), max_age=pending.LIFETIME_S,
        path=pending.PATH, httponly=True, samesite="lax",
        secure=request.url.scheme == "https")
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/auth/callback")
async def callback(request: Request, state: State, db: DbSession) -> Response:
    t = Translator(language(request))
    client = state.directory.oidc
    if client is None:
        return redirect("/admin/login")
    params = request.query_params
    sign = pending.decode(request.cookies.get(pending.COOKIE), state.server_secret)
    if params.get("error"):
        # The provider said no (access denied, consent refused…): its code, not its text.
        logger.warning("company sign-in refused by the provider: %s", params["error"][:64])
        return _refused(request, state, t, "provider", status_code=403)
    if not pending.state_matches(sign, params.get("state")) or not params.get("code"):
        logger.warning("company sign-in: unknown, replayed or expired state")
        return _refused(request, state, t, "state", status_code=400)
    assert sign is not None
    try:
        id_token = await client.redeem(params["code"], verifier=sign.verifier,
                                       redirect_uri=redirect_uri(request, state))
        claims = await client.verify(id_token, nonce=sign.nonce)
        person = sign_in(db, state.directory, claims)
    except OidcError as exc:
        db.rollback()
        logger.warning("company sign-in refused: %s", exc)
        return _refused(request, state, t, exc.reason)
    session = sessions.new_session(None, person_id=person.id)
    session_store.open_session(db, session)
    db.commit()
    response = redirect("/admin")
    response.delete_cookie(pending.COOKIE, path=pending.PATH)
    sessions.set_cookie(response, request, session, state.server_secret)
    return response

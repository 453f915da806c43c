"""Sign-in with a gateway key (break-glass when company sign-in is on), sign-out, and the
landing redirect by role. Company sign-in (OpenID Connect) is in :mod:`.company_signin`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.integrity import append_event
from gateway.console import session as sessions
from gateway.console import session_store
from gateway.console.deps import (
    CurrentViewer,
    PostedForm,
    current_session,
    key_may_sign_in,
    language,
    signed_in,
)
from gateway.console.i18n import Translator
from gateway.console.web import page, redirect
from gateway.errors import AuthenticationError
from gateway.state import GatewayState

router = APIRouter()

# Where each role lands after signing in: the first page it works with.
HOME = {"admin": "dashboard", "auditor": "interactions", "reviewer": "reviews",
        "employee": "me"}


@router.get("")
@router.get("/")
def home(viewer: CurrentViewer) -> Response:
    return redirect(f"/admin/{HOME.get(viewer.principal.role, 'me')}")


def login_page(request: Request, state: GatewayState, t: Translator, *,
               status_code: int = 200, **extra: Any) -> Response:
    """The sign-in page: the company button when configured, the key form as allowed."""
    existing = current_session(request, state)
    # The sign-in form is a POST like any other: it gets a CSRF token of its own.
    anonymous = existing or sessions.new_session(None)
    directory = state.directory
    response = page(
        request, "login.html", t, csrf=anonymous.csrf, status_code=status_code,
        company=directory.oidc is not None,
        provider=directory.provider_name or t("login.company_default"),
        key_login=directory.key_login, **extra,
    )
    if existing is None:
        sessions.set_cookie(response, request, anonymous, state.server_secret)
    return response


@router.get("/login")
def login_form(request: Request, state: State, db: DbSession) -> Response:
    t = Translator(language(request))
    if signed_in(db, current_session(request, state)):
        return redirect("/admin")
    notice = t("logout.done") if request.query_params.get("bye") else None
    return login_page(request, state, t, notice=notice)


@router.post("/login")
async def login(request: Request, state: State, form: PostedForm, db: DbSession) -> Response:
    t = Translator(language(request))
    try:
        principal = await state.authenticator.authenticate(form.get("key", "").strip())
    except AuthenticationError:
        return login_page(request, state, t, status_code=401, error=t("login.invalid"),
                          key_error=True)
    if not key_may_sign_in(principal, state.directory.key_login):
        return login_page(request, state, t, status_code=403,
                          error=t("login.key_admin_only"), key_error=True)
    # Sign-ins are part of the audit trail, break-glass ones first of all.
    append_event(db.connection(), "person.signed_in", key_id=principal.key_id,
                 detail={"person": principal.person_id, "method": "key"})
    # A fresh session (and CSRF token) at sign-in: nothing carries over from before.
    session = sessions.new_session(principal.key_id)
    session_store.open_session(db, session)
    db.commit()
    response = redirect("/admin")
    sessions.set_cookie(response, request, session, state.server_secret)
    return response


@router.post("/logout")
def logout(request: Request, state: State, form: PostedForm, db: DbSession) -> Response:
    """Sign-out ends the session on the server too: a copy of the cookie is worthless."""
    existing = current_session(request, state)
    if existing is not None:
        session_store.end(db, existing)
        db.commit()
    response = redirect("/admin/login?bye=1")
    sessions.clear_cookie(response, request)
    return response

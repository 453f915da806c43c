"""Sign-in with a gateway key, sign-out, and the landing redirect by role."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.api.deps import State
from gateway.console import session as sessions
from gateway.console.deps import CurrentViewer, PostedForm, current_session, language
from gateway.console.i18n import Translator
from gateway.console.web import page, redirect
from gateway.errors import AuthenticationError

router = APIRouter()

# Where each role lands after signing in: the first page it works with.
HOME = {"admin": "dashboard", "auditor": "interactions", "reviewer": "reviews",
        "employee": "me"}


@router.get("")
@router.get("/")
def home(viewer: CurrentViewer) -> Response:
    return redirect(f"/admin/{HOME.get(viewer.principal.role, 'me')}")


@router.get("/login")
def login_form(request: Request, state: State) -> Response:
    t = Translator(language(request))
    existing = current_session(request, state)
    if existing is not None and existing.key_id is not None:
        return redirect("/admin")
    # The sign-in form is a POST like any other: it gets a CSRF token of its own.
    anonymous = existing or sessions.new_session(None)
    notice = t("logout.done") if request.query_params.get("bye") else None
    response = page(request, "login.html", t, csrf=anonymous.csrf, notice=notice)
    sessions.set_cookie(response, request, anonymous, state.server_secret)
    return response


@router.post("/login")
async def login(request: Request, state: State, form: PostedForm) -> Response:
    t = Translator(language(request))
    try:
        principal = await state.authenticator.authenticate(form.get("key", "").strip())
    except AuthenticationError:
        anonymous = current_session(request, state) or sessions.new_session(None)
        return page(request, "login.html", t, csrf=anonymous.csrf, status_code=401,
                    error=t("login.invalid"))
    response = redirect("/admin")
    # A fresh session (and CSRF token) at sign-in: nothing carries over from before.
    sessions.set_cookie(response, request, sessions.new_session(principal.key_id),
                        state.server_secret)
    return response


@router.post("/logout")
def logout(request: Request, form: PostedForm) -> Response:
    response = redirect("/admin/login?bye=1")
    sessions.clear_cookie(response, request)
    return response

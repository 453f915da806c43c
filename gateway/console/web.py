"""Rendering console pages: the Jinja2 environment, page responses and error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.templating import Jinja2Templates
from starlette.responses import RedirectResponse, Response

from gateway.console import format as fmt
from gateway.console import session as sessions
from gateway.console.deps import ConsoleDenied, ConsoleRedirect, Viewer, current_session, language
from gateway.console.i18n import LANGS, Translator

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(
    when=fmt.when, money=fmt.money, number=fmt.number, ms=fmt.ms, short=fmt.short,
)


def _remember_language(request: Request, response: Response) -> None:
    lang = request.query_params.get("lang")
    if lang in LANGS:
        response.set_cookie(sessions.LANG_COOKIE, lang, max_age=365 * 86400, path="/admin",
                            samesite="lax", secure=request.url.scheme == "https")


def page(
    request: Request, template: str, t: Translator, *, viewer: Viewer | None = None,
    csrf: str | None = None, status_code: int = 200, **context: Any,
) -> Response:
    """A full page (or, for an htmx request naming a ``partial``, that fragment only)."""
    switch = request.url.include_query_params(lang=t.other)
    context.update(
        request=request, t=t, lang=t.lang, viewer=viewer,
        switch_url=f"{switch.path}?{switch.query}",
        csrf=csrf if csrf is not None else (viewer.session.csrf if viewer else ""),
        path=request.url.path,
    )
    response = templates.TemplateResponse(request, template, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    _remember_language(request, response)
    return response


def redirect(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)


async def _on_redirect(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleRedirect)
    if request.headers.get("hx-request"):
        # htmx follows redirects inside the fragment: make it load the whole page instead.
        return Response(status_code=204, headers={"HX-Redirect": exc.location})
    return redirect(exc.location)


async def _on_denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ConsoleDenied)
    t = Translator(language(request))
    viewer = getattr(request.state, "console_viewer", None)
    session = current_session(request, request.app.state.gateway)
    return page(request, "error.html", t, viewer=viewer, status_code=exc.status_code,
                csrf=session.csrf if session else "",
                title=t("error.forbidden") if exc.status_code == 403 else t("error.title"),
                message=exc.message(t))


def install(app: FastAPI) -> None:
    """Register the console's error pages (HTML, where the API answers JSON)."""
    app.add_exception_handler(ConsoleRedirect, _on_redirect)
    app.add_exception_handler(ConsoleDenied, _on_denied)

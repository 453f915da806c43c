"""Console dependencies: who is signed in, what their role lets them see, CSRF-checked forms."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.auth.keys import active_principal
from gateway.console import session as sessions
from gateway.console import session_store
from gateway.console.i18n import DEFAULT_LANG, Translator, normalize
from gateway.identity.models import Person
from gateway.principal import Principal

# Which role sees which page; admin sees everything, everyone sees their own activity.
PAGES: dict[str, tuple[str, ...]] = {
    "dashboard": ("admin",),
    "interactions": ("auditor", "admin"),
    "integrity": ("auditor", "admin"),
    "reviews": ("reviewer", "admin"),
    "keys": ("admin",),
    # Who may use the gateway and the chained sign-ins and access changes: read by auditors.
    "people": ("auditor", "admin"),
    # Read-only and aggregate: reviewers and auditors need the rules to judge a request.
    "policies": ("auditor", "reviewer", "admin"),
    "me": ("employee", "auditor", "reviewer", "admin"),
}
_MAX_FORM_BYTES = 64 * 1024


class ConsoleRedirect(Exception):
    """Send the browser elsewhere (to the sign-in page, mostly)."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


class ConsoleDenied(Exception):
    """A page or form the viewer may not use: rendered as an HTML error page."""

    def __init__(self, status_code: int, message_key: str, **values: str) -> None:
        super().__init__(message_key)
        self.status_code = status_code
        self.message_key = message_key
        self.values = values

    def message(self, t: Translator) -> str:
        return t(self.message_key, **self.values)


class RoleDenied(ConsoleDenied):
    """A page kept for other roles: the message names them, and the viewer's, in words."""

    def __init__(self, roles: tuple[str, ...], role: str) -> None:
        super().__init__(403, "error.forbidden_text")
        self.roles = roles
        self.role = role

    def message(self, t: Translator) -> str:
        names = [t("word.quoted", v=t.value("role", r)) for r in self.roles]
        roles = names[-1] if len(names) == 1 else (
            ", ".join(names[:-1]) + f" {t.condition('or', '')} " + names[-1])
        return t(self.message_key, roles=roles,
                 role=t("word.quoted", v=t.value("role", self.role)))


def language(request: Request) -> str:
    """``?lang=`` first (the switch), then the language cookie, then French."""
    return (
        normalize(request.query_params.get("lang"))
        or normalize(request.cookies.get(sessions.LANG_COOKIE))
        or DEFAULT_LANG
    )


def current_session(request: Request, state: State) -> sessions.ConsoleSession | None:
    return sessions.decode(request.cookies.get(sessions.COOKIE), state.server_secret)


def signed_in(db: Session, session: sessions.ConsoleSession | None) -> bool:
    """A signed-in cookie whose session the server still holds open (not signed out)."""
    return session is not None and session.signed_in and session_store.is_open(db, session)


@dataclass(frozen=True, slots=True)
class Viewer:
    """The signed-in person, their session and their language."""

    principal: Principal
    session: sessions.ConsoleSession
    t: Translator

    def may(self, page: str) -> bool:
        return self.principal.role in PAGES[page]

    @property
    def pages(self) -> list[str]:
        return [page for page in PAGES if self.may(page)]


def key_may_sign_in(principal: Principal, key_login: str) -> bool:
    """With ``GATEWAY_CONSOLE_KEY_LOGIN=admin``, only IT-issued admin keys (break-glass)."""
    return key_login == "all" or (principal.role == "admin" and not principal.personal)


def _person_principal(db: Session, session: sessions.ConsoleSession) -> Principal | None:
    """A company sign-in's person, while active and the session younger than a disabling.

    The person id stands where a key id would, in the access journal and review decisions:
    it says who acted, and there is no key.
    """
    person = db.get(Person, session.person_id) if session.person_id else None
    if person is None or not person.active or person.deleted_at is not None:
        return None
    voided = person.sessions_valid_after
    if voided is not None and session.issued_at < voided.timestamp():
        return None
    return Principal(key_id=person.id, user=person.email, department=person.department,
                     role=person.role, person_id=person.id)


def current_viewer(
    request: Request, state: State, db: DbSession,
    console_session: Annotated[sessions.ConsoleSession | None, Depends(current_session)],
) -> Viewer:
    if console_session is None or not signed_in(db, console_session):
        raise ConsoleRedirect("/admin/login")
    if console_session.key_id is not None:
        principal = active_principal(db, console_session.key_id)
        if principal is not None and not key_may_sign_in(principal, state.directory.key_login):
            principal = None
    else:
        principal = _person_principal(db, console_session)
    if principal is None:
        raise ConsoleRedirect("/admin/login")
    viewer = Viewer(principal, console_session, Translator(language(request)))
    request.state.console_viewer = viewer  # for the error pages, which keep the menu
    return viewer


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


def page_for(page: str) -> Callable[[Viewer], Viewer]:
    """A dependency letting through viewers whose role may see ``page`` (403 otherwise)."""
    roles = PAGES[page]

    def check(viewer: CurrentViewer) -> Viewer:
        if not viewer.may(page):
            raise RoleDenied(roles, viewer.principal.role)
        return viewer

    return check


async def posted_form(
    request: Request,
    console_session: Annotated[sessions.ConsoleSession | None, Depends(current_session)],
) -> dict[str, str]:
    """The URL-encoded form of a POST, once its CSRF token matched the session's (403 else)."""
    body = await request.body()
    if len(body) > _MAX_FORM_BYTES:
        raise ConsoleDenied(413, "error.csrf")
    form = dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    token = form.pop("csrf_token", None) or request.headers.get("x-csrf-token")
    if not sessions.csrf_matches(console_session, token):
        raise ConsoleDenied(403, "error.csrf")
    return form


PostedForm = Annotated[dict[str, str], Depends(posted_form)]
DashboardViewer = Annotated[Viewer, Depends(page_for("dashboard"))]
InteractionsViewer = Annotated[Viewer, Depends(page_for("interactions"))]
IntegrityViewer = Annotated[Viewer, Depends(page_for("integrity"))]
ReviewsViewer = Annotated[Viewer, Depends(page_for("reviews"))]
KeysViewer = Annotated[Viewer, Depends(page_for("keys"))]
PeopleViewer = Annotated[Viewer, Depends(page_for("people"))]
PoliciesViewer = Annotated[Viewer, Depends(page_for("policies"))]

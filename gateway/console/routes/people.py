"""People: who may use the gateway, where they come from, their role; disabling someone ends
their keys and sessions. Auditors read; admins act. Every action is a chained event."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.auth.models import ROLES
from gateway.console.deps import ConsoleDenied, PeopleViewer, PostedForm, Viewer
from gateway.console.web import page, redirect
from gateway.identity import directory_view, people
from gateway.identity.models import Person

router = APIRouter()


def _admin(viewer: Viewer) -> None:
    if viewer.principal.role != "admin":
        raise ConsoleDenied(403, "error.forbidden_text", roles="admin",
                            role=viewer.principal.role)


def _person(db: DbSession, person_id: str) -> Person:
    person = db.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise ConsoleDenied(404, "error.not_found")
    return person


@router.get("/people")
def people_page(request: Request, viewer: PeopleViewer, db: DbSession) -> Response:
    done = request.query_params.get("done")
    who = request.query_params.get("who")
    target = db.get(Person, who) if who else None
    return page(request, "people.html", viewer.t, viewer=viewer,
                people=directory_view.people(db), events=directory_view.recent_events(db),
                roles=ROLES, done=done, target=target,
                revoked=request.query_params.get("n", "0"))


@router.post("/people/{person_id}/disable")
def disable(person_id: str, viewer: PeopleViewer, db: DbSession, state: State,
            form: PostedForm) -> Response:
    _admin(viewer)
    keys = people.deactivate(db, _person(db, person_id), by="console")
    # Commit before dropping the cache, so no request can re-cache a key as still valid.
    db.commit()
    state.authenticator.invalidate()
    return redirect(f"/admin/people?done=disabled&who={person_id}&n={len(keys)}")


@router.post("/people/{person_id}/enable")
def enable(person_id: str, viewer: PeopleViewer, db: DbSession, form: PostedForm) -> Response:
    _admin(viewer)
    people.reactivate(db, _person(db, person_id), by="console")
    return redirect(f"/admin/people?done=enabled&who={person_id}")


@router.post("/people/{person_id}/profile")
def profile(person_id: str, viewer: PeopleViewer, db: DbSession, state: State,
            form: PostedForm) -> Response:
    _admin(viewer)
    role, department = form.get("role", ""), form.get("department", "").strip()[:100]
    if role not in ROLES or not department:
        raise ConsoleDenied(400, "people.bad_profile")
    people.set_profile(db, _person(db, person_id), by="console", role=role,
                       department=department)
    db.commit()
    # Personal keys follow the person's role: drop what the cache holds.
    state.authenticator.invalidate()
    return redirect(f"/admin/people?done=profile&who={person_id}")

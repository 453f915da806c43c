"""« Mes clés », in « Mon activité »: a signed-in person creates a key (the secret is shown
in that response only) and revokes their own."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.console.deps import ConsoleDenied, CurrentViewer, PostedForm
from gateway.console.routes.me import key_rules, render_me
from gateway.console.web import redirect
from gateway.identity import self_service
from gateway.identity.models import Person

router = APIRouter()


@router.post("/me/keys")
def create_key(
    request: Request, viewer: CurrentViewer, db: DbSession, state: State, form: PostedForm
) -> Response:
    person = db.get(Person, viewer.principal.person_id) if viewer.principal.person_id else None
    if person is None:
        raise ConsoleDenied(403, "mykeys.no_person")
    days_text = form.get("days", "").strip()
    try:
        row, secret = self_service.create(
            db, state.server_secret, person, key_rules(state), name=form.get("name", ""),
            tool=form.get("tool"), days=int(days_text) if days_text.isdigit() else None)
    except self_service.SelfServiceRefused as exc:
        return render_me(request, viewer, db, state, status_code=400,
                         key_error=viewer.t(exc.message_key, **exc.values), form=form)
    # The secret is in this response and nowhere else: no redirect.
    db.commit()
    return render_me(request, viewer, db, state, status_code=201, created=row, secret=secret)


@router.post("/me/keys/{key_id}/revoke")
def revoke_key(
    key_id: str, viewer: CurrentViewer, db: DbSession, state: State, form: PostedForm
) -> Response:
    person_id = viewer.principal.person_id
    row = self_service.revoke_own(db, person_id, key_id) if person_id else None
    if row is None:
        raise ConsoleDenied(404, "error.not_found")
    # Commit before dropping the cache, so no request can re-cache the key as still valid.
    db.commit()
    state.authenticator.invalidate()
    return redirect("/admin/me?revoked=1")

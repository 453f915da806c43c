"""Gateway keys: create (the secret shown once, in that response only), list, revoke."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.auth.keys import MAX_TAGS, create_key, invalid_tags, list_keys, revoke_key
from gateway.auth.models import ROLES
from gateway.console.deps import ConsoleDenied, KeysViewer, PostedForm, Viewer
from gateway.console.views import policy_tags
from gateway.console.web import page, redirect
from gateway.settings import resolve_secret_key

router = APIRouter()
_FIELDS = ("user", "department", "role", "tool", "tags")


def _keys_page(request: Request, viewer: Viewer, db: DbSession, state: State,
               status_code: int = 200, **extra: Any) -> Response:
    revoked = request.query_params.get("revoked")
    return page(request, "keys.html", viewer.t, viewer=viewer, keys=list_keys(db),
                roles=ROLES, revoked=revoked, policy_tags=policy_tags(state.policy_set),
                status_code=status_code, **extra)


@router.get("/keys")
def keys(request: Request, viewer: KeysViewer, db: DbSession, state: State) -> Response:
    return _keys_page(request, viewer, db, state)


def tags_of(text: str) -> list[str]:
    """The tags typed in the form: separated by commas or spaces, as ``--tag`` repeated."""
    return [tag for tag in text.replace(",", " ").split() if tag]


def _problem(fields: dict[str, str], viewer: Viewer) -> str | None:
    """Why the form cannot make a key, in the viewer's language; ``None`` when it can."""
    t = viewer.t
    if not fields["user"] or not fields["department"]:
        return t("keys.user") + " / " + t("keys.department")
    if fields["role"] not in ROLES:
        return t("keys.role")
    tags = tags_of(fields["tags"])
    if wrong := invalid_tags(tags):
        return t("keys.bad_tag", tag=wrong[0])
    if len(set(tags)) > MAX_TAGS:
        return t("keys.too_many_tags", n=MAX_TAGS)
    return None


@router.post("/keys")
def create(
    request: Request, viewer: KeysViewer, db: DbSession, state: State, form: PostedForm
) -> Response:
    fields = {name: form.get(name, "").strip() for name in _FIELDS}
    problem = _problem(fields, viewer)
    if problem is None:
        try:
            row, token = create_key(
                db, resolve_secret_key(state.settings), user=fields["user"],
                department=fields["department"], role=fields["role"],
                tool=fields["tool"] or None, tags=tags_of(fields["tags"]),
            )
        except ValueError as exc:
            problem = str(exc)
        else:
            db.flush()
            # No redirect: the secret must appear in this response and nowhere else.
            return _keys_page(request, viewer, db, state, status_code=201, created=row,
                              secret=token)
    return _keys_page(request, viewer, db, state, status_code=400, form=fields,
                      error=viewer.t("keys.invalid", reason=problem))


@router.post("/keys/{key_id}/revoke")
def revoke(
    key_id: str, viewer: KeysViewer, db: DbSession, state: State, form: PostedForm
) -> Response:
    row = revoke_key(db, key_id)
    if row is None:
        raise ConsoleDenied(404, "error.not_found")
    # Commit before dropping the cache, so no request can re-cache the key as still valid.
    db.commit()
    state.authenticator.invalidate()
    return redirect(f"/admin/keys?revoked={key_id}")

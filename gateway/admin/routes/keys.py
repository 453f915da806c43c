"""``/admin/api/keys``: issue, list and revoke gateway keys (admins)."""

from __future__ import annotations

from fastapi import APIRouter

from gateway.admin.deps import Admin, DbSession
from gateway.admin.schemas import KeyCreate, KeyCreated, KeyOut
from gateway.api.deps import State
from gateway.auth.keys import create_key, list_keys, revoke_key
from gateway.auth.models import ApiKey
from gateway.errors import InvalidRequestError, NotFoundError
from gateway.settings import resolve_secret_key

router = APIRouter(prefix="/keys", tags=["admin: keys"])


def describe(row: ApiKey) -> KeyOut:
    return KeyOut(
        id=row.id, prefix=row.prefix, user=row.user_email, department=row.department,
        role=row.role, tool=row.tool, tags=[str(tag) for tag in row.tags or []],
        created_at=row.created_at.isoformat() if row.created_at else None,
        last_used_at=row.last_used_at.isoformat() if row.last_used_at else None,
        revoked_at=row.revoked_at.isoformat() if row.revoked_at else None,
        person_id=row.person_id, kind=row.kind, name=row.name,
        expires_at=row.expires_at.isoformat() if row.expires_at else None,
        revoked_reason=row.revoked_reason,
    )


@router.get("", response_model=list[KeyOut])
def list_all(principal: Admin, session: DbSession) -> list[KeyOut]:
    """Every key, revoked ones included; never a secret."""
    return [describe(row) for row in list_keys(session)]


@router.post("", response_model=KeyCreated, status_code=201)
def create(body: KeyCreate, principal: Admin, session: DbSession, state: State) -> KeyCreated:
    """Issue a key; its secret is in this response and nowhere else."""
    try:
        row, token = create_key(
            session, resolve_secret_key(state.settings), user=body.user,
            department=body.department, role=body.role, tool=body.tool, tags=body.tags,
        )
    except ValueError as exc:
        raise InvalidRequestError(str(exc)) from exc
    return KeyCreated(**describe(row).model_dump(), key=token)


@router.post("/{key_id}/revoke", response_model=KeyOut)
def revoke(key_id: str, principal: Admin, session: DbSession, state: State) -> KeyOut:
    """Revoke a key: refused here at once, everywhere within the key cache TTL."""
    row = revoke_key(session, key_id)
    if row is None:
        raise NotFoundError(f"Aucune clé {key_id}.")
    out = describe(row)
    # Commit before dropping the cache, so no request can re-cache the key as still valid.
    session.commit()
    state.authenticator.invalidate()
    return out

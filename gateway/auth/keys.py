"""Key secrets: generation, hashing, and the key table's queries.

A key is ``gw-`` plus 43 URL-safe random characters, shown once. Only its HMAC-SHA256 under
the server secret is stored, so a copy of the database does not let anyone call the gateway,
and looking a key up is one indexed equality on the hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.integrity import append_event
from gateway.auth.models import ISSUED, PERSONAL, ROLES, ApiKey
from gateway.auth.revocation import announce
from gateway.db.base import utcnow
from gateway.identity.models import Person
from gateway.identity.people import ensure_person
from gateway.principal import Principal

SECRET_PREFIX = "gw-"  # noqa: S105 (a public prefix, not a secret)
# Policies match a key's tags exactly (``key_tags: [stagiaire]``): one word each, no spaces,
# so a tag typed in a form or on the command line is the tag a policy names.
TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
MAX_TAGS = 16


def invalid_tags(tags: Iterable[str]) -> list[str]:
    """The tags that do not have a tag's shape (letters, digits, ``-``, ``_``, ``.``; ≤ 32)."""
    return [tag for tag in tags if not TAG.fullmatch(tag)]


def clean_tags(tags: Iterable[str]) -> list[str]:
    """A key's tags, stripped and without repeats; ``ValueError`` names a malformed one."""
    cleaned = list(dict.fromkeys(tag.strip() for tag in tags))
    wrong = invalid_tags(cleaned)
    if wrong:
        raise ValueError(f"invalid tag {wrong[0]!r}: one word of letters, digits, '-', '_' "
                         "or '.', up to 32 characters")
    if len(cleaned) > MAX_TAGS:
        raise ValueError(f"at most {MAX_TAGS} tags per key")
    return cleaned


def generate_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def hash_secret(server_secret: bytes, token: str) -> str:
    digest = hmac.new(server_secret, token.encode("utf-8", "surrogatepass"), hashlib.sha256)
    return digest.hexdigest()


def principal_of(row: ApiKey, person: Person | None = None) -> Principal:
    """Who a key acts for. A personal key follows its owner's current role and department
    (what the directory says now); an issued key carries what IT wrote on it."""
    personal = row.kind == PERSONAL and person is not None
    return Principal(
        key_id=row.id,
        user=person.email if person is not None else row.user_email,
        department=person.department if personal and person else row.department,
        role=person.role if personal and person else row.role,
        tool=row.tool,
        tags=tuple(str(tag) for tag in row.tags or ()),
        personal=row.kind == PERSONAL,
        person_id=row.person_id,
    )


def create_key(
    session: Session,
    server_secret: bytes,
    *,
    user: str,
    department: str,
    role: str = "employee",
    tool: str | None = None,
    tags: list[str] | None = None,
) -> tuple[ApiKey, str]:
    """Add a key and return it with its secret, which is not kept anywhere else."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    if not user.strip() or not department.strip():
        raise ValueError("user and department must not be empty")
    tags = clean_tags(tags or [])
    # Every key belongs to a person, so disabling the person ends it.
    person = ensure_person(session, user, department=department.strip(), role=role)
    secret = generate_secret()
    row = ApiKey(
        id="key_" + secrets.token_hex(8),
        prefix=secret[:10],
        secret_hash=hash_secret(server_secret, secret),
        user_email=person.email,
        department=department.strip(),
        role=role,
        tool=tool,
        tags=tags,
        created_at=utcnow(),
        person_id=person.id,
        kind=ISSUED,
    )
    session.add(row)
    session.flush()
    # Who may call the gateway is part of the audit trail: chained with the same commit.
    # No e-mail in the chain (it could not forget it): the person's id says whose key it is.
    append_event(session.connection(), "key.created", key_id=row.id, detail={
        "department": row.department, "role": row.role,
        "tool": row.tool, "tags": tags,  # tags decide which policies apply (key_tags)
        "person": person.id, "kind": ISSUED,
    })
    return row, secret


def create_personal_key(
    session: Session, server_secret: bytes, person: Person, *, name: str,
    tool: str | None = None, expires_at: datetime | None = None,
) -> tuple[ApiKey, str]:
    """A self-service key of ``person`` (limits are checked by the caller's service)."""
    secret = generate_secret()
    row = ApiKey(
        id="key_" + secrets.token_hex(8),
        prefix=secret[:10],
        secret_hash=hash_secret(server_secret, secret),
        user_email=person.email,
        department=person.department,
        role=person.role,
        tool=tool,
        tags=[],
        created_at=utcnow(),
        person_id=person.id,
        kind=PERSONAL,
        name=name,
        expires_at=expires_at,
    )
    session.add(row)
    session.flush()
    # No e-mail in the chain: the person's id says whose key it is.
    append_event(session.connection(), "key.created", key_id=row.id, detail={
        "person": person.id, "kind": PERSONAL, "tool": tool,
        "expires_at": expires_at.isoformat() if expires_at else None,
    })
    return row, secret


def usable(row: ApiKey, person: Person | None, now: datetime) -> bool:
    """Unrevoked, unexpired, and its owner (if any) still active."""
    if row.revoked_at is not None:
        return False
    if row.expires_at is not None and row.expires_at <= now:
        return False
    return person is None or (person.active and person.deleted_at is None)


def active_principal(session: Session, key_id: str) -> Principal | None:
    """The principal of a usable key, by id (console sessions re-check it on every page)."""
    row = session.get(ApiKey, key_id)
    if row is None:
        return None
    person = session.get(Person, row.person_id) if row.person_id else None
    return principal_of(row, person) if usable(row, person, utcnow()) else None


def find_active(
    session: Session, server_secret: bytes, token: str
) -> tuple[ApiKey, Person | None] | None:
    """The usable key whose secret is ``token``, with its owner, if any."""
    digest = hash_secret(server_secret, token)
    found = session.execute(
        select(ApiKey, Person).outerjoin(Person, Person.id == ApiKey.person_id)
        .where(ApiKey.secret_hash == digest)
    ).first()
    # The index lookup already matched; compare again in constant time so no code path
    # depends on a non-constant-time comparison of secrets.
    if found is None or not hmac.compare_digest(found[0].secret_hash, digest):
        return None
    row, person = found
    return (row, person) if usable(row, person, utcnow()) else None


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: str, *, by: str | None = None) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        row.revoked_reason = by
        session.flush()
        detail: dict[str, str | None] = {"person": row.person_id}
        if by:
            detail["by"] = by
        append_event(session.connection(), "key.revoked", key_id=row.id, detail=detail)
        # Running processes drop the key from their caches within a second.
        announce(session.connection(), key_ids=[row.id], reason="key.revoked")
    return row


def count_keys(session: Session) -> int:
    return len(session.scalars(select(ApiKey.id).limit(1)).all())

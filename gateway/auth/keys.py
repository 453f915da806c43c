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
from dataclasses import dataclass, field

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from gateway.audit.integrity import append_event
from gateway.auth.models import ROLES, ApiKey
from gateway.auth.revocation import announce
from gateway.db.base import utcnow

SECRET_PREFIX = "gw-"  # noqa: S105 (a public prefix, not a secret)
# Policies match a key's tags exactly (``key_tags: [stagiaire]``): one word each, no spaces,
# so a tag typed in a form or on the command line is the tag a policy names.
TAG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,31}")
MAX_TAGS = 16


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: what the request pipeline and policies know about a key's owner."""

    key_id: str
    user: str
    department: str
    role: str
    tool: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)


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


def principal_of(row: ApiKey) -> Principal:
    return Principal(
        key_id=row.id,
        user=row.user_email,
        department=row.department,
        role=row.role,
        tool=row.tool,
        tags=tuple(str(tag) for tag in row.tags or ()),
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
    secret = generate_secret()
    row = ApiKey(
        id="key_" + secrets.token_hex(8),
        prefix=secret[:10],
        secret_hash=hash_secret(server_secret, secret),
        user_email=user.strip(),
        department=department.strip(),
        role=role,
        tool=tool,
        tags=tags,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    # Who may call the gateway is part of the audit trail: chained with the same commit.
    append_event(session.connection(), "key.created", key_id=row.id, detail={
        "user": row.user_email, "department": row.department, "role": row.role,
        "tool": row.tool, "tags": tags,  # tags decide which policies apply (key_tags)
    })
    return row, secret


def find_active(session: Session, server_secret: bytes, token: str) -> ApiKey | None:
    """The unrevoked key whose secret is ``token``, if any."""
    digest = hash_secret(server_secret, token)
    row = session.scalars(select(ApiKey).where(ApiKey.secret_hash == digest)).first()
    # The index lookup already matched; compare again in constant time so no code path
    # depends on a non-constant-time comparison of secrets.
    if row is None or not hmac.compare_digest(row.secret_hash, digest) or row.revoked_at:
        return None
    return row


def list_keys(session: Session, *, include_revoked: bool = True) -> list[ApiKey]:
    query = select(ApiKey).order_by(ApiKey.created_at)
    if not include_revoked:
        query = query.where(ApiKey.revoked_at.is_(None))
    return list(session.scalars(query))


def revoke_key(session: Session, key_id: str) -> ApiKey | None:
    row = session.get(ApiKey, key_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        append_event(session.connection(), "key.revoked", key_id=row.id,
                     detail={"user": row.user_email})
        # Running processes drop the key from their caches within a second.
        announce(session.connection(), key_ids=[row.id], reason="key.revoked")
    return row


def count_keys(session: Session) -> int:
    return len(session.scalars(select(ApiKey.id).limit(1)).all())


def touch_keys(connection: Connection, seen: dict[str, object]) -> None:
    """Record ``last_used_at`` for keys seen recently (batched by the audit writer)."""
    for key_id, when in seen.items():
        connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=when))

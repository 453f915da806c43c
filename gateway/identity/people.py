"""People: find or create them, change their role or department, disable and re-enable them.

Every change here is an event of the integrity chain, appended in the caller's transaction
(so it commits with the change or not at all). Event details name people by their id, never
by their e-mail: the chain keeps no personal data in clear.

Disabling a person revokes every key they hold (``revoked_reason = "person.deprovisioned"``:
a key never comes back, even if the person does) and voids their console sessions. Callers
drop the key cache once the transaction has committed (``KeyAuthenticator.invalidate``).
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gateway.audit.integrity import append_event
from gateway.auth.models import ROLES, ApiKey
from gateway.auth.revocation import announce
from gateway.db.base import utcnow
from gateway.identity.mapping import IdentityMapping
from gateway.identity.models import Person

DEPROVISIONED = "person.deprovisioned"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def new_person_id() -> str:
    return "per_" + secrets.token_hex(8)


def by_email(session: Session, email: str) -> Person | None:
    return session.scalars(select(Person).where(Person.email == normalize_email(email))).first()


def create_person(
    session: Session, email: str, *, department: str, role: str, source: str,
    display_name: str | None = None, by: str | None = None,
) -> Person:
    """Add a person; ``by`` says who did (``oidc``, ``scim``, ``console``, ``cli``…)."""
    email = normalize_email(email)
    if not email:
        raise ValueError("a person needs an e-mail (or, from SCIM, a user name)")
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}: choose one of {', '.join(ROLES)}")
    now = utcnow()
    person = Person(
        id=new_person_id(), email=email, display_name=display_name,
        department=department.strip() or "general", role=role, active=True, source=source,
        created_at=now, updated_at=now,
    )
    session.add(person)
    session.flush()
    append_event(session.connection(), "person.created", detail={
        "person": person.id, "source": source, "by": by or source, "role": role,
        "department": person.department,
    })
    return person


def ensure_person(session: Session, email: str, *, department: str, role: str) -> Person:
    """The person behind an e-mail, created (``manual``) when IT issues a first key."""
    return by_email(session, email) or create_person(
        session, email, department=department, role=role, source="manual", by="it")


def set_profile(
    session: Session, person: Person, *, by: str, role: str | None = None,
    department: str | None = None,
) -> dict[str, list[str]]:
    """Change role and/or department; the changes (``{"role": [old, new]}``) are chained."""
    changes: dict[str, list[str]] = {}
    if role is not None and role != person.role:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        changes["role"] = [person.role, role]
        person.role = role
    department = department.strip() if department else None
    if department and department != person.department:
        changes["department"] = [person.department, department]
        person.department = department
    if changes:
        person.updated_at = utcnow()
        session.flush()
        append_event(session.connection(), "person.updated",
                     detail={"person": person.id, "by": by, **changes})
        # Personal keys act with the person's role: cached principals are looked up again.
        announce(session.connection(), user=person.email, reason="person.updated")
    return changes


def deactivate(session: Session, person: Person, *, by: str,
               now: datetime | None = None) -> list[str]:
    """Disable a person: their keys are revoked, their sessions void. Returns the key ids."""
    now = now or utcnow()
    keys = list(session.scalars(
        select(ApiKey.id).where(ApiKey.person_id == person.id, ApiKey.revoked_at.is_(None))))
    if keys:
        session.execute(
            update(ApiKey).where(ApiKey.id.in_(keys))
            .values(revoked_at=now, revoked_reason=DEPROVISIONED))
    was_active = person.active
    person.active = False
    person.deactivated_at = person.deactivated_at if not was_active else now
    person.sessions_valid_after = now
    person.updated_at = now
    session.flush()
    connection = session.connection()
    for key_id in keys:
        append_event(connection, "key.revoked", key_id=key_id,
                     detail={"person": person.id, "reason": DEPROVISIONED})
    # Every running process drops the person's keys from its cache within a second.
    announce(connection, key_ids=keys, user=person.email, reason=DEPROVISIONED)
    if was_active or keys:
        append_event(connection, DEPROVISIONED,
                     detail={"person": person.id, "by": by, "keys_revoked": len(keys)})
    return keys


def reactivate(session: Session, person: Person, *, by: str) -> bool:
    """Enable a disabled person again (their old keys stay revoked). True if it changed."""
    if person.active and person.deleted_at is None:
        return False
    person.active = True
    person.deactivated_at = None
    person.deleted_at = None
    person.updated_at = utcnow()
    session.flush()
    append_event(session.connection(), "person.reactivated",
                 detail={"person": person.id, "by": by})
    return True


def active_keys_of(session: Session, person_id: str, now: datetime | None = None) -> int:
    """How many usable keys a person has (unrevoked, unexpired)."""
    now = now or utcnow()
    return session.scalar(
        select(func.count()).select_from(ApiKey).where(
            ApiKey.person_id == person_id, ApiKey.revoked_at.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        )) or 0


def refresh_profile(session: Session, person: Person, mapping: IdentityMapping, *,
                    groups: list[str] | None, by: str) -> dict[str, list[str]]:
    """Role and department from what the directory says now.

    ``groups`` is ``None`` when the directory said nothing about groups (no groups claim):
    the role then stays as it is. A mapping without roles never changes a role either, so
    a role IT set in the console survives. The department is a mapped group's, else the
    directory's own (``directory_department``); with neither, it stays.
    """
    role = mapping.role_for(groups) if groups is not None and mapping.roles else None
    department = mapping.department_for(groups or []) or person.directory_department
    return set_profile(session, person, by=by, role=role, department=department)

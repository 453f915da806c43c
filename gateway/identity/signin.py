"""From a verified ID token to a person: create them at their first sign-in, refresh their
role and department at every later one, and chain the sign-in.

Who is who: the token's ``sub`` first (stable when an e-mail changes), else the e-mail (a
person IT or SCIM created before their first sign-in). A person already bound to another
``sub`` is refused: the address was given to someone else's account. A disabled person is
refused, whatever the directory says, until SCIM or IT re-enables them.

What the directory says wins when it says it: with the groups claim present, the role is
recomputed from it (leaving an admin group demotes); without it (Google has no groups
claim), the role IT set in the console stays.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.integrity import append_event
from gateway.db.base import utcnow
from gateway.identity.directory import Directory
from gateway.identity.models import Person
from gateway.identity.oidc import OidcError
from gateway.identity.people import by_email, create_person, normalize_email, refresh_profile


def _groups(claims: dict[str, Any], name: str) -> list[str] | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [str(item) for item in value if isinstance(item, str | int)]
    return []


def _email(claims: dict[str, Any], claim: str) -> str:
    for name in (claim, "email"):
        value = claims.get(name)
        if isinstance(value, str) and "@" in value:
            return normalize_email(value)
    raise OidcError("no_email", f"no e-mail in claim {claim!r}")


def sign_in(session: Session, directory: Directory, claims: dict[str, Any]) -> Person:
    """The person these verified claims describe, created or refreshed; chained sign-in."""
    email = _email(claims, directory.email_claim)
    if claims.get("email_verified") is False:
        raise OidcError("email_unverified", "the issuer says the e-mail is not verified")
    if not directory.domain_allowed(email):
        raise OidcError("domain", f"domain of {email.rpartition('@')[2]} not allowed")
    groups = _groups(claims, directory.groups_claim)
    mapping = directory.mapping
    if not mapping.admits(groups or []):
        raise OidcError("not_allowed", "in none of the allowed groups")
    subject = str(claims["sub"])
    person = session.scalars(select(Person).where(Person.oidc_subject == subject)).first()
    if person is None:
        person = by_email(session, email)
        if person is not None and person.oidc_subject not in (None, subject):
            raise OidcError("subject", "this e-mail belongs to another account")
    claimed = claims.get(mapping.department_claim) if mapping.department_claim else None
    claimed = claimed.strip()[:100] or None if isinstance(claimed, str) else None
    name = claims.get("name") if isinstance(claims.get("name"), str) else None
    if person is None:
        person = create_person(
            session, email, source="oidc", by="oidc", display_name=name,
            role=mapping.role_for(groups or []),
            department=mapping.department_for(groups or []) or claimed
            or mapping.default_department,
        )
        person.directory_department = claimed
    elif not person.active or person.deleted_at is not None:
        raise OidcError("disabled", "this person is disabled")
    else:
        if claimed is not None:
            person.directory_department = claimed
        refresh_profile(session, person, mapping, groups=groups, by="oidc")
        if person.email != email and by_email(session, email) is None:
            person.email = email  # the directory renamed them; sub says it is them
    person.oidc_subject = subject
    person.display_name = name or person.display_name
    person.last_sign_in_at = utcnow()
    session.flush()
    append_event(session.connection(), "person.signed_in",
                 detail={"person": person.id, "method": "oidc"})
    return person

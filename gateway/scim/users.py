"""SCIM users over the people table: representation, create, replace, patch, delete, search.

A SCIM user is a person (``id`` is the person's id). Every person not deleted is listed, so
a directory switched on after people signed in finds them (``userName eq``) and takes them
over instead of failing on a duplicate. ``active: false`` and ``DELETE`` deprovision: every
key of the person is revoked, every console session ends (gateway.identity.people).
"""

from __future__ import annotations

import re
from typing import Any

from scim2_models import (
    Context,
    InvalidFilterException,
    InvalidValueException,
    Meta,
    NotFoundException,
    PatchOp,
    ScimFilter,
    UniquenessException,
)
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gateway.db.base import utcnow
from gateway.identity.mapping import IdentityMapping
from gateway.identity.models import DirectoryGroup, GroupMember, Person
from gateway.identity.people import (
    by_email,
    create_person,
    deactivate,
    normalize_email,
    reactivate,
    refresh_profile,
)
from gateway.scim.resources import POLICY, EnterpriseUser, GroupRef, Name, User

_SIMPLE_EQ = re.compile(r'^\s*(userName|externalId)\s+eq\s+"((?:[^"\\]|\\.)*)"\s*$', re.I)
BY = "scim"


def version_of(person: Person) -> str:
    return f'W/"{int(person.updated_at.timestamp() * 1_000_000)}"'


def groups_of(session: Session, person_id: str) -> list[tuple[str, str, str | None]]:
    """(id, name, external id) of the person's directory groups."""
    rows = session.execute(
        select(DirectoryGroup.id, DirectoryGroup.display_name, DirectoryGroup.external_id)
        .join(GroupMember, GroupMember.group_id == DirectoryGroup.id)
        .where(GroupMember.person_id == person_id).order_by(DirectoryGroup.display_name))
    return [(row[0], row[1], row[2]) for row in rows]


def group_names(session: Session, person_id: str) -> list[str]:
    """What the mapping matches: each group's name and external id."""
    return [name for _, display, external in groups_of(session, person_id)
            for name in (display, external) if name]


def to_user(session: Session, person: Person, base_url: str) -> User:
    groups = groups_of(session, person.id)
    name = (Name(given_name=person.given_name, family_name=person.family_name)
            if person.given_name or person.family_name else None)
    user = User(
        id=person.id, external_id=person.external_id, user_name=person.email, name=name,
        display_name=person.display_name, active=person.active,
        groups=[GroupRef(value=gid, display=display) for gid, display, _ in groups] or None,
        meta=Meta(resource_type="User", created=person.created_at,
                  last_modified=person.updated_at, location=f"{base_url}/Users/{person.id}",
                  version=version_of(person)),
    )
    if person.directory_department:
        user[EnterpriseUser] = EnterpriseUser(department=person.directory_department)
    return user


def read_user(payload: Any, context: Context) -> User:
    if isinstance(payload, dict) and context == Context.RESOURCE_CREATION_REQUEST:
        payload = {"active": True, **payload}  # a new user is active unless it says not
    return User.model_validate(payload, scim_ctx=context, scim_policy=POLICY)


def _email_of(user: User) -> str:
    """The person's e-mail: ``userName`` when it is one, else the primary ``emails`` value,
    else the user name itself (company sign-in then finds them by their ``sub`` only)."""
    name = normalize_email(user.user_name or "")
    if "@" in name:
        return name
    emails = user.unknown_attributes.get("emails")
    if isinstance(emails, list):
        ranked = sorted((e for e in emails if isinstance(e, dict)),
                        key=lambda e: not e.get("primary"))
        for entry in ranked:
            value = entry.get("value")
            if isinstance(value, str) and "@" in value:
                return normalize_email(value)
    if not name:
        raise InvalidValueException(detail="userName is required")
    return name


def _apply(session: Session, person: Person, user: User, mapping: IdentityMapping) -> None:
    """Write a validated user onto a person (the SCIM attributes, then what follows)."""
    email = _email_of(user)
    if email != person.email:
        other = by_email(session, email)
        if other is not None and other.id != person.id:
            raise UniquenessException(detail=f"userName {user.user_name!r} is taken")
        person.email = email
    person.external_id = user.external_id
    person.display_name = user.display_name
    person.given_name = user.name.given_name if user.name else None
    person.family_name = user.name.family_name if user.name else None
    extension = user[EnterpriseUser]
    department = extension.department if extension is not None else None
    person.directory_department = department.strip()[:100] or None if department else None
    person.updated_at = utcnow()
    session.flush()
    refresh_profile(session, person, mapping, groups=group_names(session, person.id), by=BY)
    if user.active is False and person.active:
        deactivate(session, person, by=BY)
    elif user.active is not False and not person.active:
        reactivate(session, person, by=BY)


def get_person(session: Session, person_id: str) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise NotFoundException(detail=f"no user {person_id}")
    return person


def create_user(session: Session, user: User, mapping: IdentityMapping) -> Person:
    email = _email_of(user)
    person = by_email(session, email)
    if person is not None and person.deleted_at is None:
        raise UniquenessException(detail=f"userName {user.user_name!r} already exists")
    if person is None:
        person = create_person(session, email, department=mapping.default_department,
                               role=mapping.default_role, source=BY, by=BY)
    else:  # deleted before, provisioned again: the same person comes back
        person.deleted_at = None
        reactivate(session, person, by=BY)
    person.source = BY
    _apply(session, person, user, mapping)
    return person


def replace_user(session: Session, person: Person, user: User, mapping: IdentityMapping
                 ) -> None:
    _apply(session, person, user, mapping)


def patch_user(session: Session, person: Person, patch: PatchOp[User], base_url: str,
               mapping: IdentityMapping) -> None:
    user = to_user(session, person, base_url)
    if patch.patch(user, scim_policy=POLICY):
        _apply(session, person, user, mapping)


def delete_user(session: Session, person: Person) -> None:
    """Deprovision and hide: the row stays for the history (records, keys point at it)."""
    deactivate(session, person, by=BY)
    person.deleted_at = utcnow()
    session.execute(delete(GroupMember).where(GroupMember.person_id == person.id))


def search_users(session: Session, filter_text: str | None, base_url: str, *,
                 strict: bool = True) -> list[User]:
    """The users matching a SCIM filter, oldest first (a simple ``eq`` is one SQL lookup)."""
    query = select(Person).where(Person.deleted_at.is_(None)).order_by(Person.created_at,
                                                                       Person.id)
    simple = _SIMPLE_EQ.match(filter_text or "")
    if simple is not None:
        value = simple.group(2).replace('\\"', '"').replace("\\\\", "\\")
        if simple.group(1).lower() == "username":
            query = query.where(Person.email == normalize_email(value))
        else:
            query = query.where(Person.external_id == value)
        return [to_user(session, p, base_url) for p in session.scalars(query)]
    users = [to_user(session, p, base_url) for p in session.scalars(query)]
    if not filter_text:
        return users
    # A company has hundreds of people, not millions: other filters are matched in memory,
    # with every operator RFC 7644 defines.
    try:
        selector = ScimFilter[User](filter_text)
    except InvalidFilterException:
        if strict:
            raise
        return []  # a search across types: this filter is about another type
    return [user for user in users if selector.match(user)]

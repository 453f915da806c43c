"""SCIM groups: the directory's groups and who is in them.

A group matters through the mapping (its name or external id gives a role or a department):
whenever its members or its name change, the role and department of every person concerned
are computed again, and each change is a chained ``person.updated`` event.
"""

from __future__ import annotations

import secrets

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
from gateway.identity.people import refresh_profile
from gateway.scim.resources import POLICY, Group, Member
from gateway.scim.users import BY, group_names


def read_group(payload: object, context: Context) -> Group:
    return Group.model_validate(payload, scim_ctx=context, scim_policy=POLICY)


def member_ids(session: Session, group_id: str) -> list[str]:
    return list(session.scalars(select(GroupMember.person_id)
                                .where(GroupMember.group_id == group_id)
                                .order_by(GroupMember.person_id)))


def to_group(session: Session, group: DirectoryGroup, base_url: str) -> Group:
    people = session.execute(
        select(Person.id, Person.email).join(GroupMember, GroupMember.person_id == Person.id)
        .where(GroupMember.group_id == group.id).order_by(Person.email)).all()
    return Group(
        id=group.id, external_id=group.external_id, display_name=group.display_name,
        members=[Member.model_validate({"value": pid, "$ref": f"{base_url}/Users/{pid}"})
                 for pid, _ in people] or None,
        meta=Meta(resource_type="Group", created=group.created_at,
                  last_modified=group.updated_at, location=f"{base_url}/Groups/{group.id}",
                  version=f'W/"{int(group.updated_at.timestamp() * 1_000_000)}"'),
    )


def get_group(session: Session, group_id: str) -> DirectoryGroup:
    group = session.get(DirectoryGroup, group_id)
    if group is None:
        raise NotFoundException(detail=f"no group {group_id}")
    return group


def _refresh(session: Session, person_ids: set[str], mapping: IdentityMapping) -> None:
    for person_id in sorted(person_ids):
        person = session.get(Person, person_id)
        if person is not None and person.deleted_at is None:
            refresh_profile(session, person, mapping, groups=group_names(session, person_id),
                            by=BY)


def _apply(session: Session, group: DirectoryGroup, model: Group,
           mapping: IdentityMapping) -> None:
    name = (model.display_name or "").strip()
    if not name:
        raise InvalidValueException(detail="displayName is required")
    taken = session.scalars(select(DirectoryGroup.id).where(
        DirectoryGroup.display_name == name, DirectoryGroup.id != group.id)).first()
    if taken is not None:
        raise UniquenessException(detail=f"a group named {name!r} exists")
    renamed = group.display_name != name or group.external_id != model.external_id
    group.display_name, group.external_id = name, model.external_id
    group.updated_at = utcnow()
    wanted = {m.value for m in model.members or [] if m.value}
    known = set(session.scalars(select(Person.id).where(
        Person.id.in_(wanted), Person.deleted_at.is_(None)))) if wanted else set()
    if wanted - known:
        raise InvalidValueException(
            detail=f"unknown member(s): {', '.join(sorted(wanted - known))}")
    current = set(member_ids(session, group.id))
    if wanted - current:
        session.add_all(GroupMember(group_id=group.id, person_id=pid)
                        for pid in sorted(wanted - current))
    if current - wanted:
        session.execute(delete(GroupMember).where(
            GroupMember.group_id == group.id, GroupMember.person_id.in_(current - wanted)))
    session.flush()
    _refresh(session, (current | wanted) if renamed else (current ^ wanted), mapping)


def create_group(session: Session, model: Group, mapping: IdentityMapping) -> DirectoryGroup:
    now = utcnow()
    group = DirectoryGroup(id="grp_" + secrets.token_hex(8), created_at=now, updated_at=now,
                           display_name=(model.display_name or "").strip())
    with session.no_autoflush:  # checked for uniqueness by _apply before it is written
        session.add(group)
        _apply(session, group, model, mapping)
    return group


def replace_group(session: Session, group: DirectoryGroup, model: Group,
                  mapping: IdentityMapping) -> None:
    _apply(session, group, model, mapping)


def patch_group(session: Session, group: DirectoryGroup, patch: PatchOp[Group], base_url: str,
                mapping: IdentityMapping) -> None:
    model = to_group(session, group, base_url)
    if patch.patch(model, scim_policy=POLICY):
        _apply(session, group, model, mapping)


def delete_group(session: Session, group: DirectoryGroup, mapping: IdentityMapping) -> None:
    members = set(member_ids(session, group.id))
    session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    session.delete(group)
    session.flush()
    _refresh(session, members, mapping)


def search_groups(session: Session, filter_text: str | None, base_url: str, *,
                  strict: bool = True) -> list[Group]:
    groups = session.scalars(select(DirectoryGroup).order_by(DirectoryGroup.created_at,
                                                             DirectoryGroup.id))
    found = [to_group(session, g, base_url) for g in groups]
    if not filter_text:
        return found
    try:
        selector = ScimFilter[Group](filter_text)
    except InvalidFilterException:
        if strict:
            raise
        return []  # a search across types: this filter is about another type
    return [group for group in found if selector.match(group)]

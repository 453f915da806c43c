"""What the console's people page shows: people with their key counts, and the recent
identity events of the chain (sign-ins, keys, access changes) with people named again.

The chain names people by id; the page puts their e-mail back from the people table, so a
person erased from it shows as their id only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gateway.audit.models import AuditEvent
from gateway.auth.models import ApiKey
from gateway.db.base import utcnow
from gateway.identity.models import Person

EVENT_PREFIXES = ("person.", "key.")


@dataclass(frozen=True, slots=True)
class PersonRow:
    person: Person
    keys: int


@dataclass(frozen=True, slots=True)
class EventRow:
    created_at: datetime
    kind: str
    person_id: str | None
    email: str | None
    key_id: str | None
    detail: dict[str, Any]


def people(session: Session) -> list[PersonRow]:
    """Everyone not deleted, active first then by e-mail, with their usable keys."""
    now = utcnow()
    counts = dict(session.execute(
        select(ApiKey.person_id, func.count()).where(
            ApiKey.revoked_at.is_(None),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now),
        ).group_by(ApiKey.person_id)).all())
    rows = session.scalars(select(Person).where(Person.deleted_at.is_(None))
                           .order_by(Person.active.desc(), Person.email))
    return [PersonRow(person, int(counts.get(person.id, 0))) for person in rows]


def recent_events(session: Session, limit: int = 50) -> list[EventRow]:
    events = session.scalars(
        select(AuditEvent).where(or_(*(AuditEvent.kind.startswith(p) for p in EVENT_PREFIXES)))
        .order_by(AuditEvent.seq.desc()).limit(limit)).all()
    ids = {str(e.detail.get("person")) for e in events if (e.detail or {}).get("person")}
    emails = dict(session.execute(select(Person.id, Person.email)
                                  .where(Person.id.in_(ids))).all()) if ids else {}
    out = []
    for event in events:
        detail = dict(event.detail or {})
        person_id = detail.pop("person", None)
        detail.pop("user", None)  # shown once, as the person
        out.append(EventRow(event.created_at, event.kind, person_id,
                            emails.get(str(person_id)) if person_id else None,
                            event.key_id, detail))
    return out

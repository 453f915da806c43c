"""What an employee is told about themselves in « Mon activité » › « Mes données ».

Built on the same facts and journal as the export (:mod:`.facts`, :mod:`.subject`): what is
kept about me and until when, which rules and limits apply to me, where my requests go, and
who read my records and why. Readers appear by role, as in the export.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from gateway.auth.models import ApiKey
from gateway.db.base import utcnow
from gateway.gdpr.facts import Facts, Retention
from gateway.gdpr.subject import Labels, describe_read, reads_of
from gateway.policies import Limit, PolicySet
from gateway.policies.compiler import CompiledRule
from gateway.policies.schema import LimitMatch, Match

# Most journal entries the page lists (the export has them all).
MAX_READS = 100


@dataclass(frozen=True, slots=True)
class Kept:
    """One kind of data about me: how long it is kept, and when mine next goes."""

    retention: Retention
    # The oldest of my records still holding this kind of data, and when it goes.
    oldest: datetime | None
    goes_at: datetime | None


@dataclass(frozen=True, slots=True)
class Summary:
    records: int
    kept: list[Kept]
    rules: list[CompiledRule]
    limits: list[Limit]
    reads: list[dict[str, Any]]
    more_reads: bool


def targets_me(match: Match | LimitMatch, user: str, department: str, role: str,
               tags: frozenset[str] | None = None) -> bool:
    """Whether the who-conditions of a rule or limit name this person. A condition on key
    tags holds if one of the person's usable keys carries a tag it names (``tags``; None:
    not known, so such a rule is shown as one that may apply)."""
    if match.roles and role not in match.roles:
        return False
    if match.departments and department.lower() not in {d.lower() for d in match.departments}:
        return False
    key_tags = getattr(match, "key_tags", None)
    if key_tags and tags is not None and tags.isdisjoint(key_tags):
        return False
    return not match.users or any(
        fnmatch.fnmatch(user.lower(), pattern.lower()) for pattern in match.users)


def rules_for(policy_set: PolicySet, user: str, department: str, role: str,
              tags: frozenset[str] | None = None) -> tuple[list[CompiledRule], list[Limit]]:
    rules = [rule for rule in policy_set.rules
             if not rule.shadow and targets_me(rule.source.match, user, department, role, tags)]
    limits = [limit for limit in policy_set.limits
              if targets_me(limit.match, user, department, role, tags)]
    return rules, limits


def key_tags(session: Session, emails: set[str]) -> frozenset[str]:
    """The tags of the person's keys still usable (not revoked, not expired)."""
    now = utcnow()
    found: set[str] = set()
    for tags in session.scalars(select(ApiKey.tags).where(
            ApiKey.user_email.in_(emails), ApiKey.revoked_at.is_(None),
            or_(ApiKey.expires_at.is_(None), ApiKey.expires_at > now))):
        found.update(str(tag) for tag in tags or ())
    return frozenset(found)


def _oldest(session: Session, emails: set[str], column: Any = None) -> datetime | None:
    query = select(func.min(Interaction.created_at)).where(Interaction.user_email.in_(emails))
    if column is not None:
        query = query.where(column.is_not(None))
    value: datetime | None = session.scalar(query)
    return value


def kept(session: Session, emails: set[str], facts: Facts) -> list[Kept]:
    columns = {"raw_content": Interaction.prompt_encrypted, "content": Interaction.prompt,
               "metadata": None}
    found = []
    for retention in facts.retention:
        if retention.key not in columns:
            found.append(Kept(retention, None, None))
            continue
        oldest = _oldest(session, emails, columns[retention.key])
        goes = oldest + timedelta(days=retention.days) if oldest is not None else None
        found.append(Kept(retention, oldest, goes))
    return found


def summary(session: Session, user: str, department: str, role: str, facts: Facts,
            policy_set: PolicySet) -> Summary:
    emails = {user, user.lower()}
    ids = list(session.scalars(select(Interaction.id).where(Interaction.user_email.in_(emails))))
    first = _oldest(session, emails)
    labels = Labels(subject={user.lower()})
    reads = []
    for entry, how in reads_of(session, {e.lower() for e in emails}, ids, first):
        reads.append(describe_read(entry, how, labels, ids))
    reads.reverse()  # newest first
    rules, limits = rules_for(policy_set, user, department, role, key_tags(session, emails))
    return Summary(len(ids), kept(session, emails, facts), rules, limits,
                   reads[:MAX_READS], len(reads) > MAX_READS)

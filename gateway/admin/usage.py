"""Usage statistics, aggregated by department, model, tool or day, never by person."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import ColumnElement, String, Text, case, cast, func, literal_column, select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction

GroupBy = Literal["department", "model", "tool", "day"]
# Records that went through a hold, whatever a reviewer made of them since.
_HELD = ("held", "approved", "rejected")
# A group's counts, integers whichever the database.
_COUNTS = ("requests", "prompt_tokens", "completion_tokens", "blocked", "held", "approved",
           "rejected", "errors")


def _group_key(group_by: GroupBy, dialect: str) -> ColumnElement[Any]:
    if group_by == "day":
        if dialect == "postgresql":
            # Literals, not bound parameters: PostgreSQL must see the same expression in
            # SELECT and GROUP BY.
            return func.to_char(
                func.timezone(literal_column("'UTC'"), Interaction.created_at),
                literal_column("'YYYY-MM-DD'"), type_=String,
            )
        # SQLite stores the UTC instant as ISO text: the day is its first ten characters.
        return func.substr(
            cast(Interaction.created_at, Text), literal_column("1"), literal_column("10"),
            type_=String,
        )
    column: Any = {
        "department": Interaction.department,
        "model": Interaction.model,
        "tool": Interaction.tool,
    }[group_by]
    return column


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _window(since: datetime | None, until: datetime | None) -> list[ColumnElement[bool]]:
    """Records created in ``[since, until)``; an open end when a bound is None."""
    window = []
    if since is not None:
        window.append(Interaction.created_at >= since)
    if until is not None:
        window.append(Interaction.created_at < until)
    return window


def usage(
    session: Session, group_by: GroupBy, since: datetime | None, until: datetime | None
) -> dict[str, Any]:
    """Requests, tokens, cost, blocked and held counts and PII findings per group."""
    key = _group_key(group_by, session.get_bind().dialect.name).label("key")
    window = _window(since, until)
    groups = _group_totals(session, key, window)
    pii = _pii_by_group(session, key, window)
    for group_key, counter in pii.items():
        if group_key in groups:
            groups[group_key]["pii_findings"] = dict(sorted(counter.items()))
    ordered = list(groups.values())
    return {
        "group_by": group_by,
        "since": since.isoformat() if since else None,
        "until": until.isoformat() if until else None,
        "groups": ordered,
        "totals": _overall(ordered, pii.values()),
    }


def _group_totals(
    session: Session, key: ColumnElement[Any], window: list[ColumnElement[bool]]
) -> dict[Any, dict[str, Any]]:
    """Each group's counts, tokens and cost (its ``pii_findings`` left empty), by key."""
    query = (
        select(
            key,
            func.count().label("requests"),
            func.coalesce(func.sum(Interaction.prompt_tokens), 0).label("prompt_tokens"),
            func.coalesce(func.sum(Interaction.completion_tokens), 0).label("completion_tokens"),
            func.coalesce(func.sum(Interaction.cost), 0.0).label("cost"),
            _count_if(Interaction.decision == "blocked").label("blocked"),
            _count_if(Interaction.decision.in_(_HELD)).label("held"),
            _count_if(Interaction.decision == "approved").label("approved"),
            _count_if(Interaction.decision == "rejected").label("rejected"),
            _count_if(Interaction.decision == "error").label("errors"),
        )
        .where(*window)
        .group_by(key)
        .order_by(key)
    )
    groups: dict[Any, dict[str, Any]] = {}
    for row in session.execute(query):
        values = row._asdict()
        group = {name: values[name] for name in values if name != "key"}
        for name in _COUNTS:
            group[name] = int(group[name])
        group["cost"] = round(float(group["cost"]), 6)
        group["tokens"] = group["prompt_tokens"] + group["completion_tokens"]
        groups[values["key"]] = {"key": values["key"], **group, "pii_findings": {}}
    return groups


def _pii_by_group(
    session: Session, key: ColumnElement[Any], window: list[ColumnElement[bool]]
) -> dict[Any, Counter[str]]:
    """Personal data found, per group and entity type."""
    # JSON aggregation differs between SQLite and PostgreSQL: group by the findings' text
    # (few distinct values in practice) and add the counts up here.
    findings_text = cast(Interaction.pii_findings, Text)
    query = (
        select(key, findings_text.label("findings"), func.count().label("n"))
        .where(*window)
        .group_by(key, findings_text)
    )
    pii: dict[Any, Counter[str]] = defaultdict(Counter)
    for group_key, text, n in session.execute(query):
        for entity, count in (orjson.loads(text) if text else {}).items():
            pii[group_key][entity] += int(count) * int(n)
    return pii


def _overall(groups: list[dict[str, Any]], pii: Iterable[Counter[str]]) -> dict[str, Any]:
    """The groups added up."""
    totals: dict[str, Any] = {
        name: sum(group[name] for group in groups)
        for name in ("requests", "prompt_tokens", "completion_tokens", "tokens", "blocked",
                     "held", "approved", "rejected", "errors")
    }
    totals["cost"] = round(sum(group["cost"] for group in groups), 6)
    all_pii: Counter[str] = Counter()
    for counter in pii:
        all_pii.update(counter)
    totals["pii_findings"] = dict(sorted(all_pii.items()))
    return totals


def active_users(
    session: Session, group_by: GroupBy, since: datetime | None, until: datetime | None
) -> dict[Any, int]:
    """How many distinct people sent requests, per group: a count, never a list of names."""
    key = _group_key(group_by, session.get_bind().dialect.name).label("key")
    query = (
        select(key, func.count(func.distinct(Interaction.user_email)))
        .where(*_window(since, until))
        .group_by(key)
        .order_by(key)
    )
    return {group: int(n) for group, n in session.execute(query)}


__all__ = ["GroupBy", "active_users", "usage"]

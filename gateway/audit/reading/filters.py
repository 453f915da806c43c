"""Which records to read: one filter type, built from parameters by one function.

The admin API, the console and the command line all build their filters here, so a
parameter means the same everywhere (dates: :mod:`.dates`), and all page through the log
the same way (newest first, keyset cursor).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Select, String, and_, cast, or_, select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from gateway.audit.reading.dates import instant
from gateway.errors import InvalidRequestError

MAX_PAGE = 500
DECISIONS = ("allowed", "redacted", "blocked", "held", "approved", "rejected", "error")
# Free-text parameters and the filter field each sets.
TEXT_PARAMS = {"user": "user", "department": "department", "tool": "tool", "model": "model",
               "rule": "rule", "q": "text"}
# Longest filter value accepted: longer than any stored value of those columns.
_MAX_VALUE = 1000


@dataclass(frozen=True, slots=True)
class InteractionFilter:
    """What to look for; every field is optional and they combine with AND."""

    user: str | None = None
    department: str | None = None
    tool: str | None = None
    model: str | None = None
    decisions: tuple[str, ...] = ()
    rule: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    text: str | None = None

    def clauses(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        for column, value in (
            (Interaction.user_email, self.user), (Interaction.department, self.department),
            (Interaction.tool, self.tool), (Interaction.model, self.model),
        ):
            if value is not None:
                found.append(column == value)
        if self.decisions:
            found.append(Interaction.decision.in_(self.decisions))
        if self.rule is not None:
            # rule_ids is a JSON list on both backends: match the quoted id in its text.
            found.append(
                cast(Interaction.rule_ids, String).contains(orjson.dumps(self.rule).decode(),
                                                            autoescape=True)
            )
        if self.since is not None:
            found.append(Interaction.created_at >= self.since)
        if self.until is not None:
            found.append(Interaction.created_at < self.until)
        if self.text:
            found.append(Interaction.prompt.icontains(self.text, autoescape=True))
        return found

    def as_json(self) -> dict[str, Any]:
        """The filters that were set, for the access journal."""
        out: dict[str, Any] = {}
        for name, value in asdict(self).items():
            if value in (None, (), ""):
                continue
            out[name] = value.isoformat() if isinstance(value, datetime) else value
        return out


def _text(params: Mapping[str, str | None], name: str) -> str | None:
    value = (params.get(name) or "").strip()
    if not value:
        return None
    if len(value) > _MAX_VALUE or "\x00" in value:
        raise InvalidRequestError(f"Filtre « {name} » invalide ou trop long.", param=name)
    return value


def from_params(params: Mapping[str, str | None], **fixed: Any) -> InteractionFilter:
    """The filter a request's parameters ask for; ``fixed`` fields override them.

    Parameters: ``user``, ``department``, ``tool``, ``model``, ``rule``, ``q`` (text in the
    redacted prompt), ``decision`` (one of :data:`DECISIONS`), ``since`` and ``until``
    (see :func:`gateway.audit.reading.dates.instant`). A bad value is a 400 naming it.
    """
    values: dict[str, Any] = {field: _text(params, name) for name, field in TEXT_PARAMS.items()}
    decision = _text(params, "decision")
    if decision is not None and decision not in DECISIONS:
        raise InvalidRequestError(
            f"Décision inconnue : {decision[:40]!r} (attendu : {', '.join(DECISIONS)}).",
            param="decision",
        )
    values["decisions"] = (decision,) if decision else ()
    values["since"] = instant(params.get("since"), param="since")
    values["until"] = instant(params.get("until"), param="until", end=True)
    values.update(fixed)
    return InteractionFilter(**values)


def encode_cursor(row: Interaction) -> str:
    raw = orjson.dumps([row.created_at.isoformat(), row.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created, record_id = orjson.loads(raw)
        when = instant(str(created), param="cursor")
        if when is None or not isinstance(record_id, str):
            raise ValueError("empty cursor")
        return when, record_id
    except (ValueError, TypeError, binascii.Error, InvalidRequestError) as exc:
        raise InvalidRequestError("Curseur de pagination invalide.", param="cursor") from exc


def newest_first(
    filters: InteractionFilter, cursor: str | None = None, extra: Sequence[ColumnElement[bool]] = ()
) -> Select[Interaction]:
    """Records matching ``filters``, newest first, after ``cursor`` (keyset pagination)."""
    query = select(Interaction).where(*filters.clauses(), *extra)
    if cursor:
        created, record_id = _decode_cursor(cursor)
        query = query.where(or_(
            Interaction.created_at < created,
            and_(Interaction.created_at == created, Interaction.id < record_id),
        ))
    return query.order_by(Interaction.created_at.desc(), Interaction.id.desc())


def page(
    session: Session, filters: InteractionFilter, limit: int, cursor: str | None = None,
    extra: Sequence[ColumnElement[bool]] = (),
) -> tuple[list[Interaction], str | None]:
    """One page of matching records and the cursor of the next, if there is one."""
    limit = max(1, min(limit, MAX_PAGE))
    rows = list(session.scalars(newest_first(filters, cursor, extra).limit(limit + 1)))
    if len(rows) > limit:
        return rows[:limit], encode_cursor(rows[limit - 1])
    return rows, None

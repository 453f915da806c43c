"""Query parameters shared by the admin routes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Query

from gateway.audit.search import MAX_PAGE, InteractionFilter

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most {MAX_PAGE}")]
Cursor = Annotated[str | None, Query(description="next_cursor of the previous page")]
Since = Annotated[datetime | None, Query(description="ISO 8601, inclusive (UTC if naive)")]
Until = Annotated[datetime | None, Query(description="ISO 8601, exclusive (UTC if naive)")]


def utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


def interaction_filter(
    user: str | None = None,
    department: str | None = None,
    tool: str | None = None,
    model: str | None = None,
    decision: str | None = None,
    rule: Annotated[str | None, Query(description="a rule id among the record's rule_ids")] = None,
    since: Since = None,
    until: Until = None,
    q: Annotated[str | None, Query(description="text in the redacted prompt")] = None,
) -> InteractionFilter:
    return InteractionFilter(
        user=user, department=department, tool=tool, model=model,
        decisions=(decision,) if decision else (), rule=rule,
        since=utc(since), until=utc(until), text=q or None,
    )


Filters = Annotated[InteractionFilter, Depends(interaction_filter)]

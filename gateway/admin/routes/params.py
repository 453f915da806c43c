"""Query parameters shared by the admin routes, read by the log's one read side."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import Depends, Query, Request

from gateway.audit.reading.dates import instant
from gateway.audit.reading.filters import MAX_PAGE, InteractionFilter, from_params

Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"at most {MAX_PAGE}")]
Cursor = Annotated[str | None, Query(max_length=512,
                                     description="next_cursor of the previous page")]
_DATE = ("AAAA-MM-JJ or an ISO 8601 instant (UTC when it has no offset); a date alone as "
         "'until' includes that whole day")
SinceParam = Annotated[str | None, Query(description=f"inclusive: {_DATE}")]
UntilParam = Annotated[str | None, Query(description=f"exclusive: {_DATE}")]


def since(since: SinceParam = None) -> datetime | None:
    return instant(since, param="since")


def until(until: UntilParam = None) -> datetime | None:
    return instant(until, param="until", end=True)


Since = Annotated[datetime | None, Depends(since)]
Until = Annotated[datetime | None, Depends(until)]


def interaction_filter(
    request: Request,
    user: str | None = None,
    department: str | None = None,
    tool: str | None = None,
    model: str | None = None,
    decision: str | None = None,
    rule: Annotated[str | None, Query(description="a rule id among the record's rule_ids")] = None,
    since: SinceParam = None,
    until: UntilParam = None,
    q: Annotated[str | None, Query(description="text in the redacted prompt")] = None,
) -> InteractionFilter:
    """The filter the query asks for (the parameters are declared for the API's schema)."""
    return from_params(request.query_params)


Filters = Annotated[InteractionFilter, Depends(interaction_filter)]

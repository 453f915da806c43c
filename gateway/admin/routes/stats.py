"""``/admin/api/stats``: usage aggregates by department, model, tool or day (admins)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from gateway.admin.deps import Admin, DbSession
from gateway.admin.routes.params import Since, Until
from gateway.admin.usage import GroupBy, usage

router = APIRouter(tags=["admin: usage"])


@router.get("/stats")
def stats(
    principal: Admin, session: DbSession,
    group_by: Annotated[GroupBy, Query(description="never per person")] = "department",
    since: Since = None, until: Until = None,
) -> dict[str, Any]:
    """Requests, tokens, cost, blocked and held counts and PII findings per group."""
    return usage(session, group_by, since, until)

"""``/admin/api/audit/verify``: prove the log is complete and untouched (auditors, admins)."""

from __future__ import annotations

import functools
from typing import Any

import anyio.to_thread
from fastapi import APIRouter
from starlette.responses import JSONResponse

from gateway.admin.deps import Auditor
from gateway.admin.routes.params import Since, Until
from gateway.api.deps import State
from gateway.audit import anchors
from gateway.audit.seal import Sealer
from gateway.audit.verify import verify

router = APIRouter(tags=["admin: audit"])


@router.get("/audit/verify")
async def verify_log(
    principal: Auditor, state: State, since: Since = None, until: Until = None
) -> JSONResponse:
    """Walk the hash chains (whole log, or a date range); 200 when intact, 409 otherwise."""
    checked = anchors.for_verify(state.settings) if since is None else None
    report = await anyio.to_thread.run_sync(
        functools.partial(verify, state.engine, since, until, anchors=checked,
                          sealer=Sealer(state.server_secret)))
    body: dict[str, Any] = report.as_dict()
    return JSONResponse(body, status_code=200 if report.intact else 409)

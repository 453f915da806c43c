"""Operations routes: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import anyio.to_thread
from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text
from starlette.responses import JSONResponse, Response

from gateway.api.deps import State

router = APIRouter()


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> Response:
    """Ready when the database answers and a policy set is loaded; says why otherwise."""
    checks: dict[str, object] = {}

    def ping() -> None:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        await anyio.to_thread.run_sync(ping)
        checks["database"] = "ok"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    if state.writer.last_error:
        checks["audit_log"] = f"error: {state.writer.last_error}"
    else:
        checks["audit_log"] = "ok"
    checks["policies"] = (
        {"version": state.policy_version, "error": state.policy_error}
        if state.policy_set is not None else f"error: {state.policy_error}"
    )
    ready = (
        checks["database"] == "ok" and checks["audit_log"] == "ok" and state.policy_set is not None
    )
    return JSONResponse(
        {"status": "ready" if ready else "not_ready", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
async def metrics(state: State) -> Response:
    state.metrics.audit_queue.set(state.writer.queue_depth())
    return Response(generate_latest(state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

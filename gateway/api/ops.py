"""Operations routes: liveness, readiness, Prometheus metrics."""

from __future__ import annotations

import asyncio
import hashlib
import hmac

import anyio
import anyio.to_thread
from fastapi import APIRouter
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from gateway.api.deps import State
from gateway.errors import AuthenticationError
from gateway.logging_setup import scrub

router = APIRouter()


def _bearer_matches(header: str | None, token: str) -> bool:
    scheme, _, presented = (header or "").partition(" ")
    # Compared as digests, in constant time: neither the length nor a prefix leaks.
    return scheme.lower() == "bearer" and hmac.compare_digest(
        hashlib.sha256(presented.strip().encode()).digest(),
        hashlib.sha256(token.strip().encode()).digest(),
    )


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(state: State) -> Response:
    """Ready when the database answers, the log writer commits and policies are loaded.

    Every check is bounded (``GATEWAY_READINESS_TIMEOUT``): a database that hangs makes
    the gateway not ready, with the reason, instead of making the probe hang.
    """
    timeout = state.settings.readiness_timeout
    checks: dict[str, object] = {}

    def ping() -> None:
        with state.engine.connect() as connection:
            connection.execute(text("SELECT 1"))

    try:
        with anyio.fail_after(timeout):
            # A thread stuck on a dead socket is abandoned, not waited for.
            await anyio.to_thread.run_sync(ping, abandon_on_cancel=True)
        checks["database"] = "ok"
    except TimeoutError:
        checks["database"] = f"error: no answer within {timeout:g}s"
    except Exception as exc:
        checks["database"] = f"error: {type(exc).__name__}"
    checks["audit_log"] = await _writer_check(state, timeout)
    checks["audit_queue_depth"] = state.writer.queue_depth()
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


async def _writer_check(state: State, wait_s: float) -> str:
    """The writer's last commit failed, or it does not get through its queue in time."""
    if state.writer.last_error:
        return f"error: {scrub(state.writer.last_error)}"
    try:
        async with asyncio.timeout(wait_s):
            await state.writer.flush()
    except TimeoutError:
        return f"error: the log writer has not committed for {wait_s:g}s"
    return f"error: {scrub(state.writer.last_error)}" if state.writer.last_error else "ok"


@router.get("/metrics")
async def metrics(request: Request, state: State) -> Response:
    token = state.settings.metrics_token
    if token is not None and not _bearer_matches(
        request.headers.get("authorization"), token.get_secret_value()
    ):
        raise AuthenticationError(
            "/metrics demande le jeton de GATEWAY_METRICS_TOKEN "
            "(en-tête Authorization: Bearer …).",
            headers={"WWW-Authenticate": "Bearer"},
        )
    state.metrics.audit_queue.set(state.writer.queue_depth())
    # With several workers, every worker's figures whichever of them answers.
    return Response(state.metrics.render(), media_type=CONTENT_TYPE_LATEST)

"""Application factory: state is built once in ``lifespan`` and injected into routes."""

from __future__ import annotations

import functools
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from gateway import __version__, scim, tracing
from gateway.admin import router as admin_routes
from gateway.api import errors as api_errors
from gateway.api import ops, v1
from gateway.api.dispatch import PROXY_ROUTES, GatewayApp, ProxyDispatch, add_to_openapi
from gateway.api.middleware import InteractionIdMiddleware
from gateway.audit import anchors
from gateway.audit.anchors import AnchorWriter
from gateway.audit.content_crypto import ContentVault
from gateway.audit.liveness import Liveness
from gateway.audit.seal import Sealer
from gateway.audit.writer import AuditWriter
from gateway.auth.revocation import RevocationWatcher
from gateway.auth.service import KeyAuthenticator
from gateway.catalogue import Catalogue, load_catalogue
from gateway.console import router as console
from gateway.db.checkpoint import WalCheckpointer
from gateway.db.engine import build_engine, build_log_engine
from gateway.errors import ConfigError
from gateway.identity.directory import build_directory
from gateway.limits.batcher import CounterBackend, CounterBatcher
from gateway.limits.enforcer import LimitEnforcer
from gateway.limits.store import DatabaseCounters, RedisCounters
from gateway.metrics import Metrics
from gateway.policies import PolicyFileError, PolicySet, load_policy_set
from gateway.policies.reload import PolicyReloader
from gateway.providers.registry import build_adapters
from gateway.review.service import Approvals
from gateway.settings import Settings, resolve_secret_key
from gateway.state import GatewayState, GuardServices, RecordServices
from gateway.text.ocr import Ocr

logger = logging.getLogger(__name__)


def check_configuration(settings: Settings) -> tuple[bytes, Catalogue, PolicySet]:
    """Load what the settings point at; raises ``ConfigError`` with what to fix."""
    secret = resolve_secret_key(settings)
    catalogue = load_catalogue(settings.models_file)
    policies_dir = settings.effective_policies_dir()
    try:
        policy_set = load_policy_set(policies_dir, catalogue.for_policies())
    except PolicyFileError as exc:
        raise ConfigError(f"invalid policy set in {policies_dir}: {exc}") from exc
    for warning in policy_set.warnings:
        logger.warning("policy set: %s", warning)
    return secret, catalogue, policy_set


def build_state(settings: Settings) -> GatewayState:
    """Build everything a request needs; raises ``ConfigError`` with what to fix."""
    secret, catalogue, policy_set = check_configuration(settings)
    directory = build_directory(settings, secret)
    engine = build_engine(settings)
    metrics = Metrics(settings.prometheus_multiproc_dir)
    metrics.models = frozenset(entry.name for entry in catalogue.entries)
    metrics.endpoints = frozenset(PROXY_ROUTES)
    # Loaded once: spaCy's model takes about a second, a request must never wait for it.
    redaction = None
    if settings.redaction_enabled:
        # Imported here: presidio and spaCy cost seconds of start-up a gateway without the
        # scan (and every test that turns it off) need not pay.
        from gateway.redaction import RedactionService

        redaction = RedactionService()
    counters: CounterBackend = (
        RedisCounters(settings.redis_url.get_secret_value()) if settings.redis_url
        else DatabaseCounters(engine)
    )
    log_engine = build_log_engine(settings)
    writer = AuditWriter(
        engine, metrics, settings.audit_batch_max, log_engine=log_engine,
        synchronous_commit=settings.pg_synchronous_commit, sealer=Sealer(secret),
    )
    client = tracing.upstream_client(settings)
    state = GatewayState(
        settings=settings,
        engine=engine,
        log_engine=log_engine,
        metrics=metrics,
        writer=writer,
        recorder=tracing.recorder(writer, settings),
        authenticator=KeyAuthenticator(
            engine, secret, settings.key_cache_ttl_seconds, writer.touch_key
        ),
        catalogue=catalogue,
        adapters=build_adapters(catalogue, client, settings),
        http_client=client,
        policy_set=policy_set,
        redaction=redaction,
        limits=LimitEnforcer(CounterBatcher(counters)),
        server_secret=secret,
        directory=directory,
    )
    state.guard = guard_services(state)
    state.records = record_services(state)
    return state


def guard_services(state: GatewayState) -> GuardServices:
    """What the guard is given of the state (gateway.proxy.guard), built once."""
    return GuardServices(
        # Read at each request: the reloader swaps state.policy_set (apply_policies).
        policies=lambda: state.policy_set,
        resolve=state.resolve,
        adapters=state.adapters,
        scanner=state.redaction,
        approvals=Approvals(state.engine, state.server_secret),
        admit=state.limits.admit,
        vault=functools.partial(ContentVault.for_request, state.settings),
        approval_ttl_s=state.settings.approval_ttl_seconds,
        ocr=Ocr.from_settings(state.settings.ocr, state.settings.ocr_languages,
                              state.settings.ocr_timeout_seconds, state.settings.ocr_workers)
        if state.settings.redaction_enabled else None,
    )


def record_services(state: GatewayState) -> RecordServices:
    """What the interaction record step is given of the state (gateway.proxy.record)."""
    return RecordServices(
        recorder=state.recorder,
        insert_timeout_s=state.settings.audit_insert_timeout,
        on_timeout=state.metrics.audit_timeouts.inc,
    )


def _freeze_startup_objects() -> None:
    """Keep the ~180,000 objects built at start (spaCy, presidio, SQLAlchemy) out of the GC.

    Python's full collections walk every tracked object: 0.46-0.55 s each on the benchmark's
    loaded 2-core host, from time to time under load, every request in flight waiting (the
    worst of issue 19's p99). Objects built once and kept for the process's life need not
    be walked: frozen, a full collection only walks what requests made since.
    """
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The gateway ASGI application."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: GatewayApp) -> AsyncIterator[None]:
        state = build_state(settings)
        services = _start_services(state, settings)
        app.state.gateway = state
        if scim_app is not None:
            scim_app.state.gateway = state
        _freeze_startup_objects()
        app.serve_proxy_routes_directly(traced)
        logger.info(
            "gateway ready: %d model(s), policy set %s",
            len(state.catalogue.entries), state.policy_version,
        )
        try:
            yield
        finally:
            await _stop(state, services)

    app = GatewayApp(
        title="AI gateway",
        version=__version__,
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        # Recent FastAPI versions trace requests once a tracer provider is set: like the
        # gateway's own tracing, only the employee endpoint, not probes and the console.
        telemetry={"exclude": tracing.untraced},
    )
    api_errors.install(app)
    app.include_router(v1.router)
    app.include_router(ops.router)
    app.include_router(admin_routes.router)
    app.include_router(admin_routes.me_router)
    console.install(app)
    # SCIM answers in its own media type and error shape: an application of its own, loaded
    # only when provisioning is on (scim2-models is a second of start-up).
    scim_app: FastAPI | None = None
    if settings.scim_token is not None:
        from gateway.scim import app as scim_service

        scim_app = scim_service.build()
    app.mount("/scim/v2", scim_app if scim_app is not None else scim.disabled_app)
    _document_proxy_routes(app)
    # Innermost: the proxy routes skip routing and dependency solving (gateway.api.dispatch).
    app.add_middleware(ProxyDispatch)
    # Inside the interaction-id middleware, so the request's span can name the interaction.
    traced = tracing.install(app, settings)
    app.add_middleware(InteractionIdMiddleware)
    return app



@dataclass
class _Services:
    """What runs beside the requests for the process's life, stopped in :func:`_stop`."""

    liveness: Liveness
    checkpointer: WalCheckpointer | None
    reloader: PolicyReloader
    revocations: RevocationWatcher
    anchors: AnchorWriter


def _start_services(state: GatewayState, settings: Settings) -> _Services:
    # Registered (and crashed processes' records swept) before the first record.
    liveness = Liveness(state.engine, settings.process_heartbeat_seconds,
                        settings.process_stale_seconds, Sealer(state.server_secret))
    state.recorder.boot_id = liveness.start()
    state.writer.start()
    checkpointer = WalCheckpointer(state.engine) if settings.is_sqlite else None
    if checkpointer is not None:
        checkpointer.start()
    reloader = PolicyReloader(
        settings.effective_policies_dir(), state.catalogue.for_policies(), state.apply_policies,
        settings.policies_reload_interval,
    )
    reloader.start()
    revocations = RevocationWatcher(
        state.engine, state.authenticator.forget, settings.revocation_poll_seconds
    )
    revocations.start()
    # The chain heads, signed, outside the database at intervals (a cut tail is caught).
    anchor_writer = AnchorWriter(state.engine, anchors.config_from(settings))
    anchor_writer.start()
    return _Services(liveness, checkpointer, reloader, revocations, anchor_writer)


async def _stop(state: GatewayState, services: _Services) -> None:
    """Stop taking work first, then drain what was taken, then close what it wrote to."""
    await services.reloader.stop()
    await services.revocations.stop()
    await services.anchors.stop()
    await state.limits.drain()
    await state.limits.store.close()
    await state.http_client.aclose()
    await state.directory.aclose()
    if state.redaction is not None:
        state.redaction.close()
    if state.guard.ocr is not None:
        state.guard.ocr.close()
    await state.writer.aclose()
    await services.liveness.stop()
    if services.checkpointer is not None:
        services.checkpointer.stop()
    gc.unfreeze()  # an app built again in this process (tests) starts from a clean slate
    state.engine.dispose()
    if state.log_engine is not None:
        await state.log_engine.dispose()
    state.metrics.close()
    tracing.flush()

def _document_proxy_routes(app: FastAPI) -> None:
    """``/openapi.json`` lists the proxy routes too, though the framework never routes them."""
    framework_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            add_to_openapi(framework_openapi())  # fills app.openapi_schema, extended in place
        return app.openapi_schema or {}

    app.openapi = openapi  # type: ignore[method-assign]


__all__ = ["ConfigError", "build_state", "create_app"]

"""Optional OpenTelemetry traces: a span per employee request, children for its steps.

On when the ``otel`` extra is installed (``pip install 'ai-gateway[otel]'``) and the settings
ask for it (``GATEWAY_OTEL_ENABLED=true``, or an OTLP endpoint in OpenTelemetry's own
``OTEL_EXPORTER_OTLP_[TRACES_]ENDPOINT``). Then:

* a middleware describes the request's span (``POST /v1/chat/completions``): FastAPI's own
  server span where the installed version opens one, else one of its own, child of the
  client's W3C ``traceparent`` either way; it names the interaction, model, provider,
  decision, status, tokens and a keyed hash of the user (never the e-mail);
* the recorder opens ``gateway.audit.commit`` around the wait for the record's commit;
* the upstream client opens ``gateway.upstream`` around each provider call (retries
  included), until its body is read, and passes the trace on in ``traceparent``;
* :func:`span` opens a child span for any other step (the policy and redaction check).

Off, or without the extra: nothing of OpenTelemetry is imported, no middleware is added,
the recorder and upstream client are the plain ones, and :func:`span` returns one shared
no-op context manager, so the hot path pays one function call and a ``with``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, MutableMapping
from contextlib import AbstractContextManager, nullcontext
from types import ModuleType
from typing import TYPE_CHECKING, Any

from gateway.audit.recorder import Recorder
from gateway.audit.writer import AuditWriter
from gateway.providers.http import UpstreamClient
from gateway.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI

logger = logging.getLogger(__name__)

# Only the employee endpoint is traced: probes, metrics and the console would drown it.
TRACED_PREFIX = "/v1/"
_NOOP: AbstractContextManager[object] = nullcontext()
# Set once tracing is installed: opens a child span of the current request's span.
_child_span: Callable[[str], AbstractContextManager[object]] | None = None
_flush: Callable[[], None] | None = None


def span(name: str) -> AbstractContextManager[object]:
    """A child span of the request being served, around one step of the pipeline.

    ``with tracing.span("gateway.guard"): ...`` costs nothing measurable when tracing is off.
    """
    if _child_span is None:
        return _NOOP
    return _child_span(name)


def untraced(scope: MutableMapping[str, Any]) -> bool:
    """Whether a request stays out of traces (FastAPI's own tracing asks, where it has one)."""
    return not str(scope.get("path", "")).startswith(TRACED_PREFIX)


def _backend(settings: Settings) -> ModuleType | None:
    """The OpenTelemetry implementation, when the settings want it and the extra is there."""
    if not settings.tracing_enabled:
        return None
    try:
        from gateway.tracing import otel
    except ImportError as exc:
        logger.warning(
            "OpenTelemetry traces are enabled but the packages are missing (%s): install "
            "the extra, pip install 'ai-gateway[otel]'. Running without traces.", exc.name,
        )
        return None
    return otel


def install(app: FastAPI, settings: Settings) -> bool:
    """Set up the tracer provider and the request-span middleware; False when tracing is off.

    Call it before adding the interaction-id middleware, so that one runs first and the
    request span can name the interaction.
    """
    global _child_span, _flush
    backend = _backend(settings)
    if backend is None:
        # The process's application is untraced: no step opens a span, whatever an
        # earlier application of the same process (a test) installed.
        _child_span = _flush = None
        return False
    backend.configure(settings)
    app.add_middleware(backend.TracingMiddleware)
    _child_span, _flush = backend.child_span, backend.flush
    return True


def upstream_client(settings: Settings) -> UpstreamClient:
    """The process's upstream client, tracing each provider call when tracing is on."""
    backend = _backend(settings)
    client: UpstreamClient = (
        UpstreamClient(settings) if backend is None else backend.TracedUpstreamClient(settings)
    )
    return client


def recorder(writer: AuditWriter, settings: Settings) -> Recorder:
    """The interaction recorder, timing each record's commit when tracing is on."""
    backend = _backend(settings)
    result: Recorder = Recorder(writer) if backend is None else backend.TracedRecorder(writer)
    return result


def flush() -> None:
    """Export the spans still buffered (a worker's shutdown: atexit does not run there)."""
    if _flush is not None:
        _flush()

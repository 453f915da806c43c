"""The OpenTelemetry side of :mod:`gateway.tracing`, imported only when tracing is on.

Importing this module fails with ``ImportError`` when the ``otel`` extra is not installed;
:mod:`gateway.tracing` then runs without traces.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import AbstractContextManager, nullcontext
from contextvars import ContextVar
from typing import Any

import aiohttp
from opentelemetry import propagate, trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.trace import Span, SpanKind, StatusCode
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway import __version__
from gateway.audit.recorder import Recorder
from gateway.providers.http import UpstreamClient, UpstreamResponse
from gateway.settings import Settings
from gateway.tracing import untraced

logger = logging.getLogger(__name__)

# Replaced by configure() with the tracer of the provider in place.
_TRACER = trace.get_tracer("gateway", __version__)
_NOOP: AbstractContextManager[object] = nullcontext()
# The span of the request being served, for what completes it (tokens, from the recorder).
_REQUEST_SPAN: ContextVar[Span | None] = ContextVar("gateway_request_span", default=None)


def configure(settings: Settings) -> None:
    """Install a tracer provider exporting over OTLP/HTTP, unless one is set already.

    One may be: the tests' in-memory exporter, ``opentelemetry-instrument``, or an earlier
    application in this process. The exporter reads ``OTEL_EXPORTER_OTLP_*`` itself
    (endpoint, headers, timeout), the SDK ``OTEL_TRACES_SAMPLER`` and ``OTEL_BSP_*``.
    """
    global _TRACER
    if not isinstance(trace.get_tracer_provider(), TracerProvider):
        provider = TracerProvider(
            resource=Resource.create({"service.name": settings.otel_service_name})
        )
        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(provider)
        logger.info(
            "OpenTelemetry traces exported over OTLP/HTTP as %s", settings.otel_service_name
        )
    # The provider's own tracer (a proxy keeps the first provider it met).
    _TRACER = trace.get_tracer("gateway", __version__)


def flush() -> None:
    """Export what the batch processor still holds (bounded: this runs at shutdown)."""
    provider = trace.get_tracer_provider()
    if isinstance(provider, TracerProvider):
        provider.force_flush(timeout_millis=5000)


def child_span(name: str) -> AbstractContextManager[object]:
    """A span under the current one; nothing outside a traced (and sampled) request."""
    if not trace.get_current_span().is_recording():
        return _NOOP
    return _TRACER.start_as_current_span(name)


def user_hash(secret: bytes, user: str) -> str:
    """Who made the request, without the e-mail: stable across replicas sharing the secret,
    not reversible by hashing a list of addresses without it."""
    return hmac.new(secret, b"otel-user\x00" + user.encode(), hashlib.sha256).hexdigest()[:32]


class TracingMiddleware:
    """Pure ASGI middleware: the span of one employee request, from the first byte read to
    the last byte sent (the end of a stream included).

    Recent FastAPI versions open the request's server span themselves as soon as a tracer
    provider is set (as do ASGI instrumentations): that span is then the request's span and
    is described here, rather than a second one nested in it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._fields = propagate.get_global_textmap().fields

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or untraced(scope):
            await self.app(scope, receive, send)
            return
        outer = trace.get_current_span()
        if outer.is_recording():
            await self._traced(outer, scope, receive, send)
            return
        # The client's W3C traceparent (and tracestate, baggage) make this span its child.
        carrier = {
            key: value.decode("latin-1") for name, value in scope["headers"]
            if (key := name.decode("latin-1")) in self._fields
        }
        method = scope["method"]
        with _TRACER.start_as_current_span(
            method, context=propagate.extract(carrier), kind=SpanKind.SERVER,
            attributes={"http.request.method": method, "url.path": scope["path"]},
        ) as span:
            await self._traced(span, scope, receive, send)

    async def _traced(self, span: Span, scope: Scope, receive: Receive, send: Send) -> None:
        interaction_id = scope.get("state", {}).get("interaction_id")
        if interaction_id:
            span.set_attribute("gateway.interaction_id", interaction_id)
        described = False

        async def send_traced(message: Message) -> None:
            nonlocal described
            if message["type"] == "http.response.start":
                span.set_attribute("http.response.status_code", message["status"])
                if message["status"] >= 500:
                    span.set_status(StatusCode.ERROR)
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                # Before the last byte goes out: an outer span ends with it.
                described = True
                _describe(span, scope)
            await send(message)

        token = _REQUEST_SPAN.set(span)
        try:
            await self.app(scope, receive, send_traced)
        finally:
            _REQUEST_SPAN.reset(token)
            if not described and span.is_recording():
                _describe(span, scope)


def _describe(span: Span, scope: Scope) -> None:
    """What the request turned out to be, from its route and exchange."""
    # The pipeline's Exchange (gateway.proxy.exchange), read by name: tracing sits below the
    # pipeline in the layers and only describes what it finds.
    exchange: Any = scope.get("state", {}).get("exchange")
    # The proxy routes may be served without the router (gateway.api.dispatch): their exchange
    # names the endpoint. Never the raw path of an unknown URL: span names stay few.
    route = getattr(scope.get("route"), "path", None) or (exchange and exchange.endpoint)
    if route:
        span.update_name(f"{scope['method']} {route}")
        span.set_attribute("http.route", route)
    if exchange is None:
        return
    span.set_attribute("gateway.decision", exchange.decision)
    span.set_attribute("gateway.tool", exchange.tool)
    if exchange.model:
        span.set_attribute("gen_ai.request.model", exchange.model)
    if exchange.entry is not None:
        span.set_attribute("gen_ai.provider.name", exchange.entry.provider)
        span.set_attribute("gateway.upstream_model", exchange.entry.target_model)
    state = getattr(getattr(scope.get("app"), "state", None), "gateway", None)
    if state is not None:
        span.set_attribute("user.hash", user_hash(state.server_secret, exchange.principal.user))


class TracedRecorder(Recorder):
    """The recorder, with the wait for each record's commit as a span and the tokens of the
    completed exchange on the request's span."""

    async def open(self, row: dict[str, Any]) -> None:
        with child_span("gateway.audit.commit"):
            await super().open(row)

    def complete(self, record_id: str, values: dict[str, Any]) -> None:
        super().complete(record_id, values)
        # Called in the request's context, streams included (the relay runs inside it).
        span = _REQUEST_SPAN.get()
        if span is not None and span.is_recording():
            if values["prompt_tokens"] is not None:
                span.set_attribute("gen_ai.usage.input_tokens", values["prompt_tokens"])
            if values["completion_tokens"] is not None:
                span.set_attribute("gen_ai.usage.output_tokens", values["completion_tokens"])

    async def record(self, row: dict[str, Any]) -> None:
        # A refused request's record is awaited like an opened one (a completion is not).
        with child_span("gateway.audit.commit"):
            await super().record(row)


class TracedUpstreamClient(UpstreamClient):
    """The upstream client, with each provider call as a client span that ends when its
    body has been read or closed, and the trace passed on in ``traceparent``."""

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> UpstreamResponse:
        if not trace.get_current_span().is_recording():
            return await super().post(url, content, headers)
        target = self.parse(url)
        span = _TRACER.start_span("gateway.upstream", kind=SpanKind.CLIENT, attributes={
            "http.request.method": "POST",
            "server.address": target.host or "",
            "server.port": target.port or (443 if target.scheme == "https" else 80),
            # The path only: a query string may carry a credential.
            "url.path": target.path,
        })
        outgoing = dict(headers)  # the adapter's dict may be reused: never change it
        propagate.inject(outgoing, context=trace.set_span_in_context(span))
        try:
            response = _TracedResponse(await self.send(target, content, outgoing), span)
        except BaseException as exc:
            span.record_exception(exc)
            span.set_status(StatusCode.ERROR, type(exc).__name__)
            span.end()
            raise
        span.set_attribute("http.response.status_code", response.status_code)
        if response.status_code >= 400:
            span.set_status(StatusCode.ERROR)
        return response


class _TracedResponse(UpstreamResponse):
    """A provider's answer whose body ends its upstream span when it is closed."""

    __slots__ = ("_ended", "_span")

    def __init__(self, response: aiohttp.ClientResponse, span: Span) -> None:
        super().__init__(response)
        self._span = span
        self._ended = False

    async def aread(self) -> bytes:
        try:
            return await super().aread()
        except Exception as exc:
            self._failed(exc)
            raise

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in super().iter_chunks():
                yield chunk
        except Exception as exc:
            self._failed(exc)
            raise

    def _failed(self, exc: Exception) -> None:
        self._span.record_exception(exc)
        self._span.set_status(StatusCode.ERROR, type(exc).__name__)

    async def aclose(self) -> None:
        try:
            await super().aclose()
        finally:
            if not self._ended:
                self._ended = True
                self._span.end()

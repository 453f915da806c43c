"""OpenTelemetry traces (the ``otel`` extra): a span per employee request with its steps as
children, the client's traceparent honoured; nothing at all when tracing is off."""

from __future__ import annotations

import hashlib
import hmac
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

pytest.importorskip("opentelemetry.sdk")
pytest.importorskip("opentelemetry.exporter.otlp.proto.http")

from opentelemetry import trace
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from opentelemetry.util._once import Once
from sqlalchemy import create_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import gateway.tracing
from gateway import tracing
from gateway.app import create_app
from gateway.audit.recorder import Recorder
from gateway.db import migrate
from gateway.providers.http import UpstreamClient
from gateway.settings import Settings
from tests.conftest import SECRET, Databases, gateway_env
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.server import ServerThread

from ._helpers import CURL, new_key, serve, write_config

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
CLIENT_SPAN_ID = "b7ad6b7169203331"
USER = "traces@exemple.fr"
HELLO = [{"role": "user", "content": "Bonjour à tous"}]


@pytest.fixture(scope="module")
def exporter() -> Iterator[InMemorySpanExporter]:
    """Every span this process ends, in memory, while this module runs."""
    memory = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(memory))
    with pytest.MonkeyPatch.context() as patch:
        # OpenTelemetry sets its global provider once per process: put back the unset
        # state afterwards (as its own test utilities do), or every later test's
        # FastAPI app would trace its requests into this exporter.
        patch.setattr(trace, "_TRACER_PROVIDER_SET_ONCE", Once())
        patch.setattr(trace, "_TRACER_PROVIDER", None)
        patch.setattr(tracing, "_child_span", None)
        patch.setattr(tracing, "_flush", None)
        trace.set_tracer_provider(provider)
        yield memory
    provider.shutdown()


class Live:
    def __init__(self, url: str, key: str, exporter: InMemorySpanExporter) -> None:
        self.url, self.key, self.exporter = url, key, exporter

    def chat(self, model: str = "ok", headers: dict[str, str] | None = None,
             **body: Any) -> httpx.Response:
        return httpx.post(f"{self.url}/v1/chat/completions", timeout=30, json={
            "model": model, "messages": HELLO, **body,
        }, headers={"Authorization": f"Bearer {self.key}", **CURL, **(headers or {})})

    def request_span(self, interaction_id: str) -> tuple[ReadableSpan, list[ReadableSpan]]:
        """The request's span once ended, and every span of its trace."""
        deadline = time.monotonic() + 5
        while True:
            spans = self.exporter.get_finished_spans()
            mine = [s for s in spans if s.kind == SpanKind.SERVER
                    and (s.attributes or {}).get("gateway.interaction_id") == interaction_id]
            if mine:
                trace_id = mine[0].context.trace_id
                return mine[0], [s for s in spans if s.context.trace_id == trace_id]
            assert time.monotonic() < deadline, f"no span for {interaction_id}"
            time.sleep(0.02)


@pytest.fixture(scope="module", params=["fastapi", "gateway"])
def live(databases: Databases, _fake_openai_server: FakeOpenAIProvider,
         exporter: InMemorySpanExporter, tmp_path_factory: pytest.TempPathFactory,
         request: pytest.FixtureRequest) -> Iterator[Live]:
    """A traced gateway on loopback. Recent FastAPI versions open the request's server span
    themselves once a provider is set ("fastapi"); older ones, or an application with
    FastAPI's tracing off, leave it to the gateway's middleware ("gateway")."""
    tmp = tmp_path_factory.mktemp("tracing")
    models, policies = write_config(tmp, _fake_openai_server.url)
    url = databases.new("tracing")
    migrate.upgrade(url)
    engine = create_engine(url)
    key = new_key(engine, user=USER)
    engine.dispose()
    settings = Settings(database_url=url, secret_key=SECRET, models_file=models,
                        policies_dir=policies, redaction_enabled=False, otel_enabled=True)
    app = create_app(settings)
    native = getattr(app, "_telemetry", None)  # FastAPI's own tracing, where it has one
    if request.param == "fastapi" and native is None:
        pytest.skip("this FastAPI version has no tracing of its own")
    if request.param == "gateway" and native is not None:
        native["tracing"] = False
    with ServerThread(app) as server:
        yield Live(server.url, key, exporter)


def descendants(root: ReadableSpan, spans: list[ReadableSpan]) -> dict[str, ReadableSpan]:
    """The spans under ``root``, by name (FastAPI may put its endpoint span in between)."""
    by_id = {s.context.span_id: s for s in spans}
    found = {}
    for span in spans:
        parent = span.parent
        while parent is not None and parent.span_id in by_id:
            if parent.span_id == root.context.span_id:
                found[span.name] = span
                break
            parent = by_id[parent.span_id].parent
    return found


def test_a_chat_request_is_one_span_with_its_steps_under_the_clients_trace(
    live: Live, fake_openai: FakeOpenAIProvider
) -> None:
    response = live.chat(headers={"traceparent": f"00-{TRACE_ID}-{CLIENT_SPAN_ID}-01"})
    assert response.status_code == 200
    interaction_id = response.headers["x-gateway-interaction-id"]
    span, spans = live.request_span(interaction_id)

    # The client's traceparent is the parent.
    assert span.context.trace_id == int(TRACE_ID, 16)
    assert span.parent is not None and span.parent.is_remote
    assert span.parent.span_id == int(CLIENT_SPAN_ID, 16)
    assert span.name == "POST /v1/chat/completions"
    usage = response.json()["usage"]
    user_hash = hmac.new(SECRET.encode(), b"otel-user\x00" + USER.encode(),
                         hashlib.sha256).hexdigest()[:32]
    attributes = dict(span.attributes or {})
    assert attributes["gateway.interaction_id"] == interaction_id
    assert attributes["gen_ai.request.model"] == "ok"
    assert attributes["gen_ai.provider.name"] == "openai_compatible"
    assert attributes["gateway.upstream_model"] == "fake-model"
    assert attributes["gateway.decision"] == "allowed"
    assert attributes["http.response.status_code"] == 200
    assert attributes["user.hash"] == user_hash
    assert attributes["gen_ai.usage.input_tokens"] == usage["prompt_tokens"]
    assert attributes["gen_ai.usage.output_tokens"] == usage["completion_tokens"]
    assert not any(USER in str(value) for s in spans for value in (s.attributes or {}).values())

    # Its steps are its children, in its trace; the provider got the trace too.
    steps = descendants(span, spans)
    assert {"gateway.guard", "gateway.audit.commit", "gateway.upstream"} <= set(steps)
    assert all(s.context.trace_id == span.context.trace_id for s in spans)
    upstream = steps["gateway.upstream"]
    assert upstream.kind == SpanKind.CLIENT
    assert (upstream.attributes or {})["http.response.status_code"] == 200
    assert (upstream.attributes or {})["server.address"] == "127.0.0.1"
    assert upstream.end_time is not None and span.end_time is not None
    assert steps["gateway.audit.commit"].end_time <= upstream.start_time  # type: ignore[operator]
    [received] = fake_openai.received
    assert received.headers["traceparent"] == (
        f"00-{TRACE_ID}-{upstream.context.span_id:016x}-01"
    )


def test_a_stream_span_lasts_until_the_stream_ends(live: Live) -> None:
    with httpx.stream("POST", f"{live.url}/v1/chat/completions", timeout=30, json={
        "model": "drip", "messages": HELLO, "stream": True,
    }, headers={"Authorization": f"Bearer {live.key}", **CURL}) as response:
        interaction_id = response.headers["x-gateway-interaction-id"]
        lines = list(response.iter_lines())
    assert "data: [DONE]" in lines
    span, spans = live.request_span(interaction_id)
    assert span.parent is None  # no traceparent: a trace of its own
    attributes = dict(span.attributes or {})
    assert attributes["gen_ai.usage.output_tokens"] > 0
    upstream = descendants(span, spans)["gateway.upstream"]
    # The upstream span covers the whole relayed stream (40 chunks 50 ms apart).
    assert upstream.end_time - upstream.start_time > 1.5e9  # type: ignore[operator]
    assert span.end_time >= upstream.end_time  # type: ignore[operator]


def test_a_refused_request_has_its_decision_and_its_record(live: Live) -> None:
    response = live.chat(model="backup-denied")
    assert response.status_code == 403
    span, spans = live.request_span(response.headers["x-gateway-interaction-id"])
    attributes = dict(span.attributes or {})
    assert attributes["gateway.decision"] == "blocked"
    assert attributes["http.response.status_code"] == 403
    steps = descendants(span, spans)
    assert {"gateway.guard", "gateway.audit.commit"} <= set(steps) and "gateway.upstream" not in steps


def test_probes_are_not_traced(live: Live) -> None:
    before = len(live.exporter.get_finished_spans())
    assert httpx.get(f"{live.url}/healthz").status_code == 200
    assert httpx.get(f"{live.url}/metrics").status_code == 200
    time.sleep(0.1)
    assert len(live.exporter.get_finished_spans()) == before


def test_a_pipeline_step_opens_its_span_under_the_request(
    exporter: InMemorySpanExporter,
) -> None:
    """``tracing.span`` as the pipeline's steps use it (the policy and redaction check)."""
    app = FastAPI()

    @app.post("/v1/step")
    async def step() -> dict[str, bool]:
        with tracing.span("gateway.guard"):
            pass
        return {"ok": True}

    assert tracing.install(app, Settings(otel_enabled=True))
    before = len(exporter.get_finished_spans())
    with ServerThread(app) as server:
        assert httpx.post(f"{server.url}/v1/step").status_code == 200
    spans = list(exporter.get_finished_spans()[before:])
    [request] = [s for s in spans if s.kind == SpanKind.SERVER]
    assert "gateway.guard" in descendants(request, spans)
    with tracing.span("gateway.guard") as outside:  # no request: nothing
        assert outside is None


def test_off_by_default_the_gateway_adds_nothing(
    databases: Databases, fake_openai: FakeOpenAIProvider, exporter: InMemorySpanExporter,
    tmp_path: Path,
) -> None:
    models, policies = write_config(tmp_path, fake_openai.url)
    url = databases.new("untraced")
    migrate.upgrade(url)
    engine = create_engine(url)
    key = new_key(engine)
    engine.dispose()
    settings = Settings(database_url=url, secret_key=SECRET, models_file=models,
                        policies_dir=policies, redaction_enabled=False)
    assert not settings.tracing_enabled
    app = create_app(settings)
    assert not any(m.cls.__module__.startswith("gateway.tracing") for m in app.user_middleware)
    with ServerThread(app) as server:
        state = app.state.gateway
        assert type(state.recorder) is Recorder and type(state.http_client) is UpstreamClient
        before = len(exporter.get_finished_spans())
        response = httpx.post(f"{server.url}/v1/chat/completions", timeout=30,
                              headers={"Authorization": f"Bearer {key}", **CURL},
                              json={"model": "ok", "messages": HELLO})
        assert response.status_code == 200
        assert "traceparent" not in fake_openai.received[0].headers
    # A tracer provider is set in this process, so FastAPI may trace the request itself,
    # but nothing of the gateway's is in it.
    interaction_id = response.headers["x-gateway-interaction-id"]
    for span in exporter.get_finished_spans()[before:]:
        assert not span.name.startswith("gateway.")
        assert interaction_id not in {str(v) for v in (span.attributes or {}).values()}


def test_without_the_extra_the_gateway_runs_untraced(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # As if the otel extra were not installed: its packages cannot be imported.
    monkeypatch.delattr(gateway.tracing, "otel", raising=False)
    monkeypatch.delitem(sys.modules, "gateway.tracing.otel", raising=False)
    for name in [n for n in sys.modules if n.startswith("opentelemetry.sdk")]:
        monkeypatch.setitem(sys.modules, name, None)
    settings = Settings(otel_enabled=True)
    assert settings.tracing_enabled
    app = create_app(settings)  # installs what it can: nothing here
    assert not any(m.cls.__module__.startswith("gateway.tracing") for m in app.user_middleware)
    assert tracing.install(app, settings) is False
    assert type(tracing.upstream_client(settings)) is UpstreamClient
    assert "pip install 'ai-gateway[otel]'" in caplog.text


def test_the_standard_variables_turn_it_on(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GATEWAY_OTEL_ENABLED", "OTEL_SDK_DISABLED", "OTEL_EXPORTER_OTLP_ENDPOINT",
                 "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)
    assert not Settings().tracing_enabled
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert Settings().tracing_enabled
    monkeypatch.setenv("GATEWAY_OTEL_ENABLED", "false")
    assert not Settings().tracing_enabled
    monkeypatch.setenv("GATEWAY_OTEL_ENABLED", "true")
    monkeypatch.setenv("OTEL_SDK_DISABLED", "true")
    assert not Settings().tracing_enabled


class Collector:
    """An OTLP/HTTP trace receiver: keeps the spans it is sent, with their service name."""

    def __init__(self) -> None:
        self.spans: list[tuple[str, str, dict[str, Any]]] = []
        self._lock = threading.Lock()
        self.app = Starlette(routes=[Route("/v1/traces", self.receive, methods=["POST"])])

    async def receive(self, request: Request) -> Response:
        message = ExportTraceServiceRequest()
        message.ParseFromString(await request.body())
        with self._lock:
            for resource_spans in message.resource_spans:
                service = next(a.value.string_value for a in resource_spans.resource.attributes
                               if a.key == "service.name")
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        attributes = {a.key: a.value for a in span.attributes}
                        self.spans.append((service, span.name, attributes))
        return Response(b"", media_type="application/x-protobuf")


def test_gateway_serve_exports_over_otlp_when_an_endpoint_is_set(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path
) -> None:
    collector = Collector()
    models, policies = write_config(tmp_path, fake_openai.url)
    url = databases.new("otlp")
    migrate.upgrade(url)
    engine = create_engine(url)
    key = new_key(engine)
    engine.dispose()
    with ServerThread(collector.app) as receiver:
        env = gateway_env(url, models)
        env.update(GATEWAY_POLICIES_DIR=str(policies), OTEL_EXPORTER_OTLP_ENDPOINT=receiver.url,
                   OTEL_SERVICE_NAME="gateway-under-test", OTEL_BSP_SCHEDULE_DELAY="50")
        process, base = serve(env)
        try:
            response = httpx.post(f"{base}/v1/chat/completions", timeout=30, json={
                "model": "ok", "messages": HELLO,
            }, headers={"Authorization": f"Bearer {key}", **CURL})
            assert response.status_code == 200
            interaction_id = response.headers["x-gateway-interaction-id"]
            deadline = time.monotonic() + 10
            while not any(name == "POST /v1/chat/completions" for _, name, _ in collector.spans):
                assert time.monotonic() < deadline, collector.spans
                time.sleep(0.05)
        finally:
            process.terminate()
            process.wait(timeout=60)
    [(service, _, attributes)] = [s for s in collector.spans
                                  if s[1] == "POST /v1/chat/completions"]
    assert service == "gateway-under-test"
    assert attributes["gateway.interaction_id"].string_value == interaction_id
    assert {"gateway.audit.commit", "gateway.upstream"} <= {name for _, name, _ in collector.spans}

"""Shared machinery of the fake providers: recording, streaming, connection cuts."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import logging
import re
import threading
import time
import zlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Self

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .server import ServerThread

TRANSPORT_KEY = "fakes.transport"
SLOW_DEFAULT_S = 2.0
DRIP_DEFAULT_CHUNKS = 50
DRIP_DELAY_S = 0.05


class FakeConnectionCut(Exception):
    """Raised by a fake to make the server drop the connection."""


class _DropCutErrors(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, FakeConnectionCut)


logging.getLogger("uvicorn.error").addFilter(_DropCutErrors())


@dataclass(frozen=True)
class ReceivedRequest:
    """One HTTP request as a fake received it (header names lower-cased)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # parsed JSON, or None when the body is empty or not JSON
    model: str | None  # body["model"], or the Azure deployment name
    raw_body: bytes = field(repr=False, default=b"")


# What ``fake-invent`` answers: a valid NIR and a Luhn-valid card number of its own.
INVENTED = ("Exemple rempli : NIR 2 69 05 49 588 157 80, carte 4970 1012 3456 7893, "
            "montant 1 250 euros.")


def words(text: str) -> int:
    return len(text.split())


def split_text(text: str, pieces: int = 4) -> list[str]:
    """Split ``text`` into up to ``pieces`` consecutive parts (keeps spaces)."""
    tokens = re.findall(r"\S+\s*|\s+", text)
    if not tokens:
        return [text]
    size = max(1, -(-len(tokens) // pieces))
    return ["".join(tokens[i : i + size]) for i in range(0, len(tokens), size)]


def slow_delay(model: str) -> float | None:
    """``fake-slow`` -> 2.0, ``fake-slow-0.5`` -> 0.5, other models -> None."""
    match = re.fullmatch(r"fake-slow(?:-(\d+(?:\.\d+)?))?", model)
    if not match:
        return None
    return float(match.group(1)) if match.group(1) else SLOW_DEFAULT_S


def drip_chunks(model: str) -> int | None:
    """``fake-drip`` -> 50 chunks, ``fake-drip-10`` -> 10, other models -> None."""
    match = re.fullmatch(r"fake-drip(?:-(\d+))?", model)
    if not match:
        return None
    return int(match.group(1)) if match.group(1) else DRIP_DEFAULT_CHUNKS


def flaky_failures(model: str) -> int | None:
    """``fake-flaky-2`` (or ``fake-flaky-2-anything``) -> 2: that many 500s, then answers."""
    match = re.fullmatch(r"fake-flaky-(\d+)(?:-[\w.]+)?", model)
    return int(match.group(1)) if match else None


def error_status(model: str) -> int | None:
    match = re.fullmatch(r"fake-error-(\d{3})", model)
    return int(match.group(1)) if match else None


def fake_arguments(schema: Any, text: str) -> dict[str, Any]:
    """Deterministic arguments matching a JSON schema's properties."""
    props = schema.get("properties", {}) if isinstance(schema, dict) else {}
    samples = {"integer": 42, "number": 1.5, "boolean": True, "array": [], "object": {}}
    args: dict[str, Any] = {}
    for name, prop in props.items():
        prop = prop if isinstance(prop, dict) else {}
        if prop.get("enum"):
            args[name] = prop["enum"][0]
        else:
            args[name] = samples.get(str(prop.get("type")), text or "test")
    return args


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def gzip_response(response: Response) -> Response:
    """The same answer, gzip-encoded, as providers behind a CDN send it."""
    response.body = gzip.compress(bytes(response.body))
    response.headers["content-encoding"] = "gzip"
    response.headers["content-length"] = str(len(response.body))
    return response


async def gzipped(events: StreamEvents) -> AsyncIterator[bytes]:
    """A gzip stream flushed after every event, so each arrives when it is sent."""
    packer = zlib.compressobj(wbits=31)  # 31: gzip framing
    async for event in events:
        yield packer.compress(event) + packer.flush(zlib.Z_SYNC_FLUSH)
    yield packer.flush()


async def cut_connection(request: Request) -> Response:
    """Close the client connection without sending any response."""
    transport = request.scope.get(TRANSPORT_KEY)
    if transport is None:
        raise FakeConnectionCut("no transport to close")
    transport.abort()
    return _NoResponse()


class _NoResponse(Response):
    def __init__(self) -> None:
        super().__init__()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # The transport is gone: wait for uvicorn to notice, then return silently.
        try:
            async with asyncio.timeout(2):
                while (await receive())["type"] != "http.disconnect":
                    pass
        except TimeoutError:
            pass


StreamEvents = AsyncIterator[bytes]


class SSEResponse(Response):
    """Server-sent events; notices a client that goes away between two events.

    The event iterator may raise ``FakeConnectionCut`` to drop the connection
    mid-stream (the client sees a body that ends without its terminating chunk).
    """

    def __init__(
        self, events: StreamEvents, on_end: Callable[[bool], None], *, gzip: bool = False,
    ) -> None:
        super().__init__(media_type="text/event-stream")
        self.events = gzipped(events) if gzip else events
        self.extra_headers = [(b"content-encoding", b"gzip")] if gzip else []
        self.on_end = on_end

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gone = asyncio.Event()

        async def watch() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            gone.set()

        watcher = asyncio.create_task(watch())
        completed = False
        try:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"text/event-stream; charset=utf-8"),
                        (b"cache-control", b"no-cache"),
                        *self.extra_headers,
                    ],
                }
            )
            try:
                async for event in self.events:
                    if gone.is_set():
                        break
                    await send({"type": "http.response.body", "body": event, "more_body": True})
                else:
                    await send({"type": "http.response.body", "body": b"", "more_body": False})
                    completed = not gone.is_set()
            except FakeConnectionCut:
                transport = scope.get(TRANSPORT_KEY)
                if transport is None:
                    raise
                transport.close()  # flushes what was sent, then FIN: no final chunk
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(2):
                        await gone.wait()  # so uvicorn sees a disconnect, not an error
        finally:
            watcher.cancel()
            aclose = getattr(self.events, "aclose", None)
            if aclose is not None:
                await aclose()
            self.on_end(completed)


class FakeProvider:
    """Base of the fakes: owns the ASGI app, the records and optionally a server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._received: list[ReceivedRequest] = []
        self._completed = 0
        self._aborted = 0
        self._attempts: dict[str, int] = {}
        self._server: ServerThread | None = None
        self.app = self._build_app()

    def _build_app(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """ASGI entry point: exposes uvicorn's transport to the cut behaviours."""
        if scope["type"] == "http":
            owner = getattr(send, "__self__", None)
            transport = getattr(owner, "transport", None)
            if transport is not None:
                scope = {**scope, TRANSPORT_KEY: transport}
        await self.app(scope, receive, send)

    # --- records -------------------------------------------------------
    async def record(self, request: Request, model: str | None = None) -> ReceivedRequest:
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if model is None and isinstance(body, dict) and isinstance(body.get("model"), str):
            model = body["model"]
        rec = ReceivedRequest(
            method=request.method,
            path=request.url.path,
            query=dict(request.query_params),
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            model=model,
            raw_body=raw,
        )
        with self._lock:
            self._received.append(rec)
        return rec

    @property
    def received(self) -> list[ReceivedRequest]:
        with self._lock:
            return list(self._received)

    def requests_for(self, model: str) -> list[ReceivedRequest]:
        return [r for r in self.received if r.model == model]

    @property
    def completed_streams(self) -> int:
        with self._lock:
            return self._completed

    @property
    def aborted_streams(self) -> int:
        with self._lock:
            return self._aborted

    def _stream_ended(self, completed: bool) -> None:
        with self._lock:
            if completed:
                self._completed += 1
            else:
                self._aborted += 1

    def attempt(self, model: str) -> int:
        """Count one more request for ``model``; returns its number (1 for the first)."""
        with self._lock:
            self._attempts[model] = self._attempts.get(model, 0) + 1
            return self._attempts[model]

    def reset(self) -> None:
        with self._lock:
            self._attempts.clear()
            self._received.clear()
            self._completed = 0
            self._aborted = 0

    @staticmethod
    def wait_for(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Poll ``predicate`` until true or ``timeout``; returns its last value."""
        deadline = time.monotonic() + timeout
        while not predicate():
            if time.monotonic() > deadline:
                return predicate()
            time.sleep(0.01)
        return True

    # --- server --------------------------------------------------------
    def start(self, **server_options: Any) -> Self:
        if self._server is not None:
            raise RuntimeError("already started")
        self._server = ServerThread(self, **server_options).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("fake provider not started: use start() or a with block")
        return self._server.url

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

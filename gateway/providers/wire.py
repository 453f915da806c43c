"""HTTP/1.1 to providers on the event loop: one connection protocol, one keep-alive pool.

The gateway sends one kind of request upstream: a ``POST`` of a JSON body whose length is
known, and reads back a JSON answer or an SSE stream. aiohttp's general client cost ~3/4 of
a provider call's CPU time for that (request and response objects, tracing hooks, cookie
jar, multidict headers, timer tasks: 290 µs against 62 µs per call at 16 in flight on the
loaded bench host, ``python bench/upstream_client.py``), about a tenth of the gateway's CPU
per request. Here a request is one ``write`` of its head and body, and the answer is parsed
by httptools (uvicorn's parser, already a dependency) straight into the bytes the adapters
read. Timeouts are those aiohttp applied: the pool wait and the TCP (and TLS) connect within
the connect timeout, each wait for the provider's bytes within the read timeout.

Failures raise :class:`TransportError` (a connection refused, reset or closed early, a
malformed answer) or :class:`ConnectTimeout` / :class:`ReadTimeout` (both ``TimeoutError``);
:func:`gateway.providers.base.transport_error` maps them to the gateway's errors.
"""

from __future__ import annotations

import asyncio
import collections
import ssl
import zlib
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httptools
from yarl import URL


class TransportError(Exception):
    """The provider could not be reached, or the exchange broke before its end."""


class ConnectTimeout(TimeoutError):
    """No connection within the connect timeout (the pool wait included): nobody got the
    request, so it is safe to send again."""


class ReadTimeout(TimeoutError):
    """The provider sent nothing for the read timeout: it may be working on the request."""


# Some providers' front ends refuse a request without one.
_USER_AGENT = "user-agent: ai-gateway\r\n"
# Past this much unread body the socket stops being read until the reader catches up.
_HIGH_WATER = 1 << 20


class Headers(Mapping[str, str]):
    """A provider answer's headers, by lower-cased name (the first of repeated ones)."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, str]) -> None:
        self._items = items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()]

    def __iter__(self) -> Any:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)


class Connection(asyncio.Protocol):
    """One kept-alive connection to a provider, carrying one exchange at a time."""

    def __init__(self, pool: Pool, origin: tuple[str, str, int]) -> None:
        self._pool = pool
        self.origin = origin
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.idle_since = 0.0
        self._parser = httptools.HttpResponseParser(self)
        self._reset()

    def _reset(self) -> None:
        self.status = 0
        self.headers: dict[str, str] = {}
        self._keep_alive = False
        self._released = False
        self._head_done = False
        self.complete = False
        self._chunks: collections.deque[bytes] = collections.deque()
        self._buffered = 0
        self._paused = False
        self._whole = False
        self._error: BaseException | None = None
        self._waiter: asyncio.Future[None] | None = None
        self._decoder: Any = None
        self._timer: asyncio.TimerHandle | None = None
        self._last_data = 0.0

    # -- the request -----------------------------------------------------------------------

    def send(self, data: bytes, read_timeout: float) -> None:
        assert self.transport is not None
        self._reset()
        self._read_timeout = read_timeout
        loop = self._pool.loop
        self._last_data = loop.time()
        self._timer = loop.call_at(self._last_data + read_timeout, self._check_read)
        self.transport.write(data)

    async def head(self) -> None:
        """Wait for the status line and headers."""
        while not self._head_done:
            await self._wait()

    async def chunk(self) -> bytes | None:
        """The next piece of body, or None at its end."""
        while not self._chunks:
            if self.complete:
                return None
            await self._wait()
        chunk = self._chunks.popleft()
        self._buffered -= len(chunk)
        if self._paused and self._buffered < _HIGH_WATER // 2 and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        return chunk

    async def read_all(self) -> bytes:
        """The whole body (what is left of it)."""
        self._whole = True  # read to the end anyway: no point pausing the socket
        if self._paused and self.transport is not None:
            self._paused = False
            self.transport.resume_reading()
        while not self.complete:
            await self._wait()
        chunks, self._chunks = self._chunks, collections.deque()
        self._buffered = 0
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    async def _wait(self) -> None:
        if self._error is not None:
            raise self._error
        waiter = self._waiter = self._pool.loop.create_future()
        try:
            await waiter
        finally:
            self._waiter = None
        if self._error is not None:
            raise self._error

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _fail(self, error: BaseException) -> None:
        if self._error is None and not self.complete:
            self._error = error
        self._stop_timer()
        self._wake()

    def _check_read(self) -> None:
        # One timer per exchange, moved on only when it fires: data arriving costs nothing.
        self._timer = None
        if self.complete or self.closed:
            return
        due = self._last_data + self._read_timeout
        loop = self._pool.loop
        if loop.time() < due:
            self._timer = loop.call_at(due, self._check_read)
            return
        self._fail(ReadTimeout("the provider sent nothing within the read timeout"))
        self.close()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def release(self) -> None:
        """The exchange is over: back to the pool when its answer was read to the end and
        the provider keeps the connection; closed otherwise."""
        if self._released:  # closed twice (a relay and its caller): given back once
            return
        self._released = True
        self._stop_timer()
        if self.complete and not self.closed and self._error is None and self._keep_alive:
            self._pool.put_back(self)
        else:
            self.close()
            self._pool.forget(self)

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    # -- asyncio.Protocol ------------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._last_data = self._pool.loop.time()
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(TransportError(f"malformed answer from the provider: {exc}"))
            self.close()

    def eof_received(self) -> bool | None:
        return None  # the transport closes itself; connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.complete:
            self._fail(TransportError("the provider closed the connection")
                       if exc is None else TransportError(str(exc) or type(exc).__name__))
        self._pool.forget(self)

    # -- httptools callbacks ---------------------------------------------------------------

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        self._keep_alive = self._parser.should_keep_alive()
        encoding = self.headers.get("content-encoding", "").strip().lower()
        if encoding in ("gzip", "x-gzip"):
            self._decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif encoding == "deflate":
            self._decoder = zlib.decompressobj(zlib.MAX_WBITS)
        self._head_done = True
        self._wake()

    def on_body(self, body: bytes) -> None:
        if self._decoder is not None:
            try:
                body = self._decoder.decompress(body)
            except zlib.error as exc:
                self._fail(TransportError(f"undecodable answer from the provider: {exc}"))
                self.close()
                return
            if not body:
                return
        self._chunks.append(body)
        self._buffered += len(body)
        if (self._buffered > _HIGH_WATER and not self._paused and not self._whole
                and self.transport is not None):
            self._paused = True
            self.transport.pause_reading()
        self._wake()

    def on_message_complete(self) -> None:
        if self._decoder is not None:
            rest = self._decoder.flush()
            if rest:
                self._chunks.append(rest)
        self.complete = True
        self._stop_timer()
        self._wake()


class Pool:
    """Kept-alive connections by origin, at most ``limit`` open in all."""

    def __init__(
        self, limit: int, connect_timeout: float, read_timeout: float,
        keepalive_s: float, tls: ssl.SSLContext,
    ) -> None:
        self._limit = limit
        self._connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._keepalive = keepalive_s
        self._tls = tls
        self._idle: dict[tuple[str, str, int], list[Connection]] = {}
        self._open: set[Connection] = set()
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.loop = asyncio.get_running_loop()

    async def acquire(self, url: URL) -> Connection:
        origin = (url.scheme, url.raw_host or "", url.port or 0)
        idle = self._idle.get(origin)
        now = self.loop.time()
        while idle:
            connection = idle.pop()
            if not connection.closed and now - connection.idle_since < self._keepalive:
                return connection
            connection.close()
            self.forget(connection)
        return await self._connect(origin)

    async def _connect(self, origin: tuple[str, str, int]) -> Connection:
        scheme, host, port = origin
        connection = Connection(self, origin)
        try:
            async with asyncio.timeout(self._connect_timeout):
                while len(self._open) >= self._limit and not self._evict_idle():
                    waiter = self.loop.create_future()
                    self._waiters.append(waiter)
                    await waiter
                self._open.add(connection)
                await self.loop.create_connection(
                    lambda: connection, host, port,
                    ssl=self._tls if scheme == "https" else None,
                    server_hostname=host if scheme == "https" else None,
                )
        except TimeoutError as exc:
            self.forget(connection)
            raise ConnectTimeout(f"no connection to {host}:{port} in time") from exc
        except OSError as exc:
            self.forget(connection)
            raise TransportError(f"cannot connect to {host}:{port}: {exc}") from exc
        except BaseException:
            self.forget(connection)
            raise
        return connection

    def put_back(self, connection: Connection) -> None:
        if self._waiters:  # the pool is full: the place goes to who waits (any provider)
            connection.close()
            self.forget(connection)
            return
        connection.idle_since = self.loop.time()
        self._idle.setdefault(connection.origin, []).append(connection)

    def _evict_idle(self) -> bool:
        """Close the longest idle connection, if any, to open another (idle ones hold no
        place that a request needs, as in aiohttp)."""
        oldest: Connection | None = None
        for idle in self._idle.values():
            if idle and (oldest is None or idle[0].idle_since < oldest.idle_since):
                oldest = idle[0]
        if oldest is None:
            return False
        self._idle[oldest.origin].remove(oldest)
        oldest.close()
        self.forget(oldest)
        return True

    def forget(self, connection: Connection) -> None:
        """A connection closed (or never opened): its place goes to whoever waits."""
        if connection in self._open:
            self._open.discard(connection)
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)
                    break

    def close(self) -> None:
        for connection in list(self._open):
            connection.close()
        self._open.clear()
        self._idle.clear()


def request_head(url: URL, headers: Mapping[str, str], length: int) -> bytes:
    """The request line and headers of a ``POST`` of ``length`` bytes to ``url``."""
    port = url.port
    host = url.raw_host or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    if port is not None and not url.is_default_port():
        host = f"{host}:{port}"
    lines = [f"POST {url.raw_path_qs} HTTP/1.1\r\nhost: {host}\r\n"]
    for name, value in headers.items():
        if "\r" in name or "\n" in name or "\r" in value or "\n" in value:
            raise ValueError(f"line break in the upstream header {name!r}")
        lines.append(f"{name}: {value}\r\n")
    if "user-agent" not in headers:
        lines.append(_USER_AGENT)
    lines.append(f"accept-encoding: gzip, deflate\r\ncontent-length: {length}\r\n\r\n")
    return "".join(lines).encode()


async def body_chunks(connection: Connection) -> AsyncIterator[bytes]:
    """The answer's body as it arrives (decompressed)."""
    while (chunk := await connection.chunk()) is not None:
        yield chunk

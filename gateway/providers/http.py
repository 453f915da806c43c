"""The process's one way out to providers: kept-alive HTTP/1.1 connections, one pool.

Why not a general client: measured on the 2-core bench machine against the local fake
provider (``python bench/upstream_client.py``), one POST with its JSON answer cost ~100 µs
of CPU through aiohttp, ~160 µs through httpx's types on aiohttp's transport and ~420 µs
through httpx's own client (~810 µs with 16 calls in flight: the production issue's
collapse); the protocol of :mod:`gateway.providers.wire`, which does only what the adapters
need (a POST of known length, a JSON answer or a stream back), costs a quarter of aiohttp's.
The response type keeps httpx's names (``status_code``, ``headers``, ``aread``, ``aclose``)
so the adapters read the same.

The client raises :class:`~gateway.providers.wire.TransportError` and timeouts
(``TimeoutError``); :func:`gateway.providers.base.transport_error` maps them to the
gateway's errors. No proxy from the environment is followed: a proxy variable in the
service's environment must not silently reroute the company's traffic.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Mapping

import certifi
from yarl import URL

from gateway.providers.wire import Connection, Headers, Pool, body_chunks, request_head
from gateway.settings import Settings


class UpstreamResponse:
    """A provider's answer: status and headers now, the body read or iterated once, then
    :meth:`aclose` (always: it returns the connection to the pool, or drops it when the
    body was not read to its end)."""

    __slots__ = ("_connection", "status_code")

    def __init__(self, connection: Connection) -> None:
        self._connection = connection
        self.status_code = connection.status

    @property
    def headers(self) -> Mapping[str, str]:  # case-insensitive
        return Headers(self._connection.headers)

    async def aread(self) -> bytes:
        return await self._connection.read_all()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (decompressed), in whatever pieces the network gives."""
        async for chunk in body_chunks(self._connection):
            yield chunk

    async def aclose(self) -> None:
        self._connection.release()


class UpstreamClient:
    """Sends provider requests over kept-alive connections (gateway.providers.wire)."""

    def __init__(self, settings: Settings) -> None:
        self._limit = settings.upstream_max_connections
        # The pool wait and the TCP connect are bounded by the connect timeout, each read
        # (first byte included) by the read timeout; the total is the adapter's deadline.
        self._connect_timeout = settings.upstream_connect_timeout
        self._read_timeout = settings.upstream_read_timeout
        self._pool: Pool | None = None
        self._urls: dict[str, URL] = {}

    def _open_pool(self) -> Pool:
        # Made on first use, on the loop that serves requests (its connections belong to it).
        self._pool = Pool(
            self._limit, self._connect_timeout, self._read_timeout, keepalive_s=30.0,
            tls=ssl.create_default_context(cafile=certifi.where()),
        )
        return self._pool

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> UpstreamResponse:
        """Send a POST; the body is streamed (read or iterate it, then close it)."""
        return UpstreamResponse(await self.send(self.parse(url), content, headers))

    def parse(self, url: str) -> URL:
        """The URL, parsed once per address (adapters post to a handful of them)."""
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = URL(url)
        return parsed

    async def send(self, url: URL, content: bytes, headers: dict[str, str]) -> Connection:
        """Send the request in one write; returns its connection once the answer's status
        and headers are in (the body follows: read it, then release the connection)."""
        data = request_head(url, headers, len(content)) + content
        pool = self._pool or self._open_pool()
        connection = await pool.acquire(url)
        try:
            connection.send(data, pool.read_timeout)
            await connection.head()
        except BaseException:
            connection.close()
            pool.forget(connection)
            raise
        return connection

    async def aclose(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

"""The process's one way out to providers: pooled keep-alive connections through aiohttp.

Why aiohttp directly, not httpx: measured on the 2-core bench machine against the local
fake provider (``python bench/upstream_client.py``), one POST with its JSON answer costs
~100 µs of CPU through aiohttp, ~160 µs through httpx's types on the same aiohttp transport
(``httpx-aiohttp``: ``Request``/``Response`` objects, header models and decoders built for
every call) and ~420 µs through httpx's own client and transport, which grows to ~810 µs
with 16 calls in flight (the production issue's collapse). The response type below keeps
httpx's names (``status_code``, ``headers``, ``aread``, ``aclose``) so the adapters read
the same.

The client raises aiohttp's exceptions (``aiohttp.ClientError`` and its timeouts);
:func:`gateway.providers.base.transport_error` maps them to the gateway's errors.
"""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Mapping

import aiohttp
import certifi
from yarl import URL

from gateway.settings import Settings


class UpstreamResponse:
    """A provider's answer: status and headers now, the body read or iterated once, then
    :meth:`aclose` (always: it returns the connection to the pool, or drops it when the
    body was not read to its end)."""

    __slots__ = ("_response", "status_code")

    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status_code = response.status

    @property
    def headers(self) -> Mapping[str, str]:  # case-insensitive
        return self._response.headers

    async def aread(self) -> bytes:
        return await self._response.read()

    async def iter_chunks(self) -> AsyncIterator[bytes]:
        """The body as it arrives (decompressed), in whatever pieces the network gives."""
        async for chunk in self._response.content.iter_any():
            yield chunk

    async def aclose(self) -> None:
        self._response.release()
        await self._response.wait_for_close()


class UpstreamClient:
    """Sends provider requests over one shared, pooled aiohttp session."""

    def __init__(self, settings: Settings) -> None:
        self._limit = settings.upstream_max_connections
        # The pool wait and the TCP connect are bounded by the connect timeout, each read
        # (first byte included) by the read timeout; the total is the adapter's deadline.
        self._timeout = aiohttp.ClientTimeout(
            total=None,
            connect=settings.upstream_connect_timeout,
            sock_connect=settings.upstream_connect_timeout,
            sock_read=settings.upstream_read_timeout,
        )
        self._session: aiohttp.ClientSession | None = None
        self._urls: dict[str, URL] = {}

    def _open_session(self) -> aiohttp.ClientSession:
        # Made on first use, on the loop that serves requests (aiohttp binds to it).
        connector = aiohttp.TCPConnector(
            limit=self._limit, keepalive_timeout=30.0,
            ssl=ssl.create_default_context(cafile=certifi.where()),
        )
        # trust_env=False: a proxy variable in the service's environment must not silently
        # reroute the company's traffic.
        self._session = aiohttp.ClientSession(
            connector=connector, trust_env=False, timeout=self._timeout,
        )
        return self._session

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> UpstreamResponse:
        """Send a POST; the body is streamed (read or iterate it, then close it)."""
        return UpstreamResponse(await self.send(self.parse(url), content, headers))

    def parse(self, url: str) -> URL:
        """The URL, parsed once per address (adapters post to a handful of them)."""
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = URL(url)
        return parsed

    async def send(
        self, url: URL, content: bytes, headers: dict[str, str],
    ) -> aiohttp.ClientResponse:
        session = self._session or self._open_session()
        return await session.post(url, data=content, headers=headers, allow_redirects=False)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

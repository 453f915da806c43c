"""The process's one way out to providers: pooled aiohttp connections behind httpx's API.

Requests go straight to the transport: the client layer around it (auth flows, redirects,
cookies, event hooks, URL merging), none of which a provider call uses, cost about as much
again as the transport itself (bench/README.md). URLs are parsed once per adapter.
"""

from __future__ import annotations

import httpx
from httpx_aiohttp import AiohttpTransport

from gateway.settings import Settings


class UpstreamClient:
    """Sends provider requests; the httpx request and response types, aiohttp underneath.

    The aiohttp transport holds up under concurrency where httpx's default transport
    collapses (measured in the production issue and bench/).
    """

    def __init__(self, settings: Settings) -> None:
        limits = httpx.Limits(
            max_connections=settings.upstream_max_connections,
            max_keepalive_connections=settings.upstream_max_connections,
            keepalive_expiry=30.0,
        )
        # trust_env=False: a proxy variable in the service's environment must not silently
        # reroute the company's traffic.
        self.transport = AiohttpTransport(limits=limits, trust_env=False)
        self._timeout = httpx.Timeout(
            connect=settings.upstream_connect_timeout,
            read=settings.upstream_read_timeout,
            write=settings.upstream_read_timeout,
            pool=settings.upstream_connect_timeout,
        ).as_dict()
        self._urls: dict[str, httpx.URL] = {}

    async def post(self, url: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
        """Send a POST; the response body is streamed (read or iterate it, then close it)."""
        parsed = self._urls.get(url)
        if parsed is None:
            parsed = self._urls[url] = httpx.URL(url)
        request = httpx.Request(
            "POST", parsed, content=content, headers=headers,
            extensions={"timeout": self._timeout},
        )
        return await self.transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self.transport.aclose()

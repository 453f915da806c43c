"""The upstream client's HTTP/1.1 (gateway/providers/wire.py) against real sockets.

Each provider here is a raw TCP server on loopback that answers with exactly the bytes a
test needs (gzip, chunks sent apart, a cut, silence), so what the client does with them is
seen as a provider would make it happen.
"""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from gateway.providers.http import UpstreamClient
from gateway.providers.wire import ConnectTimeout, ReadTimeout, TransportError
from gateway.settings import Settings
from tests.conftest import SECRET

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
BODY = b'{"model": "m", "messages": []}'
JSON = b'{"ok": true}'


class Provider:
    """A loopback server running ``serve`` for each connection; counts connections and
    keeps each request's head and body as received."""

    def __init__(self, serve: Serve) -> None:
        self._serve = serve
        self.connections = 0
        self.requests: list[tuple[bytes, bytes]] = []
        self.url = ""
        self._server: asyncio.Server | None = None
        self._handlers: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> Provider:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1/chat/completions"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._handlers:  # those still waiting (a silent provider)
            task.cancel()
        await asyncio.gather(*self._handlers, return_exceptions=True)
        await self._server.wait_closed()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        task = asyncio.current_task()
        assert task is not None
        self._handlers.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    async def request(self, reader: asyncio.StreamReader) -> bytes:
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        body = await reader.readexactly(length)
        self.requests.append((head, body))
        return head


def answer(body: bytes, *extra: bytes) -> bytes:
    return (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" + b"".join(extra)
            + b"content-length: %d\r\n\r\n" % len(body) + body)


@pytest.fixture
async def client() -> AsyncIterator[UpstreamClient]:
    upstream = UpstreamClient(Settings(secret_key=SECRET, upstream_connect_timeout=0.5,
                                       upstream_read_timeout=0.3))
    yield upstream
    await upstream.aclose()


async def call(client: UpstreamClient, url: str) -> tuple[int, bytes]:
    response = await client.post(url, BODY, {"content-type": "application/json",
                                             "authorization": "Bearer org-key"})
    try:
        return response.status_code, await response.aread()
    finally:
        await response.aclose()


async def test_calls_share_one_kept_alive_connection(client: UpstreamClient) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await provider.request(reader)
            writer.write(answer(JSON))

    async with Provider(serve) as provider:
        for _ in range(5):
            assert await call(client, provider.url) == (200, JSON)
    assert provider.connections == 1
    head, body = provider.requests[0]
    assert body == BODY
    assert head.startswith(b"POST /v1/chat/completions HTTP/1.1\r\n")
    assert b"authorization: Bearer org-key\r\n" in head and b"host: 127.0.0.1:" in head


async def test_a_connection_the_provider_closes_is_not_reused(client: UpstreamClient) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)
        writer.write(answer(JSON, b"connection: close\r\n"))
        await writer.drain()

    async with Provider(serve) as provider:
        for _ in range(3):
            assert await call(client, provider.url) == (200, JSON)
    assert provider.connections == 3


async def test_a_gzip_answer_is_read_decoded(client: UpstreamClient) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await provider.request(reader)
        assert b"accept-encoding: gzip, deflate\r\n" in head
        writer.write(answer(gzip.compress(JSON), b"content-encoding: gzip\r\n"))

    async with Provider(serve) as provider:
        assert await call(client, provider.url) == (200, JSON)


async def test_a_stream_is_relayed_as_it_arrives(client: UpstreamClient) -> None:
    second = asyncio.Event()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
                     b"transfer-encoding: chunked\r\n\r\n")
        writer.write(b"b\r\ndata: one\n\n\r\n")
        await second.wait()  # the client has the first event before the second is sent
        writer.write(b"b\r\ndata: two\n\n\r\n0\r\n\r\n")

    async with Provider(serve) as provider:
        response = await client.post(provider.url, BODY, {})
        assert response.headers["Content-Type"] == "text/event-stream"
        seen = []
        async for chunk in response.iter_chunks():
            seen.append(chunk)
            second.set()
        await response.aclose()
    assert seen == [b"data: one\n\n", b"data: two\n\n"]


async def test_an_answer_cut_short_fails_and_its_connection_is_dropped(
    client: UpstreamClient,
) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)
        if provider.connections == 1:
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{\"partial")
            return  # closed after 9 of 100 bytes
        writer.write(answer(JSON))
        await provider.request(reader)

    async with Provider(serve) as provider:
        with pytest.raises(TransportError):
            await call(client, provider.url)
        assert await call(client, provider.url) == (200, JSON)
    assert provider.connections == 2


async def test_a_silent_provider_times_out_on_read(client: UpstreamClient) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)
        await asyncio.sleep(5)

    async with Provider(serve) as provider:
        with pytest.raises(ReadTimeout):
            await call(client, provider.url)


async def test_a_refused_connection_is_a_transport_error(client: UpstreamClient) -> None:
    async with Provider(lambda reader, writer: asyncio.sleep(0)) as provider:
        url = provider.url
    with pytest.raises(TransportError):
        await call(client, url)


async def test_the_pool_wait_is_bounded_by_the_connect_timeout() -> None:
    upstream = UpstreamClient(Settings(secret_key=SECRET, upstream_connect_timeout=0.2,
                                       upstream_read_timeout=0.3, upstream_max_connections=1))

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
        await asyncio.sleep(5)  # the one connection stays busy

    try:
        async with Provider(serve) as provider:
            held = await upstream.post(provider.url, BODY, {})
            with pytest.raises(ConnectTimeout):
                await call(upstream, provider.url)
            await held.aclose()  # its place is free again: a new connection opens
            with pytest.raises(ReadTimeout):
                await call(upstream, provider.url)
        assert provider.connections == 2
    finally:
        await upstream.aclose()


async def test_a_header_with_a_line_break_is_never_sent(client: UpstreamClient) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await provider.request(reader)

    async with Provider(serve) as provider:
        with pytest.raises(ValueError):
            await client.post(provider.url, BODY, {"x-org": "a\r\nx-injected: 1"})
    assert provider.requests == []


async def test_a_full_pool_closes_an_idle_connection_to_reach_another_provider() -> None:
    upstream = UpstreamClient(Settings(secret_key=SECRET, upstream_connect_timeout=0.5,
                                       upstream_max_connections=1))

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await reader.readuntil(b"\r\n\r\n")
            await reader.readexactly(len(BODY))
            writer.write(answer(JSON))

    try:
        async with Provider(serve) as first, Provider(serve) as second:
            assert await call(upstream, first.url) == (200, JSON)  # then idle, kept
            assert await call(upstream, second.url) == (200, JSON)
            assert await call(upstream, first.url) == (200, JSON)
        assert (first.connections, second.connections) == (2, 1)
    finally:
        await upstream.aclose()


async def test_an_answer_closed_twice_gives_its_connection_back_once(
    client: UpstreamClient,
) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            await provider.request(reader)
            await asyncio.sleep(0.05)
            writer.write(answer(JSON))

    async with Provider(serve) as provider:
        response = await client.post(provider.url, BODY, {})
        await response.aread()
        await response.aclose()
        await response.aclose()
        # Two calls at once: each on its own connection, never both on the one given back.
        async with asyncio.timeout(5):
            both = await asyncio.gather(call(client, provider.url), call(client, provider.url))
        assert both == [(200, JSON), (200, JSON)]
    assert provider.connections == 2

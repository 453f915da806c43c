"""Cost of one provider call through the gateway's upstream client and through httpx.

Starts the fake upstream (bench/fake_upstream.py), then, in one process and alternating,
sends the same chat request N times with each client and prints CPU time and wall time per
call, one call at a time and with 16 in flight:

    python bench/upstream_client.py [--calls 4000] [--rounds 2]

Clients: the gateway's ``UpstreamClient`` (aiohttp, gateway/providers/http.py); httpx's
``AsyncClient`` with its default transport; and, when the ``httpx-aiohttp`` package is
installed, httpx's request and response types on aiohttp's transport, without httpx's
client layer (what the gateway did before 2026-11-27).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
import orjson

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from gateway.providers.http import UpstreamClient  # noqa: E402
from gateway.settings import Settings  # noqa: E402
from tests.support.processes import free_port  # noqa: E402

BODY = orjson.dumps({"model": "bench-model", "messages": [{"role": "user", "content": "Bonjour"}]})
HEADERS = {"content-type": "application/json", "authorization": "Bearer bench"}
Call = Callable[[], Awaitable[bytes]]


async def gateway_client(url: str) -> tuple[Call, Callable[[], Awaitable[None]]]:
    client = UpstreamClient(Settings())

    async def call() -> bytes:
        response = await client.post(url, BODY, HEADERS)
        try:
            return await response.aread()
        finally:
            await response.aclose()

    return call, client.aclose


async def httpx_client(url: str, transport: httpx.AsyncBaseTransport | None = None) -> tuple[
    Call, Callable[[], Awaitable[None]]
]:
    client = httpx.AsyncClient(transport=transport, limits=httpx.Limits(max_connections=64))

    async def call() -> bytes:
        return (await client.post(url, content=BODY, headers=HEADERS)).content

    return call, client.aclose


async def httpx_on_aiohttp(url: str) -> tuple[Call, Callable[[], Awaitable[None]]]:
    """What the gateway did before: httpx request and response objects handed straight to
    the aiohttp transport (no httpx client layer)."""
    from httpx_aiohttp import AiohttpTransport

    transport = AiohttpTransport(limits=httpx.Limits(max_connections=64))
    parsed = httpx.URL(url)
    timeout = httpx.Timeout(10.0).as_dict()

    async def call() -> bytes:
        request = httpx.Request("POST", parsed, content=BODY, headers=HEADERS,
                                extensions={"timeout": timeout})
        response = await transport.handle_async_request(request)
        try:
            return await response.aread()
        finally:
            await response.aclose()

    return call, transport.aclose


async def measure(call: Call, calls: int, in_flight: int) -> tuple[float, float]:
    for _ in range(200):  # warm the pool
        await call()
    cpu, wall = time.process_time(), time.perf_counter()

    async def worker(count: int) -> None:
        for _ in range(count):
            await call()

    await asyncio.gather(*(worker(calls // in_flight) for _ in range(in_flight)))
    return (time.process_time() - cpu) / calls * 1e6, (time.perf_counter() - wall) / calls * 1e6


async def one(name: str, url: str, calls: int) -> None:
    if name == "gateway (aiohttp)":
        call, close = await gateway_client(url)
    elif name == "httpx":
        call, close = await httpx_client(url)
    else:
        call, close = await httpx_on_aiohttp(url)
    try:
        for in_flight in (1, 16):
            cpu, wall = await measure(call, calls, in_flight)
            print(f"{name:<22} in flight {in_flight:>2}: {cpu:7.1f} µs CPU/call, "
                  f"{wall:7.1f} µs wall/call", flush=True)
    finally:
        await close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    names = ["gateway (aiohttp)", "httpx"]
    try:
        import httpx_aiohttp  # noqa: F401
    except ImportError:
        pass
    else:
        names.append("httpx types on aiohttp")
    port = free_port()
    upstream = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "fake_upstream.py"), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/v1/chat/completions"
        deadline = time.monotonic() + 15
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit("the fake upstream did not start") from None
                time.sleep(0.1)
        for _ in range(args.rounds):
            for name in names:
                asyncio.run(one(name, url, args.calls))
    finally:
        upstream.terminate()
        upstream.wait(10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

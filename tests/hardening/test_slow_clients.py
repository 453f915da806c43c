"""Slow clients against a real ``gateway serve``, on raw sockets: a request must be sent within
its deadlines, and connections still sending one are bounded.

Settings here: 2 s for the headers, 2 s for the body (plus a second per 16 KiB received),
at most 100 connections sending at once.
"""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import orjson
import pytest
from sqlalchemy import create_engine

from gateway.db import migrate
from tests.conftest import Databases, gateway_env
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.production._helpers import new_key, records, serve, write_config
from tests.support.processes import stop, wait_until

TIMEOUT_S = 2.0
MAX_READING = 100
# Generous: the machine running the tests is shared and often saturated.
SLACK_S = 8.0


@pytest.fixture
def slow_gw(databases: Databases, fake_openai: FakeOpenAIProvider,
            tmp_path: Path) -> Iterator[tuple[str, str, str]]:
    models, policies = write_config(tmp_path, fake_openai.url)
    url = databases.new("slow")
    migrate.upgrade(url)
    env = {**gateway_env(url, models), "GATEWAY_POLICIES_DIR": str(policies),
           "GATEWAY_HEADER_TIMEOUT_SECONDS": str(TIMEOUT_S),
           "GATEWAY_BODY_TIMEOUT_SECONDS": str(TIMEOUT_S),
           "GATEWAY_MAX_READING_CONNECTIONS": str(MAX_READING)}
    engine = create_engine(url)
    key = new_key(engine)
    engine.dispose()
    process, base = serve(env)
    try:
        yield base, key, url
    finally:
        stop(process, timeout=30)


def _connect(base: str, head: bytes) -> socket.socket:
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10)
    sock.sendall(head)
    sock.setblocking(False)
    return sock


def _closed(sock: socket.socket) -> bool:
    """The server closed it (what it sent before, a 408 or a 401, read and dropped)."""
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except BlockingIOError:
        return False
    except OSError:  # reset
        return True


def _dribble(socks: list[socket.socket], seconds: float) -> list[socket.socket]:
    """One body byte per socket every half second, as a slowloris client does, for
    ``seconds`` or until the server has closed them all; returns those still open."""
    deadline = time.monotonic() + seconds
    open_socks = socks
    while time.monotonic() < deadline:
        for sock in open_socks:
            with contextlib.suppress(OSError):
                sock.send(b"{")
        time.sleep(0.5)
        open_socks = [s for s in open_socks if not _closed(s)]
        if not open_socks:
            break
    return open_socks


def _body_head(key: str | None) -> bytes:
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    return (f"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\nUser-Agent: curl/8.5.0\r\n"
            f"{auth}Content-Type: application/json\r\nContent-Length: 100000\r\n\r\n").encode()


def test_slow_bodies_without_a_key_do_not_stay_open(slow_gw: tuple[str, str, str]) -> None:
    base, _, _ = slow_gw
    socks = [_connect(base, _body_head(None)) for _ in range(300)]
    try:
        still_open = _dribble(socks, TIMEOUT_S + SLACK_S)
        assert still_open == []
    finally:
        for sock in socks:
            sock.close()


def test_a_slow_body_with_a_key_gets_408_at_its_deadline(
    slow_gw: tuple[str, str, str],
) -> None:
    base, key, url = slow_gw
    sock = _connect(base, _body_head(key))
    started = time.monotonic()
    try:
        received = b""
        while time.monotonic() - started < TIMEOUT_S + SLACK_S:
            # Read before sending more: a byte sent after the server closed draws a reset,
            # which on loopback discards the 408 still unread (seen on a loaded CI host).
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
            except BlockingIOError:
                pass
            except OSError:
                break
            with contextlib.suppress(OSError):
                sock.send(b" ")
            time.sleep(0.5)
        assert received.startswith(b"HTTP/1.1 408"), received[:200]
        assert _closed(sock)
        # A request sent at a normal pace on the same gateway is served all along.
        assert httpx.get(base + "/healthz", timeout=30).status_code == 200
    finally:
        sock.close()
    # Recorded as a request that did not arrive in time, not as an internal error.
    engine = create_engine(url)
    try:
        assert wait_until(lambda: [row.status_code for row in records(engine)] == [408],
                          timeout=10), [(r.status_code, r.error) for r in records(engine)]
    finally:
        engine.dispose()
    # A large body on a slow but steady link takes longer than the body timeout, and passes:
    # each 16 KiB received buys a second.
    assert _steady_upload(base, key) == 200


def _steady_upload(base: str, key: str) -> int:
    """200 kB at 64 kB/s (about 3 s, past the 2 s body timeout); the answer's status."""
    body = orjson.dumps({"model": "ok", "messages": [
        {"role": "user", "content": "x" * 200_000}]})
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall((f"POST /v1/chat/completions HTTP/1.1\r\nHost: gw\r\n"
                      f"User-Agent: curl/8.5.0\r\nAuthorization: Bearer {key}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                      f"Connection: close\r\n\r\n").encode())
        for start in range(0, len(body), 16 * 1024):
            sock.sendall(body[start:start + 16 * 1024])
            time.sleep(0.25)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    return int(answer.split(b" ", 2)[1])


def test_slow_headers_are_bounded_then_timed_out(slow_gw: tuple[str, str, str]) -> None:
    base, key, _ = slow_gw
    opened = time.monotonic()
    socks = [_connect(base, b"GET /healthz HTTP/1.1\r\nHost: gw\r\n") for _ in range(300)]
    try:
        # Past the bound, the longest sending were closed at once to make room: at most
        # MAX_READING of them wait for their deadline.
        time.sleep(0.5)
        if time.monotonic() - opened < TIMEOUT_S:
            assert len([s for s in socks if not _closed(s)]) <= MAX_READING
        # A client that sends its request at once is served meanwhile.
        response = httpx.post(f"{base}/v1/chat/completions", timeout=30, json={
            "model": "ok", "messages": [{"role": "user", "content": "x"}]},
            headers={"Authorization": f"Bearer {key}", "User-Agent": "curl/8.5.0"})
        assert response.status_code == 200
        # Each closed by its deadline: waited for until then, no longer.
        remaining = TIMEOUT_S + SLACK_S - (time.monotonic() - opened)
        wait_until(lambda: all(_closed(s) for s in socks), max(0.0, remaining), interval=0.25)
        assert [s for s in socks if not _closed(s)] == []
    finally:
        for sock in socks:
            sock.close()

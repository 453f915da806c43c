"""A whole answer in one write (gateway/api/one_write.py): uvicorn's own protocol code, driven
with request bytes, writing to a transport that keeps what it is given."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.server import ServerState

from gateway.api.slow_clients import ReadLimits, protocol_for

BODY = b'{"ok": true}'


class Wire(asyncio.Transport):
    """The socket's side: every write as it came, and whether the connection was closed."""

    def __init__(self) -> None:
        super().__init__()
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.writes.append(bytes(data))

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 50000), "sockname": ("127.0.0.1", 8000)}.get(
            name, default)

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await receive()
    if scope["path"] == "/stream":
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/event-stream")]})
        await send({"type": "http.response.body", "body": b"data: 1\n\n", "more_body": True})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-type", b"application/json"),
               (b"content-length", str(len(BODY)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    if scope["path"] == "/fails":
        raise RuntimeError("the application failed after starting its answer")
    await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else BODY})


async def exchange(request: bytes) -> Wire:
    config = Config(app=app, log_level="critical")
    protocol = protocol_for(ReadLimits(10.0, 10.0, 1024, 100))(config, ServerState(), {})
    wire = Wire()
    protocol.connection_made(wire)
    protocol.data_received(request)
    await asyncio.wait_for(asyncio.gather(*protocol.tasks), 10)
    protocol.connection_lost(None)
    return wire


def request(method: str, path: str) -> bytes:
    return f"{method} {path} HTTP/1.1\r\nhost: gw\r\ncontent-length: 0\r\n\r\n".encode()


async def test_an_answer_of_known_length_leaves_in_one_write() -> None:
    wire = await exchange(request("POST", "/v1/chat/completions"))
    assert len(wire.writes) == 1
    head, body = wire.writes[0].split(b"\r\n\r\n", 1)
    assert head.startswith(b"HTTP/1.1 200 OK") and b"content-length: 12" in head
    assert body == BODY


async def test_two_answers_on_one_connection_each_leave_whole() -> None:
    wire = await exchange(request("POST", "/a") + request("POST", "/b"))
    assert [w.startswith(b"HTTP/1.1 200") and w.endswith(BODY) for w in wire.writes] == [
        True, True]


async def test_a_stream_sends_its_headers_before_its_first_event() -> None:
    wire = await exchange(request("POST", "/stream"))
    assert wire.writes[0].startswith(b"HTTP/1.1 200") and wire.writes[0].endswith(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in wire.writes[0]
    assert wire.writes[1:] == [b"9\r\ndata: 1\n\n\r\n", b"0\r\n\r\n"]


async def test_a_head_request_gets_its_headers() -> None:
    wire = await exchange(request("HEAD", "/"))
    assert len(wire.writes) == 1 and wire.writes[0].endswith(b"\r\n\r\n")


async def test_an_answer_cut_short_still_sends_its_head_then_closes() -> None:
    wire = await exchange(request("POST", "/fails"))
    assert len(wire.writes) == 1 and wire.writes[0].startswith(b"HTTP/1.1 200")
    assert wire.closed

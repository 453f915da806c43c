"""Minimal, fast OpenAI-compatible upstream for the overhead benchmark.

A raw ASGI callable (no framework) served by uvicorn with httptools and uvloop, so that it
is never the bottleneck: every answer is prebuilt bytes. ``POST .../chat/completions``
answers a fixed small completion with usage (SSE when the body has ``"stream": true``,
with a usage chunk when ``stream_options.include_usage`` is true); ``GET /healthz`` answers
200.

    python bench/fake_upstream.py --port 9001 [--delay-ms 0]
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import orjson
import uvicorn

MODEL = "bench-model"
TEXT = "Bonjour ! Voici une réponse courte et fixe du serveur de test."
USAGE = {"prompt_tokens": 48, "completion_tokens": 14, "total_tokens": 62}
CREATED = 1_700_000_000

COMPLETION = orjson.dumps(
    {
        "id": "chatcmpl-bench",
        "object": "chat.completion",
        "created": CREATED,
        "model": MODEL,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": TEXT, "refusal": None},
                "logprobs": None,
                "finish_reason": "stop",
            }
        ],
        "usage": USAGE,
        "system_fingerprint": None,
    }
)


def _chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
    body = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": MODEL,
        "system_fingerprint": None,
        "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
    }
    return b"data: " + orjson.dumps(body) + b"\n\n"


_WORDS = TEXT.split(" ")
_THIRD = len(_WORDS) // 3
_PIECES = [
    " ".join(_WORDS[:_THIRD]) + " ",
    " ".join(_WORDS[_THIRD : 2 * _THIRD]) + " ",
    " ".join(_WORDS[2 * _THIRD :]),
]
STREAM_EVENTS = [
    _chunk({"role": "assistant", "content": ""}),
    *(_chunk({"content": piece}) for piece in _PIECES),
    _chunk({}, "stop"),
]
USAGE_EVENT = (
    b"data: "
    + orjson.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": MODEL,
            "choices": [],
            "usage": USAGE,
        }
    )
    + b"\n\n"
)
DONE = b"data: [DONE]\n\n"

JSON_HEADERS = [(b"content-type", b"application/json")]
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


class FakeUpstream:
    def __init__(self, delay_ms: float = 0.0) -> None:
        self.delay = delay_ms / 1000.0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        path: str = scope["path"]
        if scope["method"] == "GET" and path in ("/healthz", "/v1/models"):
            await self._send(send, 200, JSON_HEADERS, b'{"status":"ok"}')
            return
        if scope["method"] != "POST" or not path.endswith("/chat/completions"):
            await self._send(send, 404, JSON_HEADERS, b'{"error":{"message":"not found"}}')
            return
        try:
            request = orjson.loads(body)
        except orjson.JSONDecodeError:
            await self._send(send, 400, JSON_HEADERS, b'{"error":{"message":"bad json"}}')
            return
        if self.delay:
            await asyncio.sleep(self.delay)
        if not request.get("stream"):
            await self._send(send, 200, JSON_HEADERS, COMPLETION)
            return
        options = request.get("stream_options") or {}
        events = STREAM_EVENTS + ([USAGE_EVENT] if options.get("include_usage") else [])
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        for event in events:
            await send({"type": "http.response.body", "body": event, "more_body": True})
        await send({"type": "http.response.body", "body": DONE, "more_body": False})

    @staticmethod
    async def _send(
        send: Any, status: int, headers: list[tuple[bytes, bytes]], body: bytes
    ) -> None:
        headers = [*headers, (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001)
    parser.add_argument("--delay-ms", type=float, default=0.0, help="simulated model latency")
    args = parser.parse_args()
    uvicorn.run(
        FakeUpstream(args.delay_ms),
        host=args.host,
        port=args.port,
        http="httptools",
        loop="uvloop",
        access_log=False,
        log_level="warning",
        lifespan="on",
        backlog=4096,
    )


if __name__ == "__main__":
    main()

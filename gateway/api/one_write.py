"""A whole answer in one write: the status line and headers wait for the body's first bytes.

uvicorn writes a response's head when the application starts it and the body when it sends
it: two writes, two trips through the kernel's TCP stack for the usual JSON answer. On the
bench machine the head's write alone was ~11 % of the gateway's CPU at concurrency 16 (py-spy,
the peer woken for a few header bytes, then again for the body). When the head announces a
``content-length`` the body follows at once, so holding the head until that write costs no
latency and saves one of the two. Chunked answers (streams), ``HEAD`` and bodiless statuses
have their head written at once, as before: a stream's client sees its headers before the
first event.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import RequestResponseCycle


class HeadHolder:
    """The transport a request's cycle writes through: holds a content-length head until the
    next write (or a close) and sends both as one."""

    __slots__ = ("_cycle", "_head", "_started", "transport")

    def __init__(self, transport: asyncio.Transport, cycle: RequestResponseCycle) -> None:
        self.transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        cycle = self._cycle
        if not self._started and cycle.response_started:
            # The first write once the answer started is its head (a 100 Continue comes
            # before): held when a known length of body follows.
            self._started = True
            if cycle.chunked_encoding is False and cycle.scope["method"] != "HEAD":
                self._head = data
                return
        head = self._head
        if head is not None:
            self._head = None
            data = head + data
        self.transport.write(data)

    def close(self) -> None:
        # An answer cut short (the application failed after starting it) still sends what
        # the client would have had: its head.
        head = self._head
        if head is not None:
            self._head = None
            self.transport.write(head)
        self.transport.close()

    def is_closing(self) -> bool:
        return self.transport.is_closing()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)

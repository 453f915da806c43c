"""Slow clients: deadlines for sending a request, and a bound on connections still sending.

uvicorn reads a request for as long as the client takes: a connection that sends its
headers one byte every few seconds, or a body that never ends, holds a socket, a file
descriptor and buffers indefinitely (300 such connections without a key were all still open
after 40 s). This protocol, uvicorn's httptools one with deadlines, closes them:

* the request line and headers must arrive within ``GATEWAY_HEADER_TIMEOUT_SECONDS`` of
  the connection (or of the request's first byte on a kept-alive connection);
* the body within ``GATEWAY_BODY_TIMEOUT_SECONDS`` of the headers, plus a second per
  ``GATEWAY_BODY_MIN_RATE`` bytes received, so a large upload on a slow link still passes
  while a trickle does not (Apache's mod_reqtimeout rule);
* a request answered before its body was read (a 401 for a missing key, a 413) ends the
  connection: nothing more from it is worth reading;
* at most ``GATEWAY_MAX_READING_CONNECTIONS`` connections may be sending a request at once;
  past it, the one that has been sending longest is closed to make room. A legitimate
  request is in that state for milliseconds, so the oldest is the slowest.

A late request gets ``408 Request Timeout`` when no answer has started, then the close.
Each answer of known length leaves in one write, head and body (gateway/api/one_write.py).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol, RequestResponseCycle

from gateway.api.one_write import HeadHolder
from gateway.settings import Settings

logger = logging.getLogger(__name__)

_TIMEOUT = (b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: 25\r\nconnection: close\r\n\r\nrequest sent too slowly.\n")
_HEADERS, _BODY = "headers", "body"
# At most one warning per this many seconds while connections are being closed.
_WARN_EVERY_S = 10.0


@dataclass(frozen=True, slots=True)
class ReadLimits:
    header_timeout: float
    body_timeout: float
    body_min_rate: int
    max_reading: int

    @classmethod
    def from_settings(cls, settings: Settings) -> ReadLimits:
        return cls(settings.header_timeout_seconds, settings.body_timeout_seconds,
                   settings.body_min_rate, settings.max_reading_connections)


class _Readers:
    """The connections of one server still sending a request, oldest first."""

    def __init__(self) -> None:
        self.order: dict[GuardedHttpToolsProtocol, None] = {}
        self.last_warning = 0.0

    def warn(self, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self.last_warning >= _WARN_EVERY_S:
            self.last_warning = now
            logger.warning(message, *args)


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with read deadlines (see the module's docstring)."""

    limits: ReadLimits | None = None

    def __init__(self, config: Any, server_state: Any, app_state: dict[str, Any],
                 _loop: asyncio.AbstractEventLoop | None = None) -> None:
        super().__init__(config, server_state, app_state, _loop)
        cls = type(self)
        if cls.limits is None:  # `gateway serve`'s workers: read once, from the environment
            cls.limits = ReadLimits.from_settings(Settings())
        self._limits: ReadLimits = cls.limits
        readers = getattr(server_state, "gateway_readers", None)
        if readers is None:
            readers = _Readers()
            server_state.gateway_readers = readers
        self._readers: _Readers = readers
        self._phase: str | None = None
        # One timer per connection, re-armed only when it fires early (see _reading).
        self._timer: asyncio.TimerHandle | None = None
        self._deadline = 0.0
        self._body_bytes = 0

    # -- the phases of a request -----------------------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._reading(_HEADERS, self._limits.header_timeout)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._phase is None:  # the next request on a kept-alive connection
            self._reading(_HEADERS, self._limits.header_timeout)

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._body_bytes = 0
        self._reading(_BODY, self._limits.body_timeout)

    def _start_asgi_task(self, cycle: RequestResponseCycle, app: Any) -> None:
        # Each answer's head leaves with its body (gateway/api/one_write.py).
        cycle.transport = HeadHolder(self.transport, cycle)  # type: ignore[assignment]
        super()._start_asgi_task(cycle, app)

    def on_body(self, body: bytes) -> None:
        self._body_bytes += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._done()

    def on_response_complete(self) -> None:
        if self._phase == _BODY and not self.transport.is_closing():
            # Answered without its body (401, 413...): the rest is not worth waiting for.
            self.transport.close()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._done()
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().connection_lost(exc)

    # -- deadlines and the bound -----------------------------------------------------------
    def _reading(self, phase: str, timeout: float) -> None:
        self._phase = phase
        self._deadline = self.loop.time() + timeout
        # A timer set for an earlier deadline stays: when it fires, it finds the deadline
        # moved and waits again (_expired). Cancelling and setting one per phase cost two
        # timers per request on a kept-alive connection that sends in one packet.
        timer = self._timer
        if timer is not None and timer.when() > self._deadline:
            timer.cancel()
            timer = None
        if timer is None:
            self._timer = self.loop.call_at(self._deadline, self._expired)
        readers = self._readers.order
        readers.pop(self, None)
        readers[self] = None  # the most recent at the end
        while len(readers) > self._limits.max_reading:
            oldest = next(iter(readers))
            self._readers.warn("more than %d connections sending a request: the longest "
                               "sending is closed", self._limits.max_reading)
            oldest._give_up()

    def _done(self) -> None:
        # The timer is left running (a kept-alive connection's next request reuses it);
        # with no phase it does nothing when it fires.
        self._phase = None
        self._readers.order.pop(self, None)

    def _expired(self) -> None:
        self._timer = None
        if self._phase is None:
            return
        allowed = self._deadline
        if self._phase == _BODY:
            # A second more per body_min_rate bytes received: slow links, not trickles.
            allowed += self._body_bytes / self._limits.body_min_rate
        if self.loop.time() < allowed:
            self._timer = self.loop.call_at(allowed, self._expired)
            return
        self._readers.warn("a client took too long to send its request (%s): closed",
                           self._phase)
        self._give_up()

    def _give_up(self) -> None:
        """Answer 408 if nothing was answered yet, and close."""
        cycle = self.cycle
        phase = self._phase
        self._done()
        if self.transport.is_closing():
            return
        # No 408 in the middle of an answer (this request's, or a pipelined earlier one's).
        answering = cycle is not None and cycle.response_started and not cycle.response_complete
        if not answering and phase is not None:
            self.transport.write(_TIMEOUT)
        self.transport.close()


def protocol_for(limits: ReadLimits) -> type[GuardedHttpToolsProtocol]:
    """The protocol class with ``limits`` (an in-process server: tests, embedding)."""
    return type("GuardedHttpToolsProtocol", (GuardedHttpToolsProtocol,), {"limits": limits})


# For uvicorn's ``http`` option, which ``gateway serve`` passes to its workers by name.
PROTOCOL = f"{__name__}:GuardedHttpToolsProtocol"

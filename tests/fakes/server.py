"""Run any ASGI app with uvicorn in a background thread on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn


class ServerThread:
    """Context manager running ``app`` on ``127.0.0.1:<OS-chosen port>`` in a thread.

    The listening socket is bound here (port 0) and handed to uvicorn, so the port
    is known before the server starts and no other process can grab it meanwhile.

        with ServerThread(app) as srv:
            httpx.get(srv.url + "/healthz")
    """

    def __init__(
        self,
        app: Any,
        *,
        log_level: str = "warning",
        # A gateway loads spaCy during its start-up: seconds when idle, minutes on a 2-core
        # machine the whole suite saturates. A server that fails ends the wait at once.
        startup_timeout: float = 240.0,
        # Forcing the exit skips the application's shutdown (a gateway's lifespan, which
        # closes its log connections: left to the garbage collector, psycopg warns). The
        # requests' wait is bounded by ``timeout_graceful_shutdown``; what is left is the
        # application's own shutdown, slow on a loaded host like its start.
        shutdown_timeout: float = 60.0,
        **uvicorn_options: Any,
    ) -> None:
        self.app = app
        self.host = "127.0.0.1"
        self.startup_timeout = startup_timeout
        self.shutdown_timeout = shutdown_timeout
        options: dict[str, Any] = {
            "log_level": log_level,
            # Do not reconfigure the process-wide logging (pytest owns it).
            "log_config": None,
            "access_log": False,
            # Do not wait long for in-flight requests (slow fakes) at shutdown.
            "timeout_graceful_shutdown": 1,
        }
        options.update(uvicorn_options)
        self._options = options
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self.server: uvicorn.Server | None = None
        self.port = 0

    @property
    def url(self) -> str:
        if not self.port:
            raise RuntimeError("ServerThread is not started")
        return f"http://{self.host}:{self.port}"

    def start(self) -> ServerThread:
        if self._thread is not None:
            raise RuntimeError("ServerThread already started")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, 0))
        self._sock = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(self.app, host=self.host, port=self.port, **self._options)
        self.server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name=f"uvicorn-{self.port}", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self.server.started:
            if not self._thread.is_alive():
                sock.close()
                raise RuntimeError(f"server on port {self.port} failed to start") from self._error
            if time.monotonic() > deadline:
                self.stop()
                raise TimeoutError(f"server on port {self.port} did not start in time")
            time.sleep(0.01)
        return self

    def _run(self) -> None:
        assert self.server is not None and self._sock is not None
        try:
            self.server.run(sockets=[self._sock])
        except BaseException as exc:  # SystemExit on startup failure, etc.
            self._error = exc

    def stop(self) -> None:
        server, thread = self.server, self._thread
        if server is None or thread is None:
            return
        server.should_exit = True
        thread.join(self.shutdown_timeout)
        if thread.is_alive():
            server.force_exit = True
            thread.join(self.shutdown_timeout)
        if self._sock is not None:
            self._sock.close()
        self._thread = None
        if thread.is_alive():
            raise RuntimeError(f"server on port {self.port} did not stop")

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

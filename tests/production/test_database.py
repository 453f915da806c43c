"""The database slow or gone: 503 audit_unavailable within a bounded wait, /readyz says
why, and the gateway is back to normal by itself when the database is."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from gateway.app import create_app
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import SECRET, Databases
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.fakes.server import ServerThread

from ._helpers import CURL, new_key, record, write_config

HELLO = [{"role": "user", "content": "Bonjour"}]


@contextmanager
def gateway(url: str, tmp: Path, fake: FakeOpenAIProvider, **options: object) -> Iterator[str]:
    models, policies = write_config(tmp, fake.url)
    settings = Settings(database_url=url, secret_key=SECRET, models_file=models,
                        policies_dir=policies, redaction_enabled=False,
                        audit_insert_timeout=1.0, readiness_timeout=1.0, **options)
    with ServerThread(create_app(settings), shutdown_timeout=15) as server:
        yield server.url


def chat(url: str, key: str) -> httpx.Response:
    return httpx.post(f"{url}/v1/chat/completions", timeout=60,
                      headers={"Authorization": f"Bearer {key}", **CURL},
                      json={"model": "ok", "messages": HELLO})


def test_a_stuck_database_gives_503_quickly_then_recovers(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path
) -> None:
    url = databases.new("stuck")
    migrate.upgrade(url)
    engine = create_engine(url)
    key = new_key(engine)
    with gateway(url, tmp_path, fake_openai) as base:
        assert chat(base, key).status_code == 200
        blocker = engine.connect()
        # Hold the write lock: the log's insert waits (SQLite busy wait, PostgreSQL lock).
        if engine.dialect.name == "sqlite":
            blocker.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            blocker.begin()
            blocker.execute(text("LOCK TABLE interactions IN ACCESS EXCLUSIVE MODE"))
        try:
            fake_openai.reset()
            started = time.monotonic()
            refused = chat(base, key)
            assert time.monotonic() - started < 4
            assert refused.status_code == 503
            assert refused.json()["error"]["code"] == "audit_unavailable"
            assert fake_openai.received == []  # nothing forwarded unlogged
            ready = httpx.get(f"{base}/readyz", timeout=10)
            assert ready.status_code == 503
            assert ready.json()["checks"]["audit_log"].startswith("error")
        finally:
            blocker.rollback()
            blocker.close()
        deadline = time.monotonic() + 15
        while chat(base, key).status_code != 200:
            assert time.monotonic() < deadline, "the gateway did not recover"
            time.sleep(0.2)
        assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200
        # The refused request's record, if its insert landed late, says what happened.
        rec = record(engine, refused.headers["x-gateway-interaction-id"], timeout=10)
        assert rec["status_code"] == 503 and rec["error"].startswith("audit_unavailable")
    engine.dispose()


class TcpProxy:
    """Forwards a local port to the database; ``cut`` drops every connection and refuses
    new ones until ``restore``."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.down = False
        self._lock = threading.Lock()
        self._open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.down = True
        with self._lock:
            for sock in self._open:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def restore(self) -> None:
        self.down = False

    def close(self) -> None:
        self.cut()
        self.listener.close()


def test_database_cut_and_restored(
    databases: Databases, fake_openai: FakeOpenAIProvider, tmp_path: Path
) -> None:
    if databases.backend != "postgresql":
        pytest.skip("a TCP cut between the gateway and its database needs PostgreSQL")
    url = databases.new("cut")
    migrate.upgrade(url)
    direct = create_engine(url)
    key = new_key(direct)
    parsed = make_url(url)
    proxy = TcpProxy(parsed.host or "127.0.0.1", parsed.port or 5432)
    proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    try:
        with gateway(proxied, tmp_path, fake_openai, db_connect_timeout=2) as base:
            assert chat(base, key).status_code == 200
            proxy.cut()
            fake_openai.reset()
            started = time.monotonic()
            refused = chat(base, key)
            assert refused.status_code == 503, refused.text
            assert refused.json()["error"]["code"] == "audit_unavailable"
            assert time.monotonic() - started < 5
            assert fake_openai.received == []
            ready = httpx.get(f"{base}/readyz", timeout=10)
            assert ready.status_code == 503
            assert ready.json()["checks"]["database"].startswith("error")
            proxy.restore()
            deadline = time.monotonic() + 20
            while chat(base, key).status_code != 200:
                assert time.monotonic() < deadline, "the gateway did not recover"
                time.sleep(0.3)
            assert httpx.get(f"{base}/readyz", timeout=10).status_code == 200
    finally:
        proxy.close()
        direct.dispose()

"""Real OS processes for the tests: ``gateway serve`` on a free port, one-shot CLI commands.

``serve(env)`` starts the gateway and returns once it answers; ``start_gateway`` and
``wait_ready`` are its two halves, for tests that start several processes before waiting, or
read the process's output first. ``stop`` signals processes and waits for them to exit.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support import REPO

GATEWAY = [sys.executable, "-m", "gateway.cli.main"]
NO_REDACTION = {"GATEWAY_REDACTION_ENABLED": "false"}
# Generous: a start loads spaCy, seconds on an idle machine, minutes on a saturated one
# (CI shares its 2 cores with the tests); a gateway that never starts still fails.
START_TIMEOUT_S = 240.0


def free_port() -> int:
    """A loopback port nobody listens on (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = REPO,
            input: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """``gateway ARGS...`` to completion; with ``check``, a failure fails the test with its stderr."""
    result = subprocess.run([*GATEWAY, *args], env=env, cwd=cwd, input=input,
                            capture_output=True, text=True, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"gateway {' '.join(args)} failed: {result.stderr}")
    return result


def start_gateway(env: dict[str, str], *, port: int | None = None, cwd: Path = REPO,
                  redaction: bool = True, stdout: Any = subprocess.DEVNULL,
                  stderr: Any = subprocess.DEVNULL, text: bool = False,
                  ) -> tuple[subprocess.Popen[Any], str]:
    """``gateway serve`` on ``port`` (default: a free one), without waiting; returns the
    process and its URL. ``redaction=False`` spares the start-up cost of the detection models
    in tests about something else."""
    port = port or free_port()
    process = subprocess.Popen([*GATEWAY, "serve", "--port", str(port)],
                               env=env if redaction else {**env, **NO_REDACTION}, cwd=cwd,
                               stdout=stdout, stderr=stderr, text=text)
    return process, f"http://127.0.0.1:{port}"


def answers(url: str) -> bool:
    """True when ``GET url`` answers 200."""
    try:
        return httpx.get(url).status_code == 200
    except httpx.TransportError:
        return False


def wait_until(predicate: Callable[[], object], timeout: float = 10.0,
               interval: float = 0.05) -> bool:
    """Polls ``predicate`` until it is true (returns True) or ``timeout`` passes (False)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def wait_ready(base: str, path: str = "/healthz", *,
               process: subprocess.Popen[Any] | None = None) -> None:
    """Waits for ``base + path`` to answer 200; fails at once if ``process`` exits first."""

    def gone() -> bool:
        return process is not None and process.poll() is not None

    if not wait_until(lambda: answers(base + path) or gone(), START_TIMEOUT_S, interval=0.1):
        raise AssertionError(f"{base}{path} did not answer 200 within {START_TIMEOUT_S:.0f} s")
    if process is not None and process.poll() is not None:
        raise AssertionError(f"gateway serve exited ({process.returncode}) before {base} answered")


def serve(env: dict[str, str], *, port: int | None = None, cwd: Path = REPO,
          redaction: bool = True, stderr: Any = subprocess.DEVNULL, path: str = "/healthz",
          ) -> tuple[subprocess.Popen[Any], str]:
    """``gateway serve`` on a free port; returns the process and its URL once ``path``
    answers 200 (the process is killed if it never does, and the failure quotes the end
    of what it wrote on stderr: a start that fails on a loaded CI host says why)."""
    quoted = stderr is subprocess.DEVNULL
    with tempfile.TemporaryFile() as errors:  # the child keeps its own handle after
        process, base = start_gateway(env, port=port, cwd=cwd, redaction=redaction,
                                      stderr=errors if quoted else stderr)
        try:
            wait_ready(base, path, process=process)
        except AssertionError as exc:
            process.kill()
            process.wait()
            if not quoted:
                raise
            errors.seek(0)
            said = errors.read()[-3000:].decode("utf-8", "replace")
            raise AssertionError(f"{exc}; its stderr ended with:\n{said}") from None
    return process, base


def stop(*processes: subprocess.Popen[Any], sig: int = signal.SIGTERM,
         timeout: float = 60.0) -> None:
    """Signals every process, then waits for each to exit (on SIGTERM a gateway drains its
    audit log first, so they stop in parallel)."""
    for process in processes:
        process.send_signal(sig)
    for process in processes:
        process.wait(timeout=timeout)

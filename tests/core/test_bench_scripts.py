"""The benchmark scripts start as users run them (bench/launch.py: the fake provider, a
gateway with the bundled policies, a key): soak.py through one short slice of load, and
ab.py's options. Nothing here measures speed."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from tests.support import REPO


@pytest.mark.skipif(shutil.which("wrk") is None, reason="the soak loads with wrk")
def test_the_soak_starts_a_gateway_and_loads_it_without_a_failure() -> None:
    done = subprocess.run(
        [sys.executable, "bench/soak.py", "--minutes", "0.01", "--every", "1",
         "--concurrency", "1"],
        cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 failed" in done.stdout, done.stdout


def test_ab_takes_the_shared_options() -> None:
    done = subprocess.run([sys.executable, "bench/ab.py", "--help"], cwd=REPO,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    for option in ("--database", "--prompt", "--postgres-url", "--redis-url"):
        assert option in done.stdout

"""The SQLite database and the files SQLite keeps beside it are readable by their owner only,
whatever the umask: they hold the prompts, answers, key hashes and review trail."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support import REPO
from tests.support.processes import run_cli, serve, stop


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _plain_env() -> dict[str, str]:
    """A newcomer's environment: no GATEWAY_ settings, so ``./gateway.db`` in the cwd."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GATEWAY_")}
    env["GATEWAY_POLICIES_DIR"] = str(REPO / "policies")
    return env


@contextmanager
def _umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def test_a_fresh_gateway_creates_its_database_files_owner_only(tmp_path: Path) -> None:
    with _umask(0o022):  # the usual umask, under which files come out 0644
        process, base = serve(_plain_env(), cwd=tmp_path, redaction=False)
    try:
        # The first start wrote the admin key and ran the migrations: the WAL is in use.
        assert httpx.get(base + "/readyz", timeout=30).status_code == 200
        files = {name: tmp_path / name for name in
                 ("gateway.db", "gateway.db-wal", "gateway.db-shm", "gateway.db.secret")}
        for name, path in files.items():
            assert path.exists(), name
            assert _mode(path) == 0o600, f"{name}: {_mode(path):o}"
    finally:
        stop(process)


def test_files_left_readable_by_an_earlier_version_are_narrowed(tmp_path: Path) -> None:
    database = tmp_path / "ancien.db"
    env = {**_plain_env(), "GATEWAY_DATABASE_URL": f"sqlite:///{database}"}
    with _umask(0o022):
        for suffix in ("", "-wal", "-shm"):
            path = Path(f"{database}{suffix}")
            path.touch()
            path.chmod(0o644)
        run_cli("db", "upgrade", env=env, cwd=tmp_path)
    for suffix in ("", "-wal", "-shm"):
        assert _mode(Path(f"{database}{suffix}")) == 0o600, suffix

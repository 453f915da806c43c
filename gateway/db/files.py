"""SQLite: the database file and its companions readable by their owner only.

The file holds every prompt and answer the log keeps, the key hashes and the review trail;
created under a common umask (022) it was world-readable (0644), and so were the ``-wal``
and ``-shm`` files SQLite makes beside it, which hold recent pages in clear. SQLite gives
those companions the permissions of the database file, so creating the file 0600 before
SQLite first opens it is enough for new databases; files left broader by an earlier version
are narrowed at start.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from sqlalchemy.engine import make_url

logger = logging.getLogger(__name__)

OWNER_ONLY = 0o600
# The files SQLite may keep beside a database (write-ahead log, shared memory, rollback journal).
COMPANIONS = ("-wal", "-shm", "-journal")


def sqlite_file(url: str) -> Path | None:
    """The database file of a file-backed SQLite URL, else ``None``."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    if parsed.query.get("uri") or str(database).startswith("file:"):
        return None  # an SQLite URI names its file its own way: left as configured
    return Path(str(database))


def make_owner_only(url: str) -> None:
    """Create the database file 0600 if missing; narrow it and its companions if broader."""
    path = sqlite_file(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_CREAT's mode: the file is born owner-only, without a moment of being readable.
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, OWNER_ONLY))
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in COMPANIONS)):
        _narrow(candidate)


def _narrow(path: Path) -> None:
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)
        logger.warning("%s was readable by others (%o): now owner-only (%o)",
                       path, mode, mode & 0o700)

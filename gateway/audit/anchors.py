"""Anchors: the chain heads, signed and kept outside the database, so a cut tail is caught.

Why: the chain proves that no link was changed, but someone who can write to the database
can delete the last records *and* rewind the head row to the new last link; the chain then
verifies. An anchor is a copy of the heads (``seq`` and ``hash`` of each chain) written at
intervals where the database's writers cannot reach:

- a file (``GATEWAY_AUDIT_ANCHOR_FILE``): one JSON line per anchor, appended, each signed
  with HMAC-SHA256 under ``GATEWAY_AUDIT_ANCHOR_KEY`` (else a key derived from
  ``GATEWAY_SECRET_KEY``); put it on another volume, ideally append-only (``chattr +a``) or
  WORM storage;
- syslog (``GATEWAY_AUDIT_ANCHOR_SYSLOG``: ``/dev/log`` or ``host:port``, UDP) and/or a
  webhook (``GATEWAY_AUDIT_ANCHOR_WEBHOOK``: https URL receiving the same JSON), so a copy
  lives on a machine the gateway's host cannot rewrite; check those copies with
  ``gateway audit verify --anchors FILE`` after collecting them in a file.

``verify`` reads the anchors: each must carry a valid signature, name a ``seq`` the chain
still reaches (``anchor_truncated`` otherwise: the end of the log was deleted), and the link
at that ``seq`` must have the anchored hash (``anchor_mismatch``), unless retention purged
it. Every gateway process writes an anchor every ``GATEWAY_AUDIT_ANCHOR_INTERVAL_SECONDS``;
``gateway audit anchor`` writes one now (for cron, or before a backup).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import logging.handlers
import os
import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
import orjson
from sqlalchemy import Connection, Engine, select

from gateway.audit.integrity import EVENTS_TABLE, HEADS_TABLE, INTERACTIONS_TABLE
from gateway.db.base import utcnow
from gateway.errors import ConfigError
from gateway.periodic import Periodic

logger = logging.getLogger(__name__)

FORMAT = "gateway-anchor/1"
_TABLES = {"interactions": INTERACTIONS_TABLE, "events": EVENTS_TABLE}


@dataclass(frozen=True, slots=True)
class Finding:
    reason: str
    chain: str
    seq: int
    message: str


@dataclass(frozen=True, slots=True)
class AnchorConfig:
    """Where anchors go and the key that signs them (built from the settings)."""

    key: bytes
    file: Path | None = None
    syslog: str | None = None
    webhook: str | None = None
    interval: float = 300.0

    @property
    def enabled(self) -> bool:
        return bool(self.file or self.syslog or self.webhook)


def signature(key: bytes, body: dict[str, Any]) -> str:
    payload = orjson.dumps({k: v for k, v in body.items() if k != "mac"},
                           option=orjson.OPT_SORT_KEYS)
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


def heads(connection: Connection) -> dict[str, dict[str, int | str]]:
    return {row.name: {"seq": int(row.seq), "hash": str(row.hash)}
            for row in connection.execute(select(HEADS_TABLE))}


def take(engine: Engine, config: AnchorConfig) -> dict[str, Any]:
    """Read the heads, sign them and send the anchor everywhere configured; returns it."""
    with engine.connect() as connection:
        body: dict[str, Any] = {"format": FORMAT, "at": utcnow().isoformat(),
                                "host": socket.gethostname(), "chains": heads(connection)}
    body["mac"] = signature(config.key, body)
    line = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    if config.file is not None:
        _append(config.file, line)
    if config.syslog:
        _to_syslog(config.syslog, line.decode())
    if config.webhook:
        _to_webhook(config.webhook, line)
    return body


def _append(path: Path, line: bytes) -> None:
    # One write of one line with O_APPEND: processes sharing the file never interleave.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, line + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


def _to_syslog(address: str, message: str) -> None:
    target: str | tuple[str, int] = address
    if ":" in address and not address.startswith("/"):
        host, port = address.rsplit(":", 1)
        target = (host, int(port))
    handler = logging.handlers.SysLogHandler(address=target)
    try:
        handler.emit(logging.LogRecord("gateway.anchor", logging.INFO, __file__, 0,
                                       "gateway-anchor %s", (message,), None))
    finally:
        handler.close()


def _to_webhook(url: str, body: bytes) -> None:
    request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310 (https set)
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        response.read()


def read(path: Path) -> Iterator[tuple[int, dict[str, Any] | None]]:
    """The anchors of a file, with their line numbers; ``None`` for a line that is not one."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            # A syslog collector keeps its prefix before the JSON: read from the brace.
            text = raw.strip()
            if not text:
                continue
            try:
                found = json.loads(text[text.index(b"{"):])
            except ValueError:
                yield number, None
                continue
            yield number, found if isinstance(found, dict) else None


def check(connection: Connection, path: Path, key: bytes) -> Finding | None:
    """The first anchor the database no longer agrees with, if any."""
    current = {row.name: row for row in connection.execute(select(HEADS_TABLE))}
    for number, anchor in read(path):
        if anchor is None or not hmac.compare_digest(
                str(anchor.get("mac", "")), signature(key, anchor)):
            return Finding("anchor_forged", "anchors", number,
                           f"{path} line {number}: not an anchor signed with this key")
        for name, link in dict(anchor.get("chains") or {}).items():
            found = _check_link(connection, current.get(name), name, link, anchor["at"])
            if found is not None:
                return found
    return None


def _check_link(connection: Connection, head: Any, name: str, link: dict[str, Any],
                at: str) -> Finding | None:
    seq, digest = int(link["seq"]), str(link["hash"])
    if head is None or name not in _TABLES or seq <= int(head.anchor_seq):
        return None  # purged by retention since (its anchor is the purge's)
    if seq > int(head.seq):
        return Finding("anchor_truncated", name, seq,
                       f"{name} ends at seq {head.seq} but was anchored at seq {seq} on {at}: "
                       "the end of the log was deleted")
    table = _TABLES[name]
    stored = connection.execute(select(table.c.hash).where(table.c.seq == seq)).scalar()
    if stored != digest:
        return Finding("anchor_mismatch", name, seq,
                       f"{name} seq {seq} is not the link anchored on {at}")
    return None


def config_from(settings: Any) -> AnchorConfig:
    """The anchoring of these settings (a key is required once anything is configured)."""
    from gateway.settings import resolve_secret_key

    raw = settings.audit_anchor_key.get_secret_value() if settings.audit_anchor_key else None
    config = AnchorConfig(
        key=b"", file=settings.audit_anchor_file, syslog=settings.audit_anchor_syslog,
        webhook=settings.audit_anchor_webhook, interval=settings.audit_anchor_interval_seconds)
    if not config.enabled and raw is None:
        return config
    try:
        key = raw.encode() if raw else hmac.new(resolve_secret_key(settings), b"audit-anchor",
                                                 hashlib.sha256).digest()
    except ConfigError as exc:
        raise ConfigError(f"anchors need GATEWAY_AUDIT_ANCHOR_KEY: {exc}") from exc
    return AnchorConfig(key, config.file, config.syslog, config.webhook, config.interval)


def for_verify(settings: Any, path: Path | None = None) -> tuple[Path, bytes] | None:
    """The anchor file ``verify`` checks (``path``, else the configured one) and its key."""
    config = config_from(settings)
    path = path or config.file
    if path is None or not path.exists():
        return None
    return path, config.key


class AnchorWriter:
    """Writes an anchor every ``config.interval`` seconds from the serving process."""

    def __init__(self, engine: Engine, config: AnchorConfig) -> None:
        self._engine = engine
        self._config = config
        self._loop = Periodic(self._anchor, config.interval, what="writing the audit anchor",
                              logger=logger, level=logging.ERROR)

    def start(self) -> None:
        if self._config.enabled:
            self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _anchor(self) -> None:
        await anyio.to_thread.run_sync(take, self._engine, self._config)

"""Retention: erase expired content, then delete expired records, without breaking the chain.

- Content (``prompt``, ``response``, and the encrypted raw content with its key id) older
  than ``GATEWAY_RETENTION_CONTENT_DAYS`` is set to NULL. The hashes of the redacted content
  stay, and the chain covers those hashes (not the encrypted columns), so verification still
  holds.
- Records older than ``GATEWAY_RETENTION_METADATA_DAYS`` are deleted, oldest link first, and
  only as a prefix of the chain: deletion stops at the first link that has not expired. The
  chain head's anchor moves to the last deleted link (its ``seq`` and ``hash``) in the same
  transaction, and a ``retention.purge`` event records that anchor in the event chain.

Everything runs in short transactions of at most ``batch`` rows (ranges of ``seq``, served by
its unique index), so a purge never rewrites a whole table nor blocks the writers for long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, Table, and_, delete, func, or_, select, update

from gateway.audit import integrity
from gateway.audit.integrity import EVENTS, EVENTS_TABLE, INTERACTIONS, INTERACTIONS_TABLE
from gateway.db.base import utcnow

BATCH = 5000


@dataclass(slots=True)
class PurgeResult:
    content_cutoff: datetime
    metadata_cutoff: datetime
    contents_erased: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, int] = field(default_factory=dict)


def purge(
    engine: Engine, content_days: int, metadata_days: int, *,
    now: datetime | None = None, batch: int = BATCH,
) -> PurgeResult:
    """Apply the retention settings; safe to run while gateways write, and to run again."""
    now = now or utcnow()
    result = PurgeResult(now - timedelta(days=content_days), now - timedelta(days=metadata_days))
    result.contents_erased = erase_content(engine, result.content_cutoff, batch)
    for chain, table in ((INTERACTIONS, INTERACTIONS_TABLE), (EVENTS, EVENTS_TABLE)):
        deleted, anchor = delete_prefix(engine, chain, table, result.metadata_cutoff, batch)
        result.deleted[chain] = deleted
        result.anchors[chain] = anchor
    return result


def erase_content(engine: Engine, cutoff: datetime, batch: int = BATCH) -> int:
    """Set expired content (clear and encrypted) to NULL by windows of ``seq``; returns how many."""
    table = INTERACTIONS_TABLE
    with engine.connect() as connection:
        bounds = connection.execute(
            select(func.min(table.c.seq), func.max(table.c.seq)).where(table.c.created_at < cutoff)
        ).one()
    if bounds[0] is None:
        return 0
    erased = 0
    # Only chained records: their content hashes are already set, so nothing is lost.
    for low in range(int(bounds[0]), int(bounds[1]) + 1, batch):
        with engine.begin() as connection:
            result = connection.execute(
                update(table)
                .where(
                    table.c.seq.between(low, low + batch - 1),
                    table.c.created_at < cutoff,
                    or_(
                        table.c.prompt.is_not(None), table.c.response.is_not(None),
                        table.c.prompt_encrypted.is_not(None),
                        table.c.response_encrypted.is_not(None),
                    ),
                )
                .values(prompt=None, response=None, prompt_encrypted=None,
                        response_encrypted=None, content_key_id=None)
            )
            erased += result.rowcount or 0
    return erased


def delete_prefix(
    engine: Engine, chain: str, table: Table, cutoff: datetime, batch: int = BATCH
) -> tuple[int, int]:
    """Delete the expired prefix of a chain; returns (rows deleted, the anchor's seq)."""
    deleted = 0
    while True:
        with engine.begin() as connection:
            head = integrity.lock_head(connection, chain)
            anchor = int(head["anchor_seq"])
            rows = connection.execute(
                select(table.c.seq, table.c.hash, table.c.created_at)
                .where(table.c.seq > anchor)
                .order_by(table.c.seq)
                .limit(batch)
            ).all()
            last = None
            for expected, row in enumerate(rows, start=anchor + 1):
                if row.seq != expected or row.created_at >= cutoff:
                    break  # a gap is for verify to report, not for purge to hide
                last = row
            if last is None:
                break
            connection.execute(
                delete(table).where(and_(table.c.seq > anchor, table.c.seq <= last.seq))
            )
            connection.execute(
                update(integrity.HEADS_TABLE)
                .where(integrity.HEADS_TABLE.c.name == chain)
                .values(anchor_seq=last.seq, anchor_hash=last.hash)
            )
            deleted += int(last.seq) - anchor
    with engine.begin() as connection:
        head = integrity.lock_head(connection, chain)
        anchor = int(head["anchor_seq"])
        if anchor and _recorded_anchor(connection, chain) != anchor:
            # Also repairs a purge interrupted between its deletions and this event.
            integrity.append_event(connection, "retention.purge", detail={
                "chain": chain, "anchor_seq": anchor, "anchor_hash": head["anchor_hash"],
                "cutoff": cutoff.isoformat(),
            })
    return deleted, anchor


def _recorded_anchor(connection: Connection, chain: str) -> int | None:
    events = EVENTS_TABLE
    for detail in connection.execute(
        select(events.c.detail).where(events.c.kind == "retention.purge")
        .order_by(events.c.seq.desc())
    ).scalars():
        if detail.get("chain") == chain:
            return int(detail["anchor_seq"])
    return None

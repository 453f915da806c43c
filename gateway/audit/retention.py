"""Retention: erase expired content, then delete expired records, without breaking the chain.

Each kind of data has its own period (the settings say why these defaults):

- The sealed raw content (``prompt_encrypted``, ``response_encrypted`` and their key id)
  older than ``GATEWAY_RETENTION_RAW_CONTENT_DAYS`` is set to NULL;
- content (``prompt``, ``response``, and the raw content with it) older than
  ``GATEWAY_RETENTION_CONTENT_DAYS`` is set to NULL. The commitments to the redacted
  content stay, and the chain covers those (not the encrypted columns), so verification still
  holds. First, a ``retention.content`` event (``through_seq``, ``cutoff``) is chained: it is
  the marker ``verify`` requires before it takes a NULL content for a purge, so a prompt
  emptied by hand on a fresh record is caught, and a purge interrupted half-way is covered;
- the Responses API conversations the gateway kept (:mod:`gateway.audit.conversations`),
  sealed raw content too, are deleted with the sealed raw content.
- Records older than ``GATEWAY_RETENTION_METADATA_DAYS`` are deleted, oldest link first, and
  only as a prefix of the chain: deletion stops at the first link that has not expired. The
  chain head's anchor moves to the last deleted link (its ``seq`` and ``hash``) in the same
  transaction, and a ``retention.purge`` event records that anchor in the event chain.
  Review decisions (the reviewer's comment, the requester's e-mail) go at the same age.
- Access-journal entries older than ``GATEWAY_RETENTION_ACCESS_LOG_DAYS`` are deleted.

Everything runs in short transactions of at most ``batch`` rows (ranges of ``seq``, served by
its unique index), so a purge never rewrites a whole table nor blocks the writers for long.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import (
    ColumnElement,
    Connection,
    Engine,
    Table,
    and_,
    delete,
    func,
    or_,
    select,
    update,
)

from gateway.audit import conversations, integrity
from gateway.audit.crosscheck import ACCESS_PURGE_KIND
from gateway.audit.integrity import EVENTS, EVENTS_TABLE, INTERACTIONS, INTERACTIONS_TABLE
from gateway.audit.reading.models import AccessLogEntry
from gateway.audit.values import CONTENT_PURGE_KIND
from gateway.db.base import utcnow
from gateway.review.models import ReviewDecision

BATCH = 5000
REVIEWS_TABLE = cast(Table, ReviewDecision.__table__)
ACCESS_TABLE = cast(Table, AccessLogEntry.__table__)


@dataclass(slots=True)
class PurgeResult:
    content_cutoff: datetime
    metadata_cutoff: datetime
    raw_content_cutoff: datetime
    access_log_cutoff: datetime
    contents_erased: int = 0
    raw_contents_erased: int = 0
    # Responses API conversations the gateway kept (erased with the raw content).
    conversations_erased: int = 0
    deleted: dict[str, int] = field(default_factory=dict)
    anchors: dict[str, int] = field(default_factory=dict)


def purge(
    engine: Engine, content_days: int, metadata_days: int, *,
    raw_content_days: int | None = None, access_log_days: int | None = None,
    now: datetime | None = None, batch: int = BATCH,
) -> PurgeResult:
    """Apply the retention settings; safe to run while gateways write, and to run again.

    Without their own period, the raw content goes with the content and the access journal
    with the records."""
    now = now or utcnow()
    result = PurgeResult(
        now - timedelta(days=content_days), now - timedelta(days=metadata_days),
        now - timedelta(days=min(raw_content_days or content_days, content_days)),
        now - timedelta(days=access_log_days or metadata_days),
    )
    if result.raw_content_cutoff > result.content_cutoff:  # else the content pass does it
        result.raw_contents_erased = erase_content(engine, result.raw_content_cutoff, batch,
                                                   raw_only=True)
    result.contents_erased = erase_content(engine, result.content_cutoff, batch)
    result.conversations_erased = conversations.purge_before(engine,
                                                             result.raw_content_cutoff)
    for chain, table in ((INTERACTIONS, INTERACTIONS_TABLE), (EVENTS, EVENTS_TABLE)):
        deleted, anchor = delete_prefix(engine, chain, table, result.metadata_cutoff, batch)
        result.deleted[chain] = deleted
        result.anchors[chain] = anchor
    result.deleted["review_decisions"] = delete_older(
        engine, REVIEWS_TABLE, REVIEWS_TABLE.c.decided_at, result.metadata_cutoff, batch)
    _mark_access_purge(engine, result.access_log_cutoff)
    result.deleted["access_log"] = delete_older(
        engine, ACCESS_TABLE, ACCESS_TABLE.c.created_at, result.access_log_cutoff, batch)
    return result


def _mark_access_purge(engine: Engine, cutoff: datetime) -> None:
    """Chain the marker that lets verify tell this purge from journal entries deleted by hand
    (each entry has its ``access.read`` event); written first, so an interrupted purge is
    covered too."""
    with engine.begin() as connection:
        through = connection.execute(select(func.max(ACCESS_TABLE.c.id))
                                     .where(ACCESS_TABLE.c.created_at < cutoff)).scalar()
        if through is not None:
            integrity.append_event(connection, ACCESS_PURGE_KIND, detail={
                "through_id": int(through), "cutoff": cutoff.isoformat()})


def delete_older(
    engine: Engine, table: Table, when: ColumnElement[datetime], cutoff: datetime,
    batch: int = BATCH,
) -> int:
    """Delete the rows of ``table`` whose ``when`` is before ``cutoff``, ``batch`` at a time."""
    deleted = 0
    while True:
        with engine.begin() as connection:
            ids = connection.execute(
                select(table.c.id).where(when < cutoff).limit(batch)).scalars().all()
            if not ids:
                return deleted
            connection.execute(delete(table).where(table.c.id.in_(ids)))
            deleted += len(ids)


def erase_content(engine: Engine, cutoff: datetime, batch: int = BATCH, *,
                  raw_only: bool = False) -> int:
    """Set expired content (clear and encrypted; ``raw_only``: the encrypted raw content
    alone) to NULL by windows of ``seq``; returns how many records changed."""
    table = INTERACTIONS_TABLE
    sealed = [table.c.prompt_encrypted.is_not(None), table.c.response_encrypted.is_not(None)]
    present = sealed if raw_only else [
        table.c.prompt.is_not(None), table.c.response.is_not(None), *sealed]
    erased_values: dict[str, None] = {
        "prompt_encrypted": None, "response_encrypted": None, "content_key_id": None}
    if not raw_only:
        erased_values.update(prompt=None, response=None)
    with engine.begin() as connection:
        bounds = connection.execute(
            select(func.min(table.c.seq), func.max(table.c.seq))
            .where(table.c.created_at < cutoff, or_(*present))
        ).one()
        if bounds[0] is None:
            return 0
        if not raw_only:  # the sealed raw content is outside the chain: no marker needed
            integrity.append_event(connection, CONTENT_PURGE_KIND, detail={
                "chain": INTERACTIONS, "through_seq": int(bounds[1]),
                "cutoff": cutoff.isoformat()})
    erased = 0
    # Only chained records: their content hashes are already set, so nothing is lost.
    for low in range(int(bounds[0]), int(bounds[1]) + 1, batch):
        with engine.begin() as connection:
            result = connection.execute(
                update(table)
                .where(
                    table.c.seq.between(low, low + batch - 1),
                    table.c.created_at < cutoff,
                    or_(*present),
                )
                .values(**erased_values)
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

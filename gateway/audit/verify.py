"""``gateway audit verify``: walk each chain in ``seq`` order and name the first broken link.

Rows are streamed as plain tuples (no ORM objects) and hashed as they come, so memory stays
flat and a million records take seconds. What each failure means:

- ``missing``: a ``seq`` is absent (a record was deleted);
- ``link``: ``prev_hash`` is not the hash of the link before (a record was removed,
  inserted or moved there);
- ``altered``: the hashed fields no longer give the stored hash (a field was edited, or two
  records were swapped);
- ``content``: a prompt, response or the person's e-mail no longer matches its commitment;
- ``content_removed``: a prompt or response is gone where no chained event (a retention
  purge's marker, the person's erasure) says it may be: a NULL is never taken for a purge;
- ``subject``: the key of a record's person was deleted, but no erasure was chained;
- ``beyond_head``: a record past the chain head (not appended by the gateway);
- ``truncated``: the head names links that are gone (the end of the log was deleted);
- ``anchor``: the purge anchor disagrees with the last ``retention.purge`` event;
- ``sealed`` / ``unsealed`` (given the server secret): a record, chained or not yet, is not
  what the gateway wrote, or lost its seal (gateway/audit/seal.py);
- ``anchor_truncated`` / ``anchor_mismatch`` / ``anchor_forged``: an external anchor
  (gateway/audit/anchors.py) names links the chain no longer has: its end was cut;
- and the tables the event chain records (keys, people, reviews, the access journal):
  see gateway/audit/crosscheck.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    MetaData,
    String,
    Table,
    column,
    func,
    inspect,
    select,
    type_coerce,
)
from sqlalchemy.sql.elements import ColumnElement

from gateway.audit import integrity, values
from gateway.audit.anchors import check as check_anchors
from gateway.audit.crosscheck import crosscheck
from gateway.audit.integrity import (
    EVENT_FIELDS,
    EVENTS,
    EVENTS_TABLE,
    HEADS_TABLE,
    INTERACTION_FIELDS,
    INTERACTIONS,
    INTERACTIONS_TABLE,
)
from gateway.audit.models import PENDING
from gateway.audit.seal import READ_COLUMNS, Sealer

_YIELD = 10_000


@dataclass(frozen=True, slots=True)
class Break:
    """The first link that does not hold."""

    chain: str
    seq: int
    id: str | None
    reason: str
    message: str


@dataclass(slots=True)
class ChainReport:
    chain: str
    checked: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    head_seq: int = 0
    head_hash: str = ""
    anchor_seq: int = 0
    unchained: int = 0  # finished records still waiting for their link
    erased: int = 0  # records of erased people (their commitments can no longer be opened)
    purged: int = 0  # records whose content retention emptied, as its chained marker says
    last_hash: str | None = None


@dataclass(slots=True)
class Report:
    chains: list[ChainReport] = field(default_factory=list)
    broken: Break | None = None
    seconds: float = 0.0
    anchors: str | None = None  # the anchor file checked, if any
    seals: int | None = None  # records whose seals were checked; None without the secret

    @property
    def intact(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "intact": self.intact,
            "broken": asdict(self.broken) if self.broken else None,
            "chains": [
                {k: v for k, v in asdict(chain).items() if k != "last_hash"}
                for chain in self.chains
            ],
            "anchors": self.anchors,
            "seals": self.seals,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class _Chain:
    name: str
    table: Table
    fields: tuple[str, ...]
    digest: Callable[[Sequence[Any]], str]
    extra: tuple[str, ...] = ()  # columns read after the hash, for the values' own checks


_CHAINS = (
    _Chain(INTERACTIONS, INTERACTIONS_TABLE, INTERACTION_FIELDS, integrity.interaction_digest,
           values.EXTRA_COLUMNS),
    _Chain(EVENTS, EVENTS_TABLE, EVENT_FIELDS, integrity.event_digest),
)


def verify(
    engine: Engine, since: datetime | None = None, until: datetime | None = None, *,
    anchors: tuple[Path, bytes] | None = None, sealer: Sealer | None = None,
) -> Report:
    """Check both chains (or the links created in ``[since, until)``), the tables the event
    chain records, the external anchors (a file and its key) and, with the server secret,
    every record's seals; stop at the first break."""
    started = time.perf_counter()
    report = Report()
    # One snapshot for the heads and the records: under READ COMMITTED a chain step
    # committing between the two reads showed a record "past the head" (PostgreSQL; SQLite
    # below).
    isolation = "SERIALIZABLE" if engine.dialect.name == "sqlite" else "REPEATABLE READ"
    with engine.connect().execution_options(isolation_level=isolation) as connection, \
            connection.begin():
        if engine.dialect.name == "sqlite":
            # The driver opens a transaction only before a write: each read then had its own
            # snapshot, and a record linked between the chain walk and the unchained pass
            # was checked by neither (seen in CI). BEGIN holds one snapshot for all reads.
            connection.exec_driver_sql("BEGIN")
        checker = values.ValueChecker.load(connection, sealer)
        for chain in _CHAINS:
            chain_report = ChainReport(chain.name)
            report.chains.append(chain_report)
            report.broken = _verify_chain(connection, chain, chain_report, since, until,
                                          checker)
            if report.broken is not None:
                break
        if report.broken is None and since is None and sealer is not None:
            report.broken = _check_unchained(connection, checker)
        if sealer is not None:
            report.seals = checker.sealed
        if report.broken is None and since is None:
            report.broken = _check_anchor(connection)
        if report.broken is None and since is None:
            found = crosscheck(connection, checker.keys)
            if found is not None:
                report.broken = Break(EVENTS, found.seq, found.id, found.reason, found.message)
        if report.broken is None and anchors is not None:
            report.anchors = anchors[0].name
            cut = check_anchors(connection, *anchors)
            if cut is not None:
                report.broken = Break(cut.chain, cut.seq, None, cut.reason, cut.message)
    report.seconds = time.perf_counter() - started
    return report


def _seq_bound(
    connection: Connection, table: Table, since: datetime | None, until: datetime | None
) -> tuple[int | None, int | None]:
    low = high = None
    if since is not None:
        low = connection.execute(
            select(func.min(table.c.seq)).where(table.c.created_at >= since)
        ).scalar()
    if until is not None:
        high = connection.execute(
            select(func.max(table.c.seq)).where(table.c.created_at < until)
        ).scalar()
    return low, high


def _verify_chain(
    connection: Connection, chain: _Chain, report: ChainReport,
    since: datetime | None, until: datetime | None, checker: values.ValueChecker,
) -> Break | None:
    table = chain.table
    head = connection.execute(select(HEADS_TABLE).where(HEADS_TABLE.c.name == chain.name)).one()
    report.head_seq, report.anchor_seq = int(head.seq), int(head.anchor_seq)
    report.head_hash = str(head.hash)
    if chain.name == INTERACTIONS:
        report.unchained = connection.execute(
            select(func.count()).select_from(table)
            .where(table.c.seq.is_(None), table.c.state != PENDING)
        ).scalar_one()
    low, high = _seq_bound(connection, table, since, until)
    if (since is not None and low is None) or (until is not None and high is None):
        return None  # nothing chained in the range
    start, prev = int(head.anchor_seq) + 1, str(head.anchor_hash)
    if low is not None and low > start:
        start = low
        before = connection.execute(select(table.c.hash).where(table.c.seq == low - 1)).scalar()
        if before is None:
            return Break(chain.name, low - 1, None, "missing",
                         f"{chain.name} seq {low - 1} is missing (the link before the range)")
        prev = str(before)
    query = select(*(_raw(table.c[name]) for name in chain.fields), table.c.hash,
                   *(table.c[column] for column in chain.extra))
    query = query.where(table.c.seq >= start)
    if high is not None:
        query = query.where(table.c.seq <= high)
    rows = connection.execution_options(yield_per=_YIELD).execute(query.order_by(table.c.seq))
    reviewed = _review_check(connection) if chain.name == INTERACTIONS else None
    try:
        check = checker.interaction if chain.name == INTERACTIONS else None
        broken = _walk(chain, rows, start, prev, int(head.seq), report, reviewed, check)
    finally:
        rows.close()  # a break leaves the server-side cursor open otherwise
    if broken is None and high is None:
        broken = _check_tail(chain, report, str(head.hash), str(report.last_hash))
    return broken


_RAW = frozenset({"created_at", "completed_at", "rule_ids", "pii_findings", "detail"})


def _raw(col: ColumnElement[Any]) -> ColumnElement[Any]:
    """Skip SQLAlchemy's per-row conversion of instants and JSON; the digest canonicalizes."""
    return type_coerce(col, String) if col.key in _RAW else col


def _walk(
    chain: _Chain, rows: Iterable[Sequence[Any]], expected: int, prev: str, head_seq: int,
    report: ChainReport, reviewed: Callable[[Sequence[Any], str], bool] | None = None,
    check: Callable[[Sequence[Any], ChainReport], tuple[str, str] | None] | None = None,
) -> Break | None:
    name, digest, width = chain.name, chain.digest, len(chain.fields)
    for row in rows:
        seq, row_id, stored = row[0], row[2], row[width]
        if seq > head_seq:
            return Break(name, seq, row_id, "beyond_head",
                         f"{name} seq {seq} (id {row_id}) is past the chain head (seq "
                         f"{head_seq}): it was not appended by the gateway")
        if seq != expected:
            return Break(name, expected, None, "missing",
                         f"{name} seq {expected} is missing (next present: seq {seq}, "
                         f"id {row_id})")
        if row[1] != prev:
            return Break(name, seq, row_id, "link",
                         f"{name} seq {seq} (id {row_id}) does not link to the record before "
                         "it: a record was removed, inserted or moved here")
        found = check(row, report) if check is not None else None
        # The seal, when it breaks too, says which fields were edited: that is reported.
        if found is None and digest(row[:width]) != stored and not (
                reviewed and reviewed(row, stored)):
            return Break(name, seq, row_id, "altered",
                         f"{name} seq {seq} (id {row_id}) no longer matches its hash: a "
                         "field was edited or records were swapped")
        if found is not None:
            return Break(name, seq, row_id, found[0], f"{name} seq {seq} (id {row_id}): {found[1]}")
        if report.first_seq is None:
            report.first_seq = seq
        report.last_seq = seq
        report.checked += 1
        prev = stored
        expected += 1
    report.last_hash = prev
    return None


_DECISION_AT = INTERACTION_FIELDS.index("decision")
_REVIEWED = ("approved", "rejected")


def _review_check(connection: Connection) -> Callable[[Sequence[Any], str], bool] | None:
    """Accept the one change the gateway makes to a chained record: a review's verdict.

    A held record is chained as ``held``; a reviewer's decision then sets ``approved`` or
    ``rejected`` on it (gateway.review). The record verifies if it hashes as ``held`` and its
    decision is the one in ``review_decisions`` (looked up only for such records).
    """
    if not inspect(connection).has_table("review_decisions"):
        return None
    decisions = Table("review_decisions", MetaData())

    def reviewed(row: Sequence[Any], stored: str) -> bool:
        if row[_DECISION_AT] not in _REVIEWED:
            return False
        as_held = list(row[: len(INTERACTION_FIELDS)])
        as_held[_DECISION_AT] = "held"
        if integrity.interaction_digest(as_held) != stored:
            return False
        action = connection.execute(
            select(column("action")).select_from(decisions)
            .where(column("interaction_id") == row[2])
        ).scalar()
        return bool(action == row[_DECISION_AT])

    return reviewed


def _check_unchained(connection: Connection, checker: values.ValueChecker) -> Break | None:
    """Records not linked yet (pending, or final and waiting): their seals are all that
    guards them until their link."""
    table = INTERACTIONS_TABLE
    query = select(*(_raw(table.c[name]) for name in READ_COLUMNS)).where(table.c.seq.is_(None))
    rows = connection.execution_options(yield_per=_YIELD).execute(query.order_by(table.c.id))
    try:
        for row in rows:
            record = dict(zip(READ_COLUMNS, row, strict=True))
            found = checker.seals(record)
            if found is not None:
                return Break(INTERACTIONS, 0, record["id"], found[0],
                             f"unchained record {record['id']}: {found[1]}")
    finally:
        rows.close()
    return None


def _check_tail(chain: _Chain, report: ChainReport, head_hash: str, prev_hash: str) -> Break | None:
    last = report.last_seq if report.last_seq is not None else report.anchor_seq
    if last < report.head_seq:
        return Break(chain.name, last + 1, None, "truncated",
                     f"{chain.name} seq {last + 1} to {report.head_seq} are missing: the end "
                     "of the log was deleted")
    if prev_hash != head_hash:
        return Break(chain.name, last, None, "truncated",
                     f"{chain.name} seq {last} is not the head the gateway recorded")
    return None


def _check_anchor(connection: Connection) -> Break | None:
    """The anchors left by purges must be the ones the (chained) purge events recorded."""
    events = EVENTS_TABLE
    heads = {row.name: row for row in connection.execute(select(HEADS_TABLE))}
    purges = connection.execute(
        select(events.c.seq, events.c.detail).where(events.c.kind == "retention.purge")
        .order_by(events.c.seq.desc())
    )
    seen: set[str] = set()
    for seq, detail in purges:
        name = detail.get("chain")
        if name in seen or name not in heads:
            continue
        seen.add(name)
        head = heads[name]
        if (detail.get("anchor_seq"), detail.get("anchor_hash")) != (
            head.anchor_seq, head.anchor_hash
        ):
            return Break(name, int(head.anchor_seq), None, "anchor",
                         f"the {name} purge anchor (seq {head.anchor_seq}) is not the one "
                         f"recorded by purge event seq {seq}")
    for name, head in heads.items():
        if name not in seen and int(head.anchor_seq) != 0:
            return Break(name, int(head.anchor_seq), None, "anchor",
                         f"the {name} chain starts at seq {head.anchor_seq} but no purge "
                         "event records it")
    return None

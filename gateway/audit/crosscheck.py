"""What the event chain says about the tables beside it: keys, people, reviews, the journal.

The event chain records every decision (gateway/audit/integrity.py ``append_event``); the
tables the gateway works from (``api_keys``, ``people``, ``review_decisions``,
``access_log``) are not chained themselves, so ``verify`` compares them with the chain:

- ``key_unchained`` / ``key_altered``: a key the chain never saw issued (inserted by hand),
  or whose role, department, owner, kind or revocation differs from its chained events
  (an employee key turned ``admin`` in the table);
- ``person_altered``: a person's role is not the last one chained (``person.created``,
  ``person.updated``);
- ``review_unchained`` / ``review_altered`` / ``review_missing``: a decision without its
  event, whose reviewer or comment no longer matches the event's commitments, or deleted
  while its record is still there;
- ``journal_unchained`` / ``journal_altered`` / ``journal_missing``: an access-journal entry
  without its ``access.read`` event, edited, or deleted where no retention marker covers it.

Where retention deleted the start of the event chain, rows older than its oldest remaining
event are not required to have one. Values of erased people are not checked (their keys are
gone); the erasure's event lists the journal entries it rewrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

import orjson
from sqlalchemy import Connection, Table, select

from gateway.audit import subjects
from gateway.audit.integrity import EVENTS, EVENTS_TABLE, HEADS_TABLE, _iso
from gateway.audit.reading.models import AccessLogEntry
from gateway.auth.models import ISSUED, PERSONAL, ApiKey
from gateway.identity.models import Person
from gateway.review.models import ReviewDecision

ACCESS_KIND, ACCESS_PURGE_KIND = "access.read", "retention.access_log"
_REVIEW_KINDS = ("review.approved", "review.rejected")
_Event = TypeVar("_Event")


@dataclass(frozen=True, slots=True)
class Finding:
    reason: str
    message: str
    seq: int = 0  # the event that disagrees, if one does
    id: str | None = None


@dataclass(slots=True)
class _Events:
    created: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    roles: dict[str, str] = field(default_factory=dict)
    reviews: dict[str, tuple[int, str, dict[str, Any]]] = field(default_factory=dict)
    reads: dict[int, tuple[int, dict[str, Any]]] = field(default_factory=dict)
    read_markers: list[tuple[int, str]] = field(default_factory=list)
    rewritten: set[int] = field(default_factory=set)
    erased: set[str] = field(default_factory=set)
    oldest: str | None = None  # when the oldest remaining event was written, if purged

    def add(self, seq: int, kind: str, key_id: str | None, detail: dict[str, Any]) -> None:
        if kind == "key.created" and key_id:
            self.created[key_id] = detail
        elif kind == "key.revoked" and key_id:
            self.revoked.add(key_id)
        elif kind == "person.created" and "role" in detail:
            self.roles[str(detail.get("person"))] = str(detail["role"])
        elif kind == "person.updated" and "role" in detail:
            self.roles[str(detail.get("person"))] = str(detail["role"][1])
        elif kind in _REVIEW_KINDS:
            self.reviews[str(detail.get("interaction_id"))] = (seq, kind, detail)
        elif kind == ACCESS_KIND:
            self.reads[int(detail["access_id"])] = (seq, detail)
        elif kind == ACCESS_PURGE_KIND:
            self.read_markers.append((int(detail["through_id"]), str(_iso(detail["cutoff"]))))
        elif kind == "gdpr.erased":
            self.erased.add(str(detail.get("subject")))
            self.rewritten.update(int(i) for i in detail.get("access_rewritten", ()))

    def required(self, when: Any) -> bool:
        """Whether a row written at ``when`` must have its event (not purged with it)."""
        return self.oldest is None or str(_iso(when)) >= self.oldest


def access_digest(key: bytes, entry: Any) -> str:
    """The commitment to one access-journal entry under its reader's key."""
    canonical = orjson.dumps([
        _iso(entry.created_at), entry.key_id, entry.user_email, entry.role, entry.endpoint,
        entry.filters, entry.record_ids, entry.record_count, entry.reason,
    ], option=orjson.OPT_SORT_KEYS)
    return subjects.commit(key, subjects.ACCESS, str(entry.id), canonical.decode())


def crosscheck(connection: Connection, keys: dict[str, bytes]) -> Finding | None:
    """The first disagreement between the event chain and the tables it records."""
    events = _load(connection)
    for check in (_keys, _people, _reviews, _journal):
        found = next(check(connection, events, keys), None)
        if found is not None:
            return found
    return None


def _load(connection: Connection) -> _Events:
    table = EVENTS_TABLE
    found = _Events()
    for seq, kind, key_id, detail in connection.execute(
        select(table.c.seq, table.c.kind, table.c.key_id, table.c.detail).order_by(table.c.seq)
    ):
        found.add(int(seq), str(kind), key_id, dict(detail or {}))
    head = connection.execute(
        select(HEADS_TABLE.c.anchor_seq).where(HEADS_TABLE.c.name == EVENTS)).scalar()
    if head:
        oldest = connection.execute(select(table.c.created_at).order_by(table.c.seq).limit(1))
        found.oldest = str(_iso(oldest.scalar()))
    return found


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _chained_rows(rows: Iterable[Any], chained: Mapping[Any, _Event], key: str, when: str,
                  events: _Events, seen: set[Any] | None = None,
                  ) -> Iterator[tuple[Any, _Event | None]]:
    """Each row of a table with its chained event (found by the row's ``key``), or with None
    where it has none and should have one: a row older than the oldest remaining event lost
    its event to retention and is passed over. ``seen`` collects every row's key."""
    for row in rows:
        name = getattr(row, key)
        if seen is not None:
            seen.add(name)
        event = chained.get(name)
        if event is not None or events.required(getattr(row, when)):
            yield row, event


def _keys(connection: Connection, events: _Events, _: dict[str, bytes]) -> Iterator[Finding]:
    table = _table(ApiKey)
    rows = connection.execute(select(
        table.c.id, table.c.role, table.c.department, table.c.person_id, table.c.kind,
        table.c.revoked_at, table.c.created_at)).all()
    for row, issued in _chained_rows(rows, events.created, "id", "created_at", events):
        if issued is None:
            yield Finding("key_unchained", f"key {row.id} has no chained creation: it was "
                          "not issued by the gateway", id=row.id)
            continue
        kind = issued.get("kind", ISSUED)
        expected = [kind, issued.get("person", row.person_id)]
        actual = [row.kind, row.person_id]
        if kind != PERSONAL:
            expected += [issued.get("role"), issued.get("department")]
            actual += [row.role, row.department]
        if expected != actual:
            yield Finding("key_altered", f"key {row.id} is {'/'.join(map(str, actual))} but was "
                          f"issued {'/'.join(map(str, expected))}", id=row.id)
        if (row.revoked_at is not None) != (row.id in events.revoked):
            yield Finding("key_altered", f"key {row.id}: its revocation is not the one chained",
                          id=row.id)


def _people(connection: Connection, events: _Events, _: dict[str, bytes]) -> Iterator[Finding]:
    table = _table(Person)
    rows = connection.execute(select(table.c.id, table.c.role, table.c.created_at)).all()
    for row, expected in _chained_rows(rows, events.roles, "id", "created_at", events):
        if expected is None:
            yield Finding("person_unchained", f"person {row.id} has no chained creation",
                          id=row.id)
        elif expected != row.role:
            yield Finding("person_altered", f"person {row.id} has role {row.role} but the chain "
                          f"says {expected}", id=row.id)


def _reviews(connection: Connection, events: _Events,
             keys: dict[str, bytes]) -> Iterator[Finding]:
    table = _table(ReviewDecision)
    seen: set[str] = set()
    rows = connection.execute(select(
        table.c.interaction_id, table.c.action, table.c.comment, table.c.reviewer,
        table.c.decided_at)).all()
    for row, chained in _chained_rows(rows, events.reviews, "interaction_id", "decided_at",
                                      events, seen):
        if chained is None:
            yield Finding("review_unchained", f"the decision on {row.interaction_id} is not "
                          "in the chain", id=row.interaction_id)
            continue
        seq, kind, detail = chained
        what = _review_difference(row, kind, detail, keys, events.erased)
        if what:
            yield Finding("review_altered", f"the decision on {row.interaction_id}: {what}",
                          seq, row.interaction_id)
    gone = [(seq, iid) for iid, (seq, _, _) in events.reviews.items() if iid not in seen]
    if gone:
        from gateway.audit.models import Interaction

        records = _table(Interaction)
        ids = [iid for _, iid in gone]
        present = set(connection.execute(
            select(records.c.id).where(records.c.id.in_(ids[:5000]))).scalars())
        for seq, iid in gone:
            if iid in present:
                yield Finding("review_missing", f"the decision on {iid} was deleted (its record "
                              "is still there)", seq, iid)


def _review_difference(row: Any, kind: str, detail: dict[str, Any], keys: dict[str, bytes],
                       erased: set[str]) -> str | None:
    if kind != f"review.{row.action}":
        return f"its action is {row.action}, the chain says {kind}"
    for label, value, subject_at, hash_at in (
        (subjects.REVIEWER, row.reviewer, "reviewer_subject", "reviewer_hash"),
        (subjects.COMMENT, row.comment, "subject", "comment_hash"),
    ):
        if hash_at not in detail:
            continue  # chained before format 2 kept it (see migration 0009)
        key = keys.get(str(detail.get(subject_at)))
        if key is None:
            if str(detail.get(subject_at)) not in erased:
                return f"the key of its {label} is gone without an erasure"
            continue
        if subjects.commit(key, label, row.interaction_id, value) != detail[hash_at]:
            return f"the {label} was changed"
    return None


def _journal(connection: Connection, events: _Events,
             keys: dict[str, bytes]) -> Iterator[Finding]:
    table = _table(AccessLogEntry)
    seen: set[int] = set()
    # Read whole (``.all()``): verify's connection streams with server-side cursors, and a
    # check stopping at its first finding must not leave one open.
    rows = connection.execute(select(table)).all()
    for entry, chained in _chained_rows(rows, events.reads, "id", "created_at", events, seen):
        if chained is None:
            yield Finding("journal_unchained", f"access-journal entry {entry.id} is not in "
                          "the chain", id=str(entry.id))
            continue
        seq, detail = chained
        key = keys.get(str(detail.get("reader_subject")))
        if key is None or entry.id in events.rewritten:
            continue  # its reader was erased, or an erasure rewrote it (chained)
        if access_digest(key, entry) != detail.get("digest"):
            yield Finding("journal_altered", f"access-journal entry {entry.id} was edited",
                          seq, str(entry.id))
    for access_id, (seq, _) in sorted(events.reads.items()):
        if access_id not in seen and not _purged(events.read_markers, access_id, seq):
            yield Finding("journal_missing", f"access-journal entry {access_id} was deleted "
                          "(no retention purge covers it)", seq, str(access_id))


def _purged(markers: Sequence[tuple[int, str]], access_id: int, _: int) -> bool:
    return any(access_id <= through for through, _cutoff in markers)



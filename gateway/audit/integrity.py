"""The integrity chain of the audit trail: how records are hashed and linked.

Design
------
Two hash chains, each with a one-row head in ``audit_chain_heads``:

- ``interactions``: every finished interaction record;
- ``events``: key creations and revocations, and retention purges (``audit_events``).

Each link carries a gap-free ``seq`` (1, 2, 3…), the ``prev_hash`` of the link before it and
its own ``hash`` = SHA-256 of a canonical JSON array of ``seq``, ``prev_hash`` and the fields
that matter (see :data:`INTERACTION_FIELDS`).

Format 2 (migration 0009_chain_format): no personal value enters a link. The person enters
as ``subject_id`` (their key in ``audit_subjects``) and ``user_hash``, prompt and response
as ``prompt_hash`` and ``response_hash``: salted commitments under that person's key
(gateway/audit/subjects.py). Retention may empty the content, and an erasure may destroy the
key with the values, and the links still verify; ``verify`` checks every commitment whose key
and value are still there, and accepts a missing value only where a chained event says why
(a retention purge's marker, a person's erasure).

Order: appending happens inside the transaction that writes, after locking the chain's head
row (``SELECT … FOR UPDATE`` on PostgreSQL; on SQLite a no-op ``UPDATE`` of the head takes the
database's single write lock). Every writer thread of every process that shares the database
therefore appends one after the other, and ``seq`` is the order of the chain.

When a record enters the chain: when it is final. A record is inserted ``pending`` before
forwarding and completed later; while pending it has no ``seq``. The writer's group commit
that completes records then chains, in the same transaction, every finished record not yet
chained (its own, another process's, or one marked ``interrupted`` at start), oldest
``created_at`` first. Completion updates only ever touch unchained rows, so a chained record
is never rewritten by the gateway. ``verify`` covers the chain up to the head's ``seq`` and
reports how many finished records still wait for their link.

Purge anchor: retention deletes a prefix of the chain (lowest ``seq`` first) and moves the
head's ``anchor_seq``/``anchor_hash`` to the last deleted link; verification starts there.
Each purge also appends a ``retention.purge`` event carrying the new anchor, so a forged
anchor disagrees with the (chained) event log.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Integer, RowMapping, Table, bindparam, insert, select, update

from gateway.audit import subjects
from gateway.audit.models import PENDING, AuditEvent, ChainHead, Interaction
from gateway.db.base import utcnow

GENESIS = "0" * 64
INTERACTIONS, EVENTS = "interactions", "events"
CHAIN_BATCH = 5000  # most records one group commit chains; the rest wait for the next

INTERACTIONS_TABLE = cast(Table, Interaction.__table__)
EVENTS_TABLE = cast(Table, AuditEvent.__table__)
HEADS_TABLE = cast(Table, ChainHead.__table__)

# The hashed fields of an interaction, in hashing order. Changing this list (or the canonical
# form below) invalidates every existing chain: add a new chain version instead.
INTERACTION_FIELDS = (
    "seq", "prev_hash", "id", "created_at", "completed_at", "state", "key_id", "subject_id",
    "user_hash", "department", "role", "tool", "endpoint", "model", "provider", "upstream_model",
    "decision", "rule_ids", "policy_version", "pii_findings", "prompt_hash", "response_hash",
    "prompt_tokens", "completion_tokens", "cost", "latency_ms", "upstream_latency_ms",
    "status_code", "error", "stream",
)
EVENT_FIELDS = ("seq", "prev_hash", "id", "created_at", "kind", "key_id", "detail")

_FLOATS = frozenset({"cost", "latency_ms", "upstream_latency_ms"})
_DATES = frozenset({"created_at", "completed_at"})
_JSONS = frozenset({"rule_ids", "pii_findings", "detail"})
_FLOAT_AT = tuple(i for i, name in enumerate(INTERACTION_FIELDS) if name in _FLOATS)
_DATE_AT = tuple(i for i, name in enumerate(INTERACTION_FIELDS) if name in _DATES)
_JSON_AT = tuple(i for i, name in enumerate(INTERACTION_FIELDS) if name in _JSONS)
_JSON_OPTIONS = orjson.OPT_SORT_KEYS


def _iso(value: datetime | str | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        # SQLite's storage of a UTC instant, read raw by verify for speed (no parsing).
        return value.replace(" ", "T", 1) + "+00:00" if len(value) == 26 else _iso(
            datetime.fromisoformat(value))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    elif value.utcoffset():
        value = value.astimezone(UTC)
    return value.isoformat(timespec="microseconds")


def interaction_digest(values: Sequence[Any]) -> str:
    """The hash of one interaction, from its values in :data:`INTERACTION_FIELDS` order.

    Numbers are normalized (floats as floats, whatever the driver returns), instants are
    ISO 8601 UTC with microseconds and JSON is re-serialized with sorted keys, so SQLite and
    PostgreSQL, typed or raw values, give the same bytes.
    """
    canonical = list(values)
    for i in _FLOAT_AT:
        if canonical[i] is not None:
            canonical[i] = float(canonical[i])
    for i in _DATE_AT:
        canonical[i] = _iso(canonical[i])
    for i in _JSON_AT:
        if isinstance(canonical[i], str):  # raw JSON text, as verify reads it
            canonical[i] = orjson.loads(canonical[i])
    canonical[-1] = bool(canonical[-1])
    return hashlib.sha256(orjson.dumps(canonical, option=_JSON_OPTIONS)).hexdigest()


def event_digest(values: Sequence[Any]) -> str:
    """The hash of one audit event, from its values in :data:`EVENT_FIELDS` order."""
    canonical = list(values)
    canonical[3] = _iso(canonical[3])
    if isinstance(canonical[6], str):
        canonical[6] = orjson.loads(canonical[6])
    return hashlib.sha256(orjson.dumps(canonical, option=_JSON_OPTIONS)).hexdigest()


# Built once: the chain step runs them a few times a second under load, and building them
# cost more than running them.
_HEAD_IS = HEADS_TABLE.c.name == bindparam("_chain")
# SQLite has no row locks: writing takes the database lock, held until commit; the head comes
# back from the same statement.
_LOCK_SQLITE = update(HEADS_TABLE).where(_HEAD_IS).values(seq=HEADS_TABLE.c.seq).returning(
    *HEADS_TABLE.c)
_LOCK_ROW = select(HEADS_TABLE).where(_HEAD_IS).with_for_update()
_SET_HEAD = update(HEADS_TABLE).where(_HEAD_IS).values(
    seq=bindparam("_seq"), hash=bindparam("_hash"))


def lock_head(connection: Connection, chain: str) -> RowMapping:
    """Lock a chain's head for the rest of the transaction and return it."""
    statement = _LOCK_SQLITE if connection.dialect.name == "sqlite" else _LOCK_ROW
    return connection.execute(statement, {"_chain": chain}).mappings().one()


def set_head(connection: Connection, chain: str, seq: int, digest: str) -> None:
    connection.execute(_SET_HEAD, {"_chain": chain, "_seq": seq, "_hash": digest})


_CHAIN_UPDATE = (
    update(INTERACTIONS_TABLE)
    .where(INTERACTIONS_TABLE.c.id == bindparam("_id"))
    .values(
        seq=bindparam("_seq"),
        prev_hash=bindparam("_prev_hash"),
        hash=bindparam("_hash"),
        subject_id=bindparam("_subject_id"),
        user_hash=bindparam("_user_hash"),
        prompt_hash=bindparam("_prompt_hash"),
        response_hash=bindparam("_response_hash"),
    )
)
# What chaining itself sets: the links, the person's key and the commitments.
CHAINING_FIELDS = ("seq", "prev_hash", "subject_id", "user_hash", "prompt_hash", "response_hash")
_UNCHAINED_COLUMNS = [
    INTERACTIONS_TABLE.c[name] for name in INTERACTION_FIELDS if name not in CHAINING_FIELDS
]


def commitments(
    subject: subjects.Subject, record_id: str, user: str, prompt: str | None,
    response: str | None,
) -> dict[str, str | None]:
    """What a link holds of the person and the content: salted commitments, never values."""
    key = subject.key
    return {
        "subject_id": subject.id,
        "user_hash": subjects.commit(key, subjects.USER, record_id, user),
        "prompt_hash": subjects.commit_optional(key, subjects.PROMPT, record_id, prompt),
        "response_hash": subjects.commit_optional(key, subjects.RESPONSE, record_id, response),
    }


# Built once, like the head's statements: the chain step runs it a few times a second.
_FINISHED = (
    select(*_UNCHAINED_COLUMNS, INTERACTIONS_TABLE.c.user_email, INTERACTIONS_TABLE.c.prompt,
           INTERACTIONS_TABLE.c.response)
    .where(INTERACTIONS_TABLE.c.seq.is_(None), INTERACTIONS_TABLE.c.state != PENDING)
    .order_by(INTERACTIONS_TABLE.c.created_at, INTERACTIONS_TABLE.c.id)
    .limit(bindparam("_limit", type_=Integer()))
)


def chain_finished(
    connection: Connection, limit: int = CHAIN_BATCH, head: tuple[int, str] | None = None,
) -> int:
    """Link every finished, unchained interaction to the chain; returns how many.

    Runs inside the caller's transaction, which must commit for the links to count. A caller
    that already holds the head's lock in this transaction passes the head (``seq``,
    ``hash``) as it left it: locking it again cost a statement per chain step.
    """
    if head is None:
        locked = lock_head(connection, INTERACTIONS)
        head = int(locked["seq"]), str(locked["hash"])
    rows = connection.execute(_FINISHED, {"_limit": limit}).mappings().all()
    if not rows:
        return 0
    people = subjects.subjects_for(connection, {row["user_email"] for row in rows})
    seq, prev = head
    params = []
    for row in rows:
        seq += 1
        links = link_of(people[row["user_email"]], seq, prev, dict(row))
        params.append({f"_{name}": value for name, value in links.items()} | {"_id": row["id"]})
        prev = links["hash"]
    connection.execute(_CHAIN_UPDATE, params)
    set_head(connection, INTERACTIONS, seq, prev)
    return len(params)


def link_of(
    subject: subjects.Subject, seq: int, prev: str, row: Mapping[str, Any],
) -> dict[str, Any]:
    """What linking sets on a final record (:data:`CHAINING_FIELDS` and ``hash``), from its
    values as stored (``user_email``, ``prompt`` and ``response`` included)."""
    links: dict[str, Any] = {"seq": seq, "prev_hash": prev, **commitments(
        subject, row["id"], row["user_email"], row.get("prompt"), row.get("response"))}
    links["hash"] = interaction_digest(
        [links[name] if name in links else row.get(name) for name in INTERACTION_FIELDS])
    return links


def append_event(
    connection: Connection, kind: str, *, key_id: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> str:
    """Append one event (``key.created``, ``key.revoked``, ``retention.purge``…) to its chain.

    Runs inside the caller's transaction, so the event commits with the change it records.
    Returns the event's id.
    """
    head = lock_head(connection, EVENTS)
    seq, prev = int(head["seq"]) + 1, str(head["hash"])
    row: dict[str, Any] = {
        "seq": seq,
        "prev_hash": prev,
        "id": str(uuid.uuid4()),
        "created_at": utcnow(),
        "kind": kind,
        "key_id": key_id,
        "detail": dict(detail or {}),
    }
    digest = event_digest([row[name] for name in EVENT_FIELDS])
    connection.execute(insert(EVENTS_TABLE), {**row, "hash": digest})
    set_head(connection, EVENTS, seq, digest)
    return str(row["id"])

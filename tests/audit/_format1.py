"""The integrity chain as format 1 wrote it (gateway/audit/integrity.py before migration
0009_chain_format), kept to build logs in that format for the migration's tests.

Format 1 hashed each record's e-mail in clear and an unsalted SHA-256 of its content.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Column,
    Connection,
    MetaData,
    RowMapping,
    Table,
    bindparam,
    insert,
    select,
    update,
)

from gateway.db.base import UTCDateTime, utcnow

GENESIS = "0" * 64
INTERACTIONS, EVENTS = "interactions", "events"
CHAIN_BATCH = 5000  # most records one group commit chains; the rest wait for the next

PENDING = "pending"
# The tables as they were at revision 0007_identity.
_META = MetaData()
_TYPES: dict[str, Any] = {"created_at": UTCDateTime, "completed_at": UTCDateTime,
                         "rule_ids": JSON, "pii_findings": JSON}
INTERACTIONS_TABLE = Table("interactions", _META, *(Column(name, _TYPES.get(name)) for name in (
    "seq", "prev_hash", "id", "created_at", "completed_at", "state", "key_id", "user_email",
    "department", "role", "tool", "endpoint", "model", "provider", "upstream_model",
    "decision", "rule_ids", "policy_version", "pii_findings", "prompt_hash", "response_hash",
    "prompt_tokens", "completion_tokens", "cost", "latency_ms", "upstream_latency_ms",
    "status_code", "error", "stream", "hash", "prompt", "response")))
EVENTS_TABLE = Table("audit_events", _META, Column("detail", JSON), Column("created_at",
                     UTCDateTime), *(Column(name) for name in (
                         "seq", "prev_hash", "id", "kind", "key_id", "hash")))
HEADS_TABLE = Table("audit_chain_heads", _META, *(Column(name) for name in (
    "name", "seq", "hash", "anchor_seq", "anchor_hash")))

# The hashed fields of an interaction, in hashing order. Changing this list (or the canonical
# form below) invalidates every existing chain: add a new chain version instead.
INTERACTION_FIELDS = (
    "seq", "prev_hash", "id", "created_at", "completed_at", "state", "key_id", "user_email",
    "department", "role", "tool", "endpoint", "model", "provider", "upstream_model",
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


def content_hash(text: str | None) -> str | None:
    """SHA-256 of a prompt or response, or ``None`` for no content."""
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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


def lock_head(connection: Connection, chain: str) -> RowMapping:
    """Lock a chain's head for the rest of the transaction and return it."""
    heads = HEADS_TABLE
    query = select(heads).where(heads.c.name == chain)
    if connection.dialect.name == "sqlite":
        # SQLite has no row locks: writing takes the database lock, held until commit.
        connection.execute(update(heads).where(heads.c.name == chain).values(seq=heads.c.seq))
    else:
        query = query.with_for_update()
    return connection.execute(query).mappings().one()


def set_head(connection: Connection, chain: str, seq: int, digest: str) -> None:
    connection.execute(
        update(HEADS_TABLE).where(HEADS_TABLE.c.name == chain).values(seq=seq, hash=digest)
    )


_CHAIN_UPDATE = (
    update(INTERACTIONS_TABLE)
    .where(INTERACTIONS_TABLE.c.id == bindparam("_id"))
    .values(
        seq=bindparam("_seq"),
        prev_hash=bindparam("_prev"),
        hash=bindparam("_hash"),
        prompt_hash=bindparam("_prompt_hash"),
        response_hash=bindparam("_response_hash"),
    )
)
# Everything the hash needs, except what chaining itself sets (seq, links, content hashes).
_UNCHAINED_COLUMNS = [
    INTERACTIONS_TABLE.c[name] for name in INTERACTION_FIELDS
    if name not in ("seq", "prev_hash", "prompt_hash", "response_hash")
]


def chain_finished(connection: Connection, limit: int = CHAIN_BATCH) -> int:
    """Link every finished, unchained interaction to the chain; returns how many.

    Runs inside the caller's transaction, which must commit for the links to count.
    """
    table = INTERACTIONS_TABLE
    head = lock_head(connection, INTERACTIONS)
    rows = connection.execute(
        select(*_UNCHAINED_COLUMNS, table.c.prompt, table.c.response)
        .where(table.c.seq.is_(None), table.c.state != PENDING)
        .order_by(table.c.created_at, table.c.id)
        .limit(limit)
    ).mappings().all()
    if not rows:
        return 0
    seq, prev = int(head["seq"]), str(head["hash"])
    params = []
    for row in rows:
        seq += 1
        links = {
            "seq": seq,
            "prev_hash": prev,
            "prompt_hash": content_hash(row["prompt"]),
            "response_hash": content_hash(row["response"]),
        }
        digest = interaction_digest([links.get(name, row.get(name)) for name in INTERACTION_FIELDS])
        params.append({
            "_id": row["id"], "_seq": seq, "_prev": prev, "_hash": digest,
            "_prompt_hash": links["prompt_hash"], "_response_hash": links["response_hash"],
        })
        prev = digest
    connection.execute(_CHAIN_UPDATE, params)
    set_head(connection, INTERACTIONS, seq, prev)
    return len(params)


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

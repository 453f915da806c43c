"""Chain format 2: salted commitments instead of e-mails and plain hashes; erasure requests.

- ``audit_subjects``: one random key per person; the chain holds HMAC commitments under it
  (gateway/audit/subjects.py), never an e-mail or an unsalted hash of a content;
- ``interactions.subject_id`` and ``user_hash``; ``prompt_hash``/``response_hash`` become
  commitments;
- ``people.legal_hold`` (an erasure is refused while set) and ``gdpr_erasures`` (erasure
  requests, confirmed by a second admin);
- existing logs are moved to format 2: the format-1 chains are verified first (with the code
  of format 1, frozen below), then every link is recomputed from the values kept, event
  details lose the e-mails they held (reviewers, key owners), and a ``chain.migrated`` event
  records the format-1 heads and what their verification found. Records whose content was
  already emptied by retention get a commitment to their old SHA-256 and one
  ``retention.content`` marker covering them (format 1 could not tell a purge from a NULL
  written by hand; this is said in the event).

Revision ID: 0009_chain_format
Revises: 0011_log_limits
Create Date: 2026-12-07
"""

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import sqlalchemy as sa
from alembic import op

from gateway.db.base import UTCDateTime

revision: str = "0009_chain_format"
down_revision: str | None = "0011_log_limits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = "0" * 64
_COMMON = ("department", "role", "tool", "endpoint", "model", "provider", "upstream_model",
           "decision", "rule_ids", "policy_version", "pii_findings", "prompt_hash",
           "response_hash", "prompt_tokens", "completion_tokens", "cost", "latency_ms",
           "upstream_latency_ms", "status_code", "error", "stream")
V1_FIELDS = ("seq", "prev_hash", "id", "created_at", "completed_at", "state", "key_id",
             "user_email", *_COMMON)
V2_FIELDS = ("seq", "prev_hash", "id", "created_at", "completed_at", "state", "key_id",
             "subject_id", "user_hash", *_COMMON)
EVENT_FIELDS = ("seq", "prev_hash", "id", "created_at", "kind", "key_id", "detail")
_CHUNK = 2000


def upgrade() -> None:
    op.create_table(
        "audit_subjects",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_subjects"),
        sa.UniqueConstraint("email", name="uq_audit_subjects_email"),
    )
    with op.batch_alter_table("interactions") as batch:
        batch.add_column(sa.Column("subject_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("user_hash", sa.String(64), nullable=True))
        batch.create_index("ix_interactions_subject_id", ["subject_id"])
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("legal_hold", sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    op.create_table(
        "gdpr_erasures",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        # The e-mail to erase, kept only until the erasure is done (or refused).
        sa.Column("email", sa.String(320), nullable=True),
        sa.Column("subject_id", sa.String(32), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(320), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("confirmed_by", sa.String(320), nullable=True),
        sa.Column("decided_at", UTCDateTime(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_gdpr_erasures"),
    )
    op.create_index("ix_gdpr_erasures_status", "gdpr_erasures", ["status"])
    _move_to_format_2(op.get_bind())


def downgrade() -> None:
    # Format 1 put e-mails and plain hashes in the chain: there is no going back to it
    # without undoing what the format exists for. The schema goes back; links stay format 2.
    op.drop_index("ix_gdpr_erasures_status", "gdpr_erasures")
    op.drop_table("gdpr_erasures")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("legal_hold")
    with op.batch_alter_table("interactions") as batch:
        batch.drop_index("ix_interactions_subject_id")
        batch.drop_column("user_hash")
        batch.drop_column("subject_id")
    op.drop_table("audit_subjects")


# --- the two formats' digests and the commitments, frozen as they were at this revision ---

def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return str(value.astimezone(UTC).isoformat(timespec="microseconds"))


def _digest(fields: Sequence[str], row: dict[str, Any]) -> str:
    canonical: list[Any] = []
    for name in fields:
        value = row.get(name)
        if name in ("cost", "latency_ms", "upstream_latency_ms") and value is not None:
            value = float(value)
        elif name in ("created_at", "completed_at"):
            value = _iso(value)
        elif name in ("rule_ids", "pii_findings", "detail") and isinstance(value, str):
            value = orjson.loads(value)
        elif name == "stream":
            value = bool(value)
        canonical.append(value)
    return hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _sha(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(
        text.encode("utf-8", "surrogatepass")).hexdigest()


def _commit(key: bytes, label: str, record_id: str, value: str) -> str:
    message = f"{label}\x00{record_id}\x00".encode() + value.encode("utf-8", "surrogatepass")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


# --- moving the logs -------------------------------------------------------------------------

_T = sa.table("interactions", *(sa.column(name) for name in (
    *V1_FIELDS, "subject_id", "user_hash", "hash", "prompt", "response")))
_E = sa.table("audit_events", *(sa.column(name) for name in (*EVENT_FIELDS, "hash")))
_H = sa.table("audit_chain_heads", *(sa.column(name) for name in (
    "name", "seq", "hash", "anchor_seq", "anchor_hash")))
_S = sa.table("audit_subjects", sa.column("id"), sa.column("email"), sa.column("key"),
              sa.column("created_at"))
_R = sa.table("review_decisions", sa.column("interaction_id"), sa.column("comment"),
              sa.column("reviewer"), sa.column("user_email"))


class _Subjects:
    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection
        self.known: dict[str, tuple[str, bytes]] = {}

    def of(self, email: str) -> tuple[str, bytes]:
        if email not in self.known:
            subject = ("sub_" + secrets.token_hex(8), secrets.token_bytes(32))
            self.connection.execute(sa.insert(_S), {
                "id": subject[0], "email": email, "key": subject[1].hex(),
                "created_at": datetime.now(UTC)})
            self.known[email] = subject
        return self.known[email]


def _chunks(connection: sa.Connection, table: Any, start: int) -> Any:
    """The chained rows of ``table`` from ``start`` on, by ``seq``, a chunk at a time."""
    last = start - 1
    while True:
        rows = connection.execute(
            sa.select(table).where(table.c.seq > last).order_by(table.c.seq).limit(_CHUNK)
        ).mappings().all()
        if not rows:
            return
        yield rows
        last = int(rows[-1]["seq"])


def _move_to_format_2(connection: sa.Connection) -> None:
    heads = {row.name: row for row in connection.execute(sa.select(_H))}
    if all(int(head.seq) == 0 for head in heads.values()):
        return  # a new database: nothing was chained in format 1
    people = _Subjects(connection)
    report = {name: {"format_1_head_seq": int(heads[name].seq),
                     "format_1_head_hash": str(heads[name].hash)} for name in heads}
    report["interactions"].update(_rechain_interactions(connection, heads["interactions"],
                                                        people))
    report["events"].update(_rechain_events(connection, heads["events"], people))
    emptied = report["interactions"].pop("emptied")
    if emptied:
        through_seq, newest = emptied
        _append(connection, "retention.content", {
            "chain": "interactions", "through_seq": through_seq,
            "cutoff": (newest + timedelta(microseconds=1)).isoformat(),
            "from_format_1": "content emptied before the format-2 migration: format 1 could "
                             "not tell a retention purge from a value erased by hand"})
    report["baseline"] = _baseline(connection, people)
    _append(connection, "chain.migrated", {"from": 1, "to": 2, **report})


def _rechain_interactions(connection: sa.Connection, head: Any,
                          people: _Subjects) -> dict[str, Any]:
    first_break: str | None = None
    prev_v1 = prev_v2 = str(head.anchor_hash)
    seq = int(head.anchor_seq)
    emptied: tuple[int, datetime] | None = None
    update = (sa.update(_T).where(_T.c.id == sa.bindparam("_id")).values(
        prev_hash=sa.bindparam("_prev"), hash=sa.bindparam("_hash"),
        subject_id=sa.bindparam("_subject"), user_hash=sa.bindparam("_user_hash"),
        prompt_hash=sa.bindparam("_prompt_hash"), response_hash=sa.bindparam("_response_hash")))
    for rows in _chunks(connection, _T, int(head.anchor_seq) + 1):
        params = []
        for row in rows:
            values = dict(row)
            seq += 1
            as_chained = _as_chained_v1(values)
            if first_break is None:
                first_break = _v1_break(values, seq, prev_v1, as_chained)
            prev_v1 = str(values["hash"])
            subject, key = people.of(str(values["user_email"]))
            commitments = {"subject_id": subject,
                           "user_hash": _commit(key, "user", values["id"], values["user_email"])}
            for label in ("prompt", "response"):
                text, old = values[label], values[f"{label}_hash"]
                if text is not None:
                    commitments[f"{label}_hash"] = _commit(key, label, values["id"], text)
                elif old is not None:  # emptied by retention (or by hand: format 1 can't say)
                    commitments[f"{label}_hash"] = _commit(key, f"{label}.sha256", values["id"],
                                                           old)
                    created = _parsed(values["created_at"])
                    emptied = (int(values["seq"]), max(created, emptied[1]) if emptied
                               else created)
                else:
                    commitments[f"{label}_hash"] = None
            linked = {**as_chained, **commitments, "seq": values["seq"], "prev_hash": prev_v2}
            prev_v2 = _digest(V2_FIELDS, linked)
            params.append({"_id": values["id"], "_prev": linked["prev_hash"], "_hash": prev_v2,
                           "_subject": subject, "_user_hash": commitments["user_hash"],
                           "_prompt_hash": commitments["prompt_hash"],
                           "_response_hash": commitments["response_hash"]})
        connection.execute(update, params)
    if first_break is None and seq != int(head.seq):
        first_break = f"seq {seq + 1} to {head.seq} are missing"
    if first_break is None and prev_v1 != str(head.hash):
        first_break = f"seq {seq} is not the head recorded"
    connection.execute(sa.update(_H).where(_H.c.name == "interactions")
                       .values(seq=seq, hash=prev_v2))
    return {"format_1_intact": first_break is None, "format_1_break": first_break,
            "emptied": emptied}


def _parsed(value: Any) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _as_chained_v1(values: dict[str, Any]) -> dict[str, Any]:
    """The record as format 1 chained it: a reviewed record was chained ``held``."""
    if (values["decision"] in ("approved", "rejected")
            and _digest(V1_FIELDS, values) != values["hash"]
            and _digest(V1_FIELDS, {**values, "decision": "held"}) == values["hash"]):
        return {**values, "decision": "held"}
    return values


def _v1_break(values: dict[str, Any], seq: int, prev: str, chained: dict[str, Any]) -> str | None:
    if int(values["seq"]) != seq:
        return f"seq {seq} is missing"
    if values["prev_hash"] != prev:
        return f"seq {seq} does not link to the record before it"
    if _digest(V1_FIELDS, chained) != values["hash"]:
        return f"seq {seq} (id {values['id']}) no longer matches its hash"
    for label in ("prompt", "response"):
        if values[label] is not None and _sha(values[label]) != values[f"{label}_hash"]:
            return f"seq {seq} (id {values['id']}): the {label} was altered"
    return None


def _rechain_events(connection: sa.Connection, head: Any, people: _Subjects) -> dict[str, Any]:
    reviews = {row.interaction_id: row for row in connection.execute(sa.select(_R))}
    first_break: str | None = None
    prev_v1 = prev_v2 = str(head.anchor_hash)
    seq = int(head.anchor_seq)
    update = (sa.update(_E).where(_E.c.id == sa.bindparam("_id")).values(
        prev_hash=sa.bindparam("_prev"), hash=sa.bindparam("_hash"),
        detail=sa.bindparam("_detail", type_=sa.JSON())))
    for rows in _chunks(connection, _E, int(head.anchor_seq) + 1):
        params = []
        for row in rows:
            values = dict(row)
            seq += 1
            if first_break is None:
                if int(values["seq"]) != seq or values["prev_hash"] != prev_v1:
                    first_break = f"events seq {seq} is missing or does not link"
                elif _digest(EVENT_FIELDS, values) != values["hash"]:
                    first_break = f"events seq {seq} no longer matches its hash"
            prev_v1 = str(values["hash"])
            detail = _scrubbed(values, reviews, people)
            linked = {**values, "detail": detail, "prev_hash": prev_v2}
            prev_v2 = _digest(EVENT_FIELDS, linked)
            params.append({"_id": values["id"], "_prev": linked["prev_hash"], "_hash": prev_v2,
                           "_detail": detail})
        connection.execute(update, params)
    if first_break is None and (seq != int(head.seq) or prev_v1 != str(head.hash)):
        first_break = "the end of the events chain is not the head recorded"
    connection.execute(sa.update(_H).where(_H.c.name == "events").values(seq=seq, hash=prev_v2))
    return {"format_1_intact": first_break is None, "format_1_break": first_break}


def _scrubbed(values: dict[str, Any], reviews: dict[str, Any], people: _Subjects) -> Any:
    """An event's detail without e-mails: key owners go (the person id stays), a reviewer
    and a comment become commitments (as gateway/review/service.py writes them now)."""
    detail = values["detail"]
    detail = dict(orjson.loads(detail) if isinstance(detail, str) else detail)
    detail.pop("user", None)
    if str(values["kind"]).startswith("review.") and "reviewer" in detail:
        reviewer = str(detail.pop("reviewer"))
        decision = reviews.get(detail.get("interaction_id"))
        detail.update(_review_commitments(people, str(detail.get("interaction_id")),
                                          reviewer, decision))
    return detail


def _review_commitments(people: _Subjects, interaction_id: str, reviewer: str,
                        decision: Any) -> dict[str, Any]:
    by, by_key = people.of(reviewer)
    found: dict[str, Any] = {"reviewer_subject": by,
                             "reviewer_hash": _commit(by_key, "reviewer", interaction_id,
                                                      reviewer)}
    if decision is not None:
        subject, key = people.of(str(decision.user_email))
        found.update(subject=subject,
                     comment_hash=_commit(key, "comment", interaction_id, decision.comment))
    return found


def _baseline(connection: sa.Connection, people: _Subjects) -> dict[str, int]:
    """Chain what format 1 left outside the chain, so verify can hold the tables to it from
    now on: people created before events named them (migration 0007), keys whose creation
    retention purged, and every access-journal entry."""
    kinds: dict[str, set[str]] = {}
    for kind, key_id, detail in connection.execute(sa.select(_E.c.kind, _E.c.key_id,
                                                             _E.c.detail)):
        detail = orjson.loads(detail) if isinstance(detail, str) else detail
        kinds.setdefault(kind, set()).add(str(key_id if kind.startswith("key.")
                                              else detail.get("person")))
    counts = {"people": 0, "keys": 0, "access": 0}
    people_table = sa.table("people", *(sa.column(n) for n in ("id", "role", "department",
                                                                "source")))
    for person in connection.execute(sa.select(people_table).order_by(people_table.c.id)):
        if person.id not in kinds.get("person.created", set()):
            _append(connection, "person.created", {
                "person": person.id, "source": person.source, "by": "migration-0009",
                "role": person.role, "department": person.department})
            counts["people"] += 1
    keys = sa.table("api_keys", *(sa.column(n) for n in (
        "id", "role", "department", "person_id", "kind", "revoked_at", "tool")))
    for key in connection.execute(sa.select(keys).order_by(keys.c.id)):
        if key.id not in kinds.get("key.created", set()):
            _append(connection, "key.created", {
                "person": key.person_id, "kind": key.kind, "role": key.role,
                "department": key.department, "tool": key.tool, "by": "migration-0009"},
                key_id=key.id)
            counts["keys"] += 1
        if key.revoked_at is not None and key.id not in kinds.get("key.revoked", set()):
            _append(connection, "key.revoked", {"person": key.person_id,
                                                "by": "migration-0009"}, key_id=key.id)
    journal = sa.table("access_log", sa.column("created_at", UTCDateTime()),
                       sa.column("filters", sa.JSON()), sa.column("record_ids", sa.JSON()),
                       *(sa.column(n) for n in ("id", "key_id", "user_email", "role",
                                                "endpoint", "record_count", "reason")))
    for entry in connection.execute(sa.select(journal).order_by(journal.c.id)).all():
        subject, key = people.of(str(entry.user_email))
        canonical = orjson.dumps([
            _iso(entry.created_at), entry.key_id, entry.user_email, entry.role, entry.endpoint,
            entry.filters, entry.record_ids, entry.record_count, entry.reason,
        ], option=orjson.OPT_SORT_KEYS).decode()
        _append(connection, "access.read", {
            "access_id": entry.id, "reader_subject": subject,
            "digest": _commit(key, "access", str(entry.id), canonical)}, key_id=entry.key_id)
        counts["access"] += 1
    return counts


def _append(connection: sa.Connection, kind: str, detail: dict[str, Any],
            key_id: str | None = None) -> None:
    head = connection.execute(sa.select(_H).where(_H.c.name == "events")).one()
    row = {"seq": int(head.seq) + 1, "prev_hash": str(head.hash), "id": str(uuid.uuid4()),
           "created_at": datetime.now(UTC), "kind": kind, "key_id": key_id, "detail": detail}
    digest = _digest(EVENT_FIELDS, row)
    events = sa.table("audit_events", sa.column("created_at", UTCDateTime()),
                      sa.column("detail", sa.JSON()), *(sa.column(name) for name in (
                          "seq", "prev_hash", "id", "kind", "key_id", "hash")))
    connection.execute(sa.insert(events), {**row, "hash": digest})
    connection.execute(sa.update(_H).where(_H.c.name == "events")
                       .values(seq=row["seq"], hash=digest))

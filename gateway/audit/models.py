"""One row per request by an authenticated caller, blocked and failed ones included."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Float, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime

# Lifecycle of a record: written before forwarding (pending), completed after. A pending
# record found at start belonged to a process that died: it is marked interrupted.
PENDING, COMPLETE, INTERRUPTED = "pending", "complete", "interrupted"


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_user_created", "user_email", "created_at"),
        # Finished records waiting for their link: the writer's chaining step reads only these.
        Index("ix_interactions_unchained", "created_at",
              postgresql_where=text("seq IS NULL"), sqlite_where=text("seq IS NULL")),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Not indexed (migration 0013): the sweeps for pending records say ``seq IS NULL`` and
    # read ix_interactions_unchained; every completion rewrote this index's entry.
    state: Mapped[str] = mapped_column(String(16), default=PENDING)
    key_id: Mapped[str | None] = mapped_column(String(32))
    user_email: Mapped[str] = mapped_column(String(320))
    # Whose record it is, for the chain: a person's key in ``audit_subjects`` and the salted
    # commitment of ``user_email`` under it (gateway/audit/subjects.py), set when chained.
    subject_id: Mapped[str | None] = mapped_column(String(32))
    user_hash: Mapped[str | None] = mapped_column(String(64))
    department: Mapped[str] = mapped_column(String(100), index=True)
    role: Mapped[str] = mapped_column(String(20))
    tool: Mapped[str] = mapped_column(String(64))
    endpoint: Mapped[str] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(400))
    provider: Mapped[str | None] = mapped_column(String(32))
    upstream_model: Mapped[str | None] = mapped_column(String(400))
    decision: Mapped[str] = mapped_column(String(16), index=True)
    rule_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    policy_version: Mapped[str | None] = mapped_column(String(64))
    pii_findings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prompt: Mapped[str | None] = mapped_column(Text)
    response: Mapped[str | None] = mapped_column(Text)
    prompt_tokens: Mapped[int | None] = mapped_column(Integer)
    completion_tokens: Mapped[int | None] = mapped_column(Integer)
    cost: Mapped[float | None] = mapped_column(Float)
    latency_ms: Mapped[float | None] = mapped_column(Float)
    upstream_latency_ms: Mapped[float | None] = mapped_column(Float)
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    stream: Mapped[bool] = mapped_column(Boolean, default=False)
    # Integrity chain (gateway/audit/integrity.py): set when the record is final.
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    seq: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    # Salted commitments (HMAC under the person's key) of prompt and response: the chain
    # covers these, so purging content keeps it valid and a short prompt cannot be guessed.
    prompt_hash: Mapped[str | None] = mapped_column(String(64))
    response_hash: Mapped[str | None] = mapped_column(String(64))
    # Keyed digest of the whole request (endpoint and every field of the body) on held
    # records, so an approval can be matched to the same request sent again
    # (gateway.review.service.request_fingerprint).
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    # log_content: full-encrypted (gateway/audit/content_crypto.py): the raw prompt and the
    # answer the employee saw, AES-256-GCM sealed to this record; the key's id for rotation.
    # Outside the chain, like the content itself; purged with it.
    prompt_encrypted: Mapped[str | None] = mapped_column(Text)
    response_encrypted: Mapped[str | None] = mapped_column(Text)
    content_key_id: Mapped[str | None] = mapped_column(String(16))
    # The process that wrote the record (gateway.audit.liveness): a pending record whose
    # process is gone is an orphan of a crash.
    boot_id: Mapped[str | None] = mapped_column(String(32))
    # MACs under the server secret of what the insert and the completion wrote
    # (gateway/audit/seal.py): an edit before the record is chained is caught by verify.
    begin_seal: Mapped[str | None] = mapped_column(String(160))
    end_seal: Mapped[str | None] = mapped_column(String(160))


class AuditEvent(Base):
    """A change to who may use the gateway (key created, revoked), or a retention purge."""

    __tablename__ = "audit_events"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str | None] = mapped_column(String(32))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditSubject(Base):
    """A person's key for the chain's commitments: destroying it is how the log forgets them.

    The chain never holds an e-mail or a content, only HMAC-SHA256 commitments under this
    per-person key (gateway/audit/subjects.py). While the row exists, ``verify`` checks each
    commitment against the value kept beside it; an erasure deletes the row (and the values),
    after which the commitments are unopenable and the records verify as erased.
    """

    __tablename__ = "audit_subjects"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    key: Mapped[str] = mapped_column(String(64))  # 32 random bytes, hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChainHead(Base):
    """One row per chain: its last link, and the anchor left by retention purges.

    Appending locks this row, so every writer of every process appends in one order.
    """

    __tablename__ = "audit_chain_heads"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    anchor_seq: Mapped[int] = mapped_column(BigInteger)
    anchor_hash: Mapped[str] = mapped_column(String(64))


class GatewayProcess(Base):
    """One running gateway process (a worker, a replica), and when it last said so.

    Each process registers a fresh ``boot_id`` at start, stamps it on the records it
    writes, and beats every few seconds (:mod:`gateway.audit.liveness`). A pending record
    whose process stopped beating, or whose process is known dead on this host, was left by
    a crash: it is marked interrupted, whichever replica notices first.
    """

    __tablename__ = "gateway_processes"

    boot_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)

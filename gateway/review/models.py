"""One row per human decision on a held or blocked interaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime

APPROVED, REJECTED = "approved", "rejected"


class ReviewDecision(Base):
    """Who decided what on which interaction, when and why.

    An approval also carries the request's fingerprint and an expiry: it lets the same user
    send the same request once (``consumed_at`` marks that use). There is no foreign key to
    ``interactions`` so retention can purge records without touching the decision trail.
    """

    __tablename__ = "review_decisions"
    __table_args__ = (
        Index("ix_review_decisions_approval", "user_email", "request_fingerprint"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Unique: one decision per interaction, so two reviewers racing cannot both decide.
    interaction_id: Mapped[str] = mapped_column(String(36), unique=True)
    action: Mapped[str] = mapped_column(String(16))
    comment: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(320))
    reviewer_key_id: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The requester and request an approval applies to (copied from the interaction).
    user_email: Mapped[str] = mapped_column(String(320))
    request_fingerprint: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    consumed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

"""Erasure requests (GDPR art. 17): asked by one admin, carried out when a second confirms."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime

PENDING, DONE, REFUSED = "pending", "done", "refused"


class ErasureRequest(Base):
    __tablename__ = "gdpr_erasures"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # The e-mail to erase: kept only while the request waits; cleared when carried out.
    email: Mapped[str | None] = mapped_column(String(320))
    subject_id: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(320))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_by: Mapped[str | None] = mapped_column(String(320))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

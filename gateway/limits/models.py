"""Counters kept in the database when no Redis is configured."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.db.base import Base, UTCDateTime


class UsageCounter(Base):
    """One counter per limit, subject and time window (``gw:<limit>:<subject>:rpm:<minute>``)."""

    __tablename__ = "usage_counters"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

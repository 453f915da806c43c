"""Console sessions on the server: a signed cookie is honoured only while its row is open.

The cookie alone cannot be taken back: a copy made before sign-out (a shared computer, a
proxy's log, malware) would stay valid until it expires. Each signed-in session therefore
has a row in ``console_sessions``, keyed by the SHA-256 of the random id the cookie
carries (the table alone cannot be turned into cookies). Signing out ends the row; a
cookie whose row is ended, expired or unknown is refused, however valid its signature.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from gateway.auth.models import ConsoleSession as SessionRow
from gateway.console.session import ConsoleSession
from gateway.db.base import utcnow

# Ended and expired rows are kept a day (who was signed in, when), then dropped at a sign-in.
_KEPT_AFTER_EXPIRY = timedelta(days=1)


def _row_id(session: ConsoleSession) -> str | None:
    if session.sid is None:
        return None
    return hashlib.sha256(session.sid.encode()).hexdigest()


def open_session(db: Session, session: ConsoleSession) -> None:
    """Record a new signed-in session; the caller's transaction commits it."""
    row_id = _row_id(session)
    if row_id is None:
        raise ValueError("only a signed-in session has a row on the server")
    now = utcnow()
    db.execute(delete(SessionRow).where(SessionRow.expires_at < now - _KEPT_AFTER_EXPIRY))
    db.add(SessionRow(
        id=row_id,
        # A company sign-in has no key: the person id stands where the key id would.
        key_id=session.key_id or session.person_id or "",
        created_at=datetime.fromtimestamp(session.issued_at, UTC),
        expires_at=datetime.fromtimestamp(session.expires_at, UTC),
    ))


def is_open(db: Session, session: ConsoleSession) -> bool:
    """Whether the server still honours this signed-in session."""
    row_id = _row_id(session)
    row = db.get(SessionRow, row_id) if row_id is not None else None
    return row is not None and row.ended_at is None and row.expires_at > utcnow()


def end(db: Session, session: ConsoleSession) -> None:
    """Sign-out: the session's cookie, and every copy of it, stops working now."""
    row_id = _row_id(session)
    if row_id is not None:
        db.execute(update(SessionRow).where(SessionRow.id == row_id,
                                            SessionRow.ended_at.is_(None))
                   .values(ended_at=utcnow()))

"""What the gateway keeps of a Responses conversation, so chains by id work against any model.

Providers are never asked to store anything (``store: false`` upstream, whatever the
client sent): a conversation chained by ``previous_response_id`` must work against models
that have no such state (chat servers, Anthropic), survive a route or a fallback to another
provider, and stay in the company. The gateway keeps it instead, for ``store: true``
answers (the API's default):

* the conversation as the employee wrote and read it (input items, then the answer's
  output items, values put back), sealed with AES-256-GCM under ``GATEWAY_CONTENT_KEY``
  (the cipher of ``log_content: full-encrypted``), bound to the response id. Placeholders
  are per request, so a redacted copy could not carry a conversation on: the next turn is
  scanned, judged and pseudonymized whole, as if the client had sent it all again;
* beside it, in clear, only who owns it, the model, its interaction and when: the log's
  record of that interaction keeps the redacted prompt and answer, as for every request.

Without a content key nothing is kept: ``store`` is answered ``false`` and a
``previous_response_id`` is a 400 saying to send the whole conversation. Rows are erased
with the log's content (``GATEWAY_RETENTION_CONTENT_DAYS``) and by ``DELETE``; only the
key holder's person (same e-mail) reads, chains or deletes them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Engine, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gateway.audit.content_crypto import ContentCipher
from gateway.db.base import Base, UTCDateTime, utcnow

_COLUMN = "responses.conversation"


class StoredResponse(Base):
    """One kept answer of the Responses API and the conversation that led to it."""

    __tablename__ = "responses"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    interaction_id: Mapped[str] = mapped_column(String(36), index=True)
    user_email: Mapped[str] = mapped_column(String(320), index=True)
    model: Mapped[str] = mapped_column(String(200))
    previous_response_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    content_key_id: Mapped[str] = mapped_column(String(16))
    # Sealed JSON: {"input": [items], "response": {the response object as answered}}.
    conversation_encrypted: Mapped[str] = mapped_column(Text)


def save(
    engine: Engine, cipher: ContentCipher, *, response_id: str, interaction_id: str,
    user: str, model: str, previous: str | None, items: list[Any], response: dict[str, Any],
) -> None:
    sealed = cipher.encrypt(response_id, _COLUMN, orjson.dumps(
        {"input": items, "response": response}).decode())
    with Session(engine) as session, session.begin():
        session.add(StoredResponse(
            id=response_id, interaction_id=interaction_id, user_email=user, model=model,
            previous_response_id=previous, created_at=utcnow(),
            content_key_id=cipher.key_id, conversation_encrypted=sealed,
        ))


def load(
    engine: Engine, cipher: ContentCipher, response_id: str, user: str
) -> dict[str, Any] | None:
    """The kept conversation (``input``, ``response``) of the caller's answer, or None."""
    with Session(engine) as session:
        row = session.scalars(select(StoredResponse).where(
            StoredResponse.id == response_id, StoredResponse.user_email == user)).first()
    if row is None:
        return None
    clear = cipher.decrypt(row.id, _COLUMN, row.conversation_encrypted, row.content_key_id)
    value: dict[str, Any] = orjson.loads(clear)
    return value


def remove(engine: Engine, response_id: str, user: str) -> bool:
    with Session(engine) as session, session.begin():
        result = session.execute(delete(StoredResponse).where(
            StoredResponse.id == response_id, StoredResponse.user_email == user))
    return bool(getattr(result, "rowcount", 0))


def purge_before(engine: Engine, cutoff: datetime) -> int:
    """Erase conversations older than the log's content retention; returns how many."""
    with Session(engine) as session, session.begin():
        result = session.execute(
            delete(StoredResponse).where(StoredResponse.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)

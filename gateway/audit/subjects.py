"""Per-person keys, and the salted commitments the integrity chain holds instead of values.

Why: a chain that hashes an e-mail in clear, or a plain SHA-256 of a prompt, can never
forget anyone (erasing the value breaks the link) and lets a short prompt be recovered by
guessing it against its hash. So each person gets a random 256-bit key (a row of
``audit_subjects``, created the first time the chain meets their e-mail) and the chain holds
``HMAC-SHA256(key, label ‖ record id ‖ value)`` only:

- while the key exists, ``verify`` recomputes each commitment from the value kept beside it,
  so an edited e-mail, prompt, response, comment… is caught;
- the record id in the message makes two equal prompts commit differently;
- erasing the person deletes the key and the values (gateway/gdpr/erasure.py): what is left
  in the chain is 32 random-looking bytes per value, which nobody can open or test a guess
  against, and ``verify`` reports those records as erased (the erasure is a chained event).

Keys are created with an insert that ignores a conflict, so two transactions meeting the same
new person (the chain step, a review) both end up with the one key.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Connection, Executable, Table, bindparam, select
from sqlalchemy.dialects import postgresql, sqlite

from gateway.audit.models import AuditSubject
from gateway.db.base import utcnow
from gateway.keyed_hash import keyed

SUBJECTS_TABLE = cast(Table, AuditSubject.__table__)
# Labels of what a commitment stands for: the same key commits to several values of a record.
USER, PROMPT, RESPONSE, COMMENT, REVIEWER, READER, ACCESS = (
    "user", "prompt", "response", "comment", "reviewer", "reader", "access")


@dataclass(frozen=True, slots=True)
class Subject:
    id: str
    key: bytes


def commit(key: bytes, label: str, record_id: str, value: str) -> str:
    """The commitment to ``value`` as field ``label`` of record ``record_id``."""
    message = f"{label}\x00{record_id}\x00".encode() + value.encode("utf-8", "surrogatepass")
    return keyed(key).hexdigest(message)


def commit_optional(key: bytes, label: str, record_id: str, value: str | None) -> str | None:
    """``None`` for no value (a record without content), else the commitment."""
    return None if value is None else commit(key, label, record_id, value)


def subjects_for(connection: Connection, emails: Iterable[str]) -> dict[str, Subject]:
    """The subject of each e-mail, created for those met for the first time."""
    wanted = set(emails)
    if not wanted:
        return {}
    found = _load(connection, wanted)
    missing = wanted - found.keys()
    if missing:
        now = utcnow()
        rows = [{"id": "sub_" + secrets.token_hex(8), "email": email,
                 "key": secrets.token_hex(32), "created_at": now} for email in sorted(missing)]
        connection.execute(_insert_ignoring_conflicts(connection), rows)
        found.update(_load(connection, missing))
    return found


def subject_for(connection: Connection, email: str) -> Subject:
    return subjects_for(connection, [email])[email]


def keys_by_id(connection: Connection) -> dict[str, bytes]:
    """Every subject's key, by subject id (verify loads them once: people, not records)."""
    table = SUBJECTS_TABLE
    return {row.id: bytes.fromhex(row.key)
            for row in connection.execute(select(table.c.id, table.c.key))}


# Built once: every chain step links records to their people (gateway.audit.batch).
_BY_EMAILS = select(SUBJECTS_TABLE.c.id, SUBJECTS_TABLE.c.email, SUBJECTS_TABLE.c.key).where(
    SUBJECTS_TABLE.c.email.in_(bindparam("_emails", expanding=True)))


def _load(connection: Connection, emails: set[str]) -> dict[str, Subject]:
    found: dict[str, Subject] = {}
    ordered = sorted(emails)
    for start in range(0, len(ordered), 500):  # bounded IN lists
        for row in connection.execute(_BY_EMAILS, {"_emails": ordered[start:start + 500]}):
            found[row.email] = Subject(row.id, bytes.fromhex(row.key))
    return found


def _insert_ignoring_conflicts(connection: Connection) -> Executable:
    if connection.dialect.name == "postgresql":
        return postgresql.insert(SUBJECTS_TABLE).on_conflict_do_nothing(index_elements=["email"])
    return sqlite.insert(SUBJECTS_TABLE).on_conflict_do_nothing(index_elements=["email"])

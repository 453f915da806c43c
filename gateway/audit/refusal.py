"""A log write the database refuses: told apart from an outage, and recorded all the same.

:mod:`gateway.audit.storable` makes every value storable, so a refusal is what remains: a
constraint, a trigger, a value no one foresaw. Retrying it cannot help (the same values fail
the same way), and retrying it for ten minutes held back the integrity chain and kept
``/readyz`` not ready (issue 16). A refused write is therefore tried once more in its
*minimal* form (identity, timings, counts and state; no free text, no content) with an
``error`` saying why, so the record still ends final and enters the chain; only an outage
(connection lost, database locked, server gone) is retried.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, StatementError

from gateway.audit.models import COMPLETE, PENDING
from gateway.db.base import utcnow

# What a minimal record keeps besides numbers, instants and booleans: who and what, all
# written by the gateway itself (never by a client), and the fields the chain needs.
_KEPT_TEXT = frozenset({
    "id", "state", "key_id", "user_email", "department", "role", "endpoint", "decision",
    "policy_version", "provider", "boot_id",
})
_DROPPED = frozenset({"rule_ids", "pii_findings"})


class RecordRefused(Exception):
    """A new record was refused and stored in its minimal form, final (a 503 was recorded)."""


def is_refusal(exc: BaseException) -> bool:
    """Whether the database refused these values (they would fail again), not an outage."""
    if isinstance(exc, (DataError, IntegrityError)):
        return True
    if isinstance(exc, StatementError) and not isinstance(exc, DBAPIError):
        return True  # the values could not even be bound (an encoder's or a type's error)
    return isinstance(exc, (ValueError, TypeError, UnicodeError))


def _why(exc: BaseException) -> str:
    return f"log_refused: the database refused this record's values ({type(exc).__name__})"


def _minimal(values: dict[str, Any]) -> dict[str, Any]:
    return {
        name: value for name, value in values.items()
        if name not in _DROPPED and (not isinstance(value, (str, dict, list))
                                     or name in _KEPT_TEXT)
    }


def minimal_row(row: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    """A refused new record, final: a pending one becomes the 503 its request gets."""
    minimal = _minimal(row)
    minimal.update(model=None, tool="unknown", rule_ids=[], pii_findings={}, error=_why(exc))
    if row.get("state", PENDING) == PENDING:
        minimal.update(state=COMPLETE, completed_at=utcnow(), decision="error",
                       status_code=503)
    return minimal


def minimal_update(values: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    """A refused completion: its outcome without the answer, and why."""
    minimal = _minimal(values)
    minimal.update(response=None, error=_why(exc))
    if "decision" in minimal:
        minimal["decision"] = "error"
    return minimal

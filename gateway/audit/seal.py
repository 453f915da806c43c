"""Record seals: what the gateway wrote, keyed by a secret the database does not hold.

Why: the integrity chain links a record only once it is final, from the values it has then.
Between its insert (before forwarding) and its link (a quarter of a second later, minutes for
a long stream), anyone who can write to the database could edit a record, and the chain
would faithfully link the edited version. The chain's commitments cannot help: their keys
live in the database (gateway/audit/subjects.py).

So each write of a record carries a seal, ``HMAC-SHA256`` under a key derived from the server
secret (``GATEWAY_SECRET_KEY``, never in the database):

- ``begin_seal``, written with the insert, covers who asked, what and through what
  (:data:`BEGIN_FIELDS`) and the prompt;
- ``end_seal``, written with the completion, covers the outcome (:data:`END_FIELDS`) and the
  answer.

Content enters through its own MAC, kept in the seal (``<mac>.<content mac>``), so a prompt
emptied by a retention purge or an erasure (chained events say so) leaves a seal that still
checks the rest. ``gateway audit verify`` checks every seal, on chained and unchained records,
and refuses a missing one on every record but those the chained ``audit.sealing`` event
names as written before (migration 0012_record_seals).

A pending record a crash left is marked ``interrupted`` by whichever process notices
(gateway/audit/liveness.py, gateway/audit/maintenance.py): that mark is sealed like a
completion (:func:`interrupt`), so faking a crash in the database is caught too.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping, Sequence
from typing import Any, cast

import orjson
from sqlalchemy import Connection, Table, select, update
from sqlalchemy.sql.elements import ColumnElement

from gateway.audit.batch import Update
from gateway.audit.integrity import _iso
from gateway.audit.models import INTERRUPTED, PENDING, Interaction
from gateway.keyed_hash import KeyedHash

SEALING_KIND = "audit.sealing"
BEGIN, END = "begin", "end"
BEGIN_FIELDS = (
    "id", "created_at", "key_id", "user_email", "department", "role", "tool", "endpoint",
    "model", "provider", "upstream_model", "rule_ids", "policy_version", "pii_findings",
    "stream", "request_fingerprint", "boot_id",
)
END_FIELDS = (
    "state", "completed_at", "decision", "status_code", "prompt_tokens", "completion_tokens",
    "cost", "latency_ms", "upstream_latency_ms", "error",
)
CONTENT = {BEGIN: "prompt", END: "response"}
FIELDS = {BEGIN: BEGIN_FIELDS, END: END_FIELDS}
SEAL_COLUMNS = {BEGIN: "begin_seal", END: "end_seal"}
# Every column a seal check reads.
_TABLE = cast(Table, Interaction.__table__)
_BEGIN_SEALED = frozenset({*BEGIN_FIELDS, "prompt"})
READ_COLUMNS = tuple(dict.fromkeys(
    (*BEGIN_FIELDS, *END_FIELDS, "prompt", "response", "begin_seal", "end_seal")))

_PURPOSE = b"gateway record seal v1"
_DATES = frozenset({"created_at", "completed_at"})
_JSONS = frozenset({"rule_ids", "pii_findings"})
_FLOATS = frozenset({"cost", "latency_ms", "upstream_latency_ms"})


def _canonical(name: str, value: Any) -> Any:
    """One value as the seal hashes it, typed as written or raw as verify reads it."""
    if value is None:
        return None
    if name in _DATES:
        return _iso(value)
    if name in _JSONS and isinstance(value, str):
        return orjson.loads(value)
    if name in _FLOATS:
        return float(value)
    if name == "stream":
        return bool(value)
    return value


# The positions of the fields whose canonical form is not the value itself.
_TYPED_AT = {part: tuple((i, name) for i, name in enumerate(names)
                         if name in _DATES | _JSONS | _FLOATS | {"stream"})
             for part, names in FIELDS.items()}
_SEALS = frozenset(SEAL_COLUMNS.values())


class Sealer:
    """Seals records as the writer writes them, and checks them for ``verify``."""

    def __init__(self, server_secret: bytes) -> None:
        self._key = KeyedHash(hmac.new(server_secret, _PURPOSE, hashlib.sha256).digest())

    def _mac(self, message: list[Any]) -> str:
        return self._key.hexdigest(orjson.dumps(message, option=orjson.OPT_SORT_KEYS))

    def content_mac(self, part: str, record_id: str, text: str | None) -> str:
        return self._mac([part, CONTENT[part], record_id, text])

    def fields_mac(self, part: str, record_id: str, values: Mapping[str, Any],
                   content: str) -> str:
        # Every value as it is, then the few that need a canonical form (_canonical), by
        # position: one call per field was most of a seal's cost.
        fields = [values.get(name) for name in FIELDS[part]]
        for i, name in _TYPED_AT[part]:
            if fields[i] is not None:
                fields[i] = _canonical(name, fields[i])
        return self._mac([part, record_id, fields, content])

    def seal(self, part: str, record_id: str, values: Mapping[str, Any]) -> str:
        content = self.content_mac(part, record_id, values.get(CONTENT[part]))
        return f"{self.fields_mac(part, record_id, values, content)}.{content}"

    def seal_insert(self, row: dict[str, Any]) -> dict[str, Any]:
        """A new record with its seals: the begin seal, and the end seal if it is final."""
        sealed = {**row, "begin_seal": self.seal(BEGIN, row["id"], row), "end_seal": None}
        if row.get("state", "pending") != "pending":
            sealed["end_seal"] = self.seal(END, row["id"], row)
        return sealed

    def seal_change(
        self, base: Mapping[str, Any], values: Mapping[str, Any],
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        """``values`` written over the record ``base`` (as stored): the record it makes, and
        the values with the seals of the parts they touch, computed on that record."""
        merged = {**base, **values}
        record_id = str(merged["id"])
        sealed = {k: v for k, v in values.items() if k not in _SEALS}
        if not _BEGIN_SEALED.isdisjoint(values):
            sealed["begin_seal"] = self.seal(BEGIN, record_id, merged)
        if merged.get("state", PENDING) != PENDING:
            sealed["end_seal"] = self.seal(END, record_id, merged)
        return merged, sealed

    def check(self, part: str, row: Mapping[str, Any], *, content_may_be_gone: bool,
              decision: str | None = None) -> str | None:
        """Why ``row`` no longer matches its ``part`` seal, or None. ``decision`` replaces
        the row's when a reviewer's verdict changed it after the seal."""
        stored = row.get(SEAL_COLUMNS[part])
        if not isinstance(stored, str) or "." not in stored:
            return "its seal is missing or malformed"
        mac, content = stored.split(".", 1)
        record_id, text = row["id"], row.get(CONTENT[part])
        checkable = text is not None or not content_may_be_gone
        if checkable and not hmac.compare_digest(self.content_mac(part, record_id, text),
                                                 content):
            return f"its {CONTENT[part]} is not the one the gateway wrote"
        values = row if decision is None else {**row, "decision": decision}
        if not hmac.compare_digest(self.fields_mac(part, record_id, values, content), mac):
            fields = ", ".join(FIELDS[part][2:] if part == BEGIN else FIELDS[part])
            return f"one of its fields ({fields}) is not what the gateway wrote"
        return None


# What a crash sweep writes on a pending record (the error names why).
def interrupted_values(error: str) -> dict[str, Any]:
    return {"state": INTERRUPTED, "decision": "error", "error": error}


def interrupt(
    connection: Connection, where: Sequence[ColumnElement[bool]], error: str,
    sealer: Sealer | None,
) -> int:
    """Mark the pending records matching ``where`` interrupted, each mark sealed against the
    record as it stands (records a later completion finished meanwhile are left alone)."""
    values = interrupted_values(error)
    if sealer is None:
        result = connection.execute(update(_TABLE).where(*where).values(**values))
        return result.rowcount or 0
    rows = connection.execute(
        select(*(_TABLE.c[name] for name in READ_COLUMNS)).where(*where)).mappings().all()
    marked = 0
    for row in rows:
        record = dict(row)
        sealed = dict(values)
        if record.get("begin_seal") is not None:
            sealed["end_seal"] = sealer.seal(END, str(record["id"]), {**record, **values})
        result = connection.execute(
            update(_TABLE).where(_TABLE.c.id == record["id"], _TABLE.c.state == PENDING)
            .values(**sealed))
        marked += result.rowcount or 0
    return marked


class RecordSeals:
    """The writer's side: each insert sealed, and each later write sealed against the record
    as it stands (a completion sets the outcome; a fallback changes the provider of a pending
    record), which the writer keeps from the insert until the record is final."""

    _MAX_PENDING = 50_000  # records in flight at once; beyond, the oldest is forgotten

    def __init__(self, sealer: Sealer) -> None:
        self.sealer = sealer
        self._pending: dict[str, dict[str, Any]] = {}

    def insert(self, row: dict[str, Any]) -> dict[str, Any]:
        sealed = self.sealer.seal_insert(row)
        if row.get("state", PENDING) == PENDING:
            if len(self._pending) >= self._MAX_PENDING:
                self._pending.pop(next(iter(self._pending)))
            self._pending[str(row["id"])] = row
        return sealed

    def update(self, record_id: str, values: dict[str, Any]) -> Update:
        base = self._pending.get(record_id)
        if base is None:  # not inserted by this process: verify names it unsealed
            return Update(record_id, values)
        merged, sealed = self.sealer.seal_change(base, values)
        if merged.get("state", PENDING) == PENDING:
            self._pending[record_id] = merged
        else:
            self._pending.pop(record_id, None)
        return Update(record_id, sealed, base=base)

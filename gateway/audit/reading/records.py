"""Records as every front end gives them out, with the stable field names of the README."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from starlette.requests import Request

from gateway.audit.models import Interaction
from gateway.audit.reading.dates import iso
from gateway.audit.storable import restore

# The contract with IT's scripts and SIEMs: add fields, never rename these.
FIELDS = (
    "id", "created_at", "user", "department", "role", "tool", "endpoint", "model", "provider",
    "upstream_model", "decision", "rule_ids", "policy_version", "pii_findings", "prompt",
    "response", "prompt_tokens", "completion_tokens", "cost", "latency_ms",
    "upstream_latency_ms", "status_code", "error", "stream", "prev_hash", "hash",
    "state", "completed_at", "key_id", "seq", "prompt_hash", "response_hash",
)
# What the review queue lists: who, what and why, without the content (open one to read it).
SUMMARY = ("id", "created_at", "user", "department", "tool", "endpoint", "model", "decision",
           "rule_ids", "policy_version", "pii_findings", "status_code", "error")
_COLUMN = {"user": "user_email"}


def is_record_id(value: str) -> bool:
    """Whether ``value`` can name a record (ids are UUIDs): anything else is looked up
    nowhere, since PostgreSQL refuses a NUL even in a query parameter."""
    return len(value) <= 36 and value.isascii() and value.isprintable()


def to_record(row: Interaction | Row[Any]) -> dict[str, Any]:
    """One interaction, in the export's field names, instants in ISO 8601 UTC, values as
    they were given (the log stores some escaped: gateway.audit.storable)."""
    record = {name: restore(getattr(row, _COLUMN.get(name, name))) for name in FIELDS}
    record["created_at"] = iso(row.created_at)
    record["completed_at"] = iso(row.completed_at)
    return record


def summary(row: Interaction | Row[Any]) -> dict[str, Any]:
    record = to_record(row)
    return {name: record[name] for name in SUMMARY}


def endpoint_of(request: Request) -> str:
    """How the access journal names an HTTP read: method and path."""
    return f"{request.method} {request.url.path}"

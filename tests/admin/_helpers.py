"""Inserting interaction records directly, as the pipeline would have written them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Engine, insert

from gateway.audit.models import Interaction
from gateway.audit.seal import Sealer
from tests.conftest import SECRET, Gateway

# Rows written here stand for records the gateway wrote: sealed with its secret, as its
# writer seals them (gateway/audit/seal.py), or verify would rightly call them forged.
_SEALER = Sealer(SECRET.encode())


def row(**values: Any) -> dict[str, Any]:
    """A complete interaction row with plausible defaults, overridden by ``values``."""
    base: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(UTC),
        "completed_at": datetime.now(UTC),
        "state": "complete",
        "key_id": None,
        "user_email": "someone@exemple.fr",
        "department": "ventes",
        "role": "employee",
        "tool": "curl",
        "endpoint": "/v1/chat/completions",
        "model": "gpt-test",
        "provider": "openai_compatible",
        "upstream_model": "fake-model",
        "decision": "allowed",
        "rule_ids": [],
        "policy_version": "test",
        "pii_findings": {},
        "prompt": '[{"role":"user","content":"bonjour"}]',
        "response": "reçu: bonjour",
        "prompt_tokens": 10,
        "completion_tokens": 5,
        "cost": 0.0001,
        "latency_ms": 12.0,
        "upstream_latency_ms": 10.0,
        "status_code": 200,
        "error": None,
        "stream": False,
    }
    base.update(values)
    return base


def insert_rows(engine: Engine, rows: list[dict[str, Any]]) -> list[str]:
    with engine.begin() as connection:
        connection.execute(insert(Interaction), [_SEALER.seal_insert(r) for r in rows])
    return [r["id"] for r in rows]


def admin_client(gw: Gateway, role: str, user: str | None = None) -> httpx.Client:
    key = gw.key(role, user=user, department="it")
    return httpx.Client(base_url=gw.url, timeout=60, headers={"Authorization": f"Bearer {key}"})

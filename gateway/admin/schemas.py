"""Request bodies and response shapes of the admin API."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

Role = Literal["employee", "auditor", "reviewer", "admin"]


class Page(BaseModel):
    """A page of results; pass ``next_cursor`` back as ``cursor`` for the next one."""

    data: list[dict[str, Any]]
    next_cursor: str | None = None


class KeyCreate(BaseModel):
    user: str = Field(min_length=1, max_length=320)
    department: str = Field(min_length=1, max_length=100)
    role: Role = "employee"
    tool: str | None = Field(default=None, max_length=64)
    tags: list[str] = Field(default_factory=list)


class KeyOut(BaseModel):
    id: str
    prefix: str
    user: str
    department: str
    role: str
    tool: str | None
    tags: list[str]
    created_at: str | None
    last_used_at: str | None
    revoked_at: str | None
    # Whose key it is, who made it ("issued" by IT, "personal" self-service), and its life.
    person_id: str | None = None
    kind: str = "issued"
    name: str | None = None
    expires_at: str | None = None
    revoked_reason: str | None = None


class KeyCreated(KeyOut):
    key: str = Field(description="the secret, shown once")


class DecisionIn(BaseModel):
    comment: str = Field(max_length=10_000, description="why: mandatory, not blank")

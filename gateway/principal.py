"""Who is calling: the authenticated caller every layer reads (pipeline, log, policies).

Authentication builds it (gateway/auth); the log records it and the policies judge it,
so it lives below all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: what the request pipeline and policies know about a key's owner."""

    key_id: str
    user: str
    department: str
    role: str
    tool: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    # A self-service key: it acts for its owner on the model endpoints and /v1/me only.
    personal: bool = False
    person_id: str | None = None

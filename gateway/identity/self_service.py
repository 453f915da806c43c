"""Self-service keys: a signed-in person creates, lists and revokes their own keys.

IT sets the rules (``GATEWAY_SELF_SERVICE_KEYS``, ``GATEWAY_PERSONAL_KEYS_MAX``,
``GATEWAY_PERSONAL_KEY_MAX_DAYS``); every refusal names the rule that refused. A person only
ever sees and revokes their own keys: the key id alone is not enough.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.auth.keys import create_personal_key, revoke_key
from gateway.auth.models import ApiKey
from gateway.db.base import utcnow
from gateway.identity.models import Person
from gateway.identity.people import active_keys_of
from gateway.settings import Settings

EXPIRY_CHOICES = (30, 90, 180, 365)
NAME_MAX = 100


class SelfServiceRefused(Exception):
    """A refusal, as a console message key and its values."""

    def __init__(self, message_key: str, **values: object) -> None:
        super().__init__(message_key)
        self.message_key = message_key
        self.values = values


@dataclass(frozen=True, slots=True)
class KeyRules:
    enabled: bool = True
    max_keys: int = 5
    max_days: int | None = None
    tools: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_settings(cls, settings: Settings, tools: tuple[str, ...] | None) -> KeyRules:
        return cls(settings.self_service_keys, settings.personal_keys_max,
                   settings.personal_key_max_days, tuple(tools or ()))

    @property
    def expiry_choices(self) -> list[int | None]:
        """The validity periods offered, in days (``None``: no expiry, when allowed)."""
        if self.max_days is None:
            return [*EXPIRY_CHOICES, None]
        choices: list[int | None] = [d for d in EXPIRY_CHOICES if d < self.max_days]
        return [*choices, self.max_days]


def create(session: Session, server_secret: bytes, person: Person, rules: KeyRules, *,
           name: str, tool: str | None, days: int | None) -> tuple[ApiKey, str]:
    """A new personal key of ``person``; its secret is returned once, never stored."""
    if not rules.enabled:
        raise SelfServiceRefused("mykeys.disabled")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise SelfServiceRefused("mykeys.bad_name")
    tool = (tool or "").strip() or None
    if tool is not None and rules.tools and tool not in rules.tools:
        raise SelfServiceRefused("mykeys.bad_tool")
    if rules.max_days is not None and (days is None or not 0 < days <= rules.max_days):
        raise SelfServiceRefused("mykeys.expiry_required", n=rules.max_days)
    if days is not None and not 0 < days <= 3650:
        raise SelfServiceRefused("mykeys.expiry_required", n=3650)
    # Counted inside the transaction that adds the key; two tabs racing may both pass, a
    # bounded excess of one that the next creation catches.
    if active_keys_of(session, person.id) >= rules.max_keys:
        raise SelfServiceRefused("mykeys.limit", n=rules.max_keys)
    expires_at = utcnow() + timedelta(days=days) if days is not None else None
    return create_personal_key(session, server_secret, person, name=name, tool=tool,
                               expires_at=expires_at)


def keys_of(session: Session, person_id: str) -> list[ApiKey]:
    """A person's usable keys, personal and issued, newest first."""
    now = utcnow()
    return list(session.scalars(
        select(ApiKey).where(
            ApiKey.person_id == person_id, ApiKey.revoked_at.is_(None),
            (ApiKey.expires_at.is_(None)) | (ApiKey.expires_at > now),
        ).order_by(ApiKey.created_at.desc())))


def revoke_own(session: Session, person_id: str, key_id: str) -> ApiKey | None:
    """Revoke one of the person's own keys (``None`` when it is not theirs)."""
    row = session.get(ApiKey, key_id)
    if row is None or row.person_id != person_id:
        return None
    return revoke_key(session, key_id, by="owner")

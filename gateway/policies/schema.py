"""Pydantic schema of one policy file (validated at check time only).

All models forbid unknown keys so a typo (``modles:``) is an error with a
file and line instead of a silently ignored condition.  Regular
expressions are compiled and safety-checked here, at load time.
"""

from __future__ import annotations

import string
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from .regexcheck import UnsafeRegex, compile_safe

Role = Literal["employee", "auditor", "reviewer", "admin"]
Hosting = Literal["eu", "us", "on_prem"]
Endpoint = Literal["chat", "embeddings"]
MessageRole = Literal["system", "user", "assistant", "tool"]
Action = Literal["allow", "deny", "redact", "hold", "route", "log_content"]
RedactAction = Literal["pseudonymize", "mask", "block"]
LogContent = Literal["none", "redacted", "full-encrypted"]
Mode = Literal["enforce", "shadow"]
# Files a request carries or names; ``unreadable``: one the gateway could not read (a
# picture, sound, a scanned or encrypted PDF, a file given by URL or id).
AttachmentKind = Literal["image", "audio", "video", "pdf", "file", "unreadable"]

#: Placeholders an author may use in employee-facing messages: ``client`` is the
#: User-Agent as received (quoted safely), ``source`` the deciding rule's file and line.
MESSAGE_FIELDS = frozenset({"rule_id", "tool", "model", "user", "department", "client", "source"})
RULE_ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]{0,63}$"


def _as_list(value: Any) -> Any:
    """Accept ``models: gpt-4o`` as shorthand for ``models: [gpt-4o]``."""
    return [value] if isinstance(value, str) else value


def _non_empty(value: str) -> str:
    if not value.strip():
        raise ValueError("valeur vide interdite")
    return value


def _safe_regex(value: str) -> str:
    try:
        compile_safe(value)
    except UnsafeRegex as exc:
        raise ValueError(str(exc)) from None
    return value


def _check_message(value: str | None) -> str | None:
    """Reject unknown ``{placeholders}`` now rather than failing per request."""
    if value is None:
        return None
    try:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
    except ValueError as exc:
        raise ValueError(f"message mal formé : {exc}") from None
    unknown = names - MESSAGE_FIELDS
    if unknown:
        allowed = ", ".join(sorted(MESSAGE_FIELDS))
        raise ValueError(f"variable(s) inconnue(s) {sorted(unknown)} ; autorisées : {allowed}")
    return value


Text = Annotated[str, AfterValidator(_non_empty)]
TextList = Annotated[list[Text], BeforeValidator(_as_list)]
RegexList = Annotated[
    list[Annotated[str, AfterValidator(_non_empty), AfterValidator(_safe_regex)]],
    BeforeValidator(_as_list),
]
Message = Annotated[str | None, AfterValidator(_check_message)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContentMatch(_Strict):
    """Content condition: any keyword or any regex found in the selected roles."""

    keywords: TextList = []
    regex: RegexList = []
    roles: Annotated[list[MessageRole], BeforeValidator(_as_list)] = []
    case_sensitive: bool = False
    whole_word: bool = False

    @model_validator(mode="after")
    def _needs_something(self) -> ContentMatch:
        if not self.keywords and not self.regex:
            raise ValueError("« content » doit contenir au moins « keywords » ou « regex »")
        return self


class Match(_Strict):
    """Conditions of a rule: AND between fields, OR inside a list."""

    users: TextList = []
    departments: TextList = []
    roles: Annotated[list[Role], BeforeValidator(_as_list)] = []
    key_tags: TextList = []
    tools: TextList = []
    models: TextList = []
    providers: TextList = []
    hosting: Annotated[list[Hosting], BeforeValidator(_as_list)] = []
    endpoints: Annotated[list[Endpoint], BeforeValidator(_as_list)] = []
    stream: bool | None = None
    function_tools: TextList = []
    # An allow-list: the condition holds when an offered tool matches none of these globs.
    function_tools_except: TextList = []
    attachments: Annotated[list[AttachmentKind], BeforeValidator(_as_list)] = []
    min_tokens: int | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    pii: TextList = []
    content: ContentMatch | None = None

    @model_validator(mode="after")
    def _token_bounds(self) -> Match:
        if (
            self.min_tokens is not None
            and self.max_tokens is not None
            and self.min_tokens > self.max_tokens
        ):
            raise ValueError("min_tokens est supérieur à max_tokens")
        return self


class RouteSelector(_Strict):
    """A route target chosen by what it must be, not by name: the catalogue decides.

    ``hosting`` lists the acceptable hostings; among the catalogue models of the request's
    kind (chat or embedding) hosted so, and by one of ``providers`` if given, ``prefer``
    picks the first in catalogue order or the cheapest (input + output price, then
    catalogue order). A catalogue with no such model leaves the route without a target:
    the gateway still starts, ``policy check`` warns, and such requests are refused.
    """

    hosting: Annotated[list[Hosting], BeforeValidator(_as_list), Field(min_length=1)]
    providers: TextList = []
    prefer: Literal["first", "cheapest"] = "first"


class Rule(_Strict):
    """One policy rule."""

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN)]
    description: str | None = None
    priority: int = 0
    mode: Mode | None = None
    match: Match = Match()
    unless: Match | None = None
    action: Action
    message: Message = None
    # Model names in order of preference (the first in the catalogue wins), or a selector.
    route_to: TextList | RouteSelector = []
    redact: dict[Text, RedactAction] = {}
    log_content: LogContent | None = None

    @model_validator(mode="after")
    def _action_fields(self) -> Rule:
        """Each action takes exactly the fields it needs (no dead settings)."""
        needs = {"route": "route_to", "redact": "redact", "log_content": "log_content"}
        for action, name in needs.items():
            present = bool(getattr(self, name))
            if self.action == action and not present:
                raise ValueError(f"l'action « {action} » exige le champ « {name} »")
            if self.action != action and present:
                raise ValueError(f"le champ « {name} » n'est valable qu'avec l'action « {action} »")
        if self.message is not None and self.action in ("allow", "route", "log_content"):
            raise ValueError(f"« message » est inutile avec l'action « {self.action} »")
        return self


class Defaults(_Strict):
    """Outcome when no enforced rule decides (one file at most)."""

    action: Literal["allow", "deny"] = "allow"
    message: Message = None
    log_content: LogContent = "redacted"


class AuthorizedTools(_Strict):
    """Explicit list of client tools; anything else is denied (one file at most)."""

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN)] = "outils-autorises"
    tools: Annotated[list[Text], BeforeValidator(_as_list), Field(min_length=1)]
    message: Message = None
    priority: int = 1000
    mode: Mode | None = None


class LimitMatch(_Strict):
    """Who a limit applies to (empty = everyone)."""

    users: TextList = []
    departments: TextList = []
    roles: Annotated[list[Role], BeforeValidator(_as_list)] = []
    key_tags: TextList = []


class Limit(_Strict):
    """A budget / rate limit, enforced by the core's counters."""

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN)]
    description: str | None = None
    scope: Literal["user", "department"]
    match: LimitMatch = LimitMatch()
    requests_per_minute: int | None = Field(default=None, gt=0)
    tokens_per_day: int | None = Field(default=None, gt=0)
    spend_per_month_eur: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    message: Message = None

    @model_validator(mode="after")
    def _has_a_limit(self) -> Limit:
        if (
            self.requests_per_minute is None
            and self.tokens_per_day is None
            and self.spend_per_month_eur is None
        ):
            raise ValueError(
                "une limite doit fixer requests_per_minute, tokens_per_day ou spend_per_month_eur"
            )
        return self


class PolicyFile(_Strict):
    """Top level of one ``*.yaml`` policy file."""

    description: str | None = None
    mode: Mode = "enforce"
    defaults: Defaults | None = None
    authorized_tools: AuthorizedTools | None = None
    rules: list[Rule] = []
    limits: list[Limit] = []

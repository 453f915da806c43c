"""Runner for policy test cases (``gateway policy test CASES.yaml``).

A cases file holds ``cases:``, each with a ``request`` (who, tool, model,
messages, function tools, PII counts) and the ``expect``-ed decision.
Only the fields present under ``expect`` are compared; ``rule_ids`` and
``shadow_rule_ids`` are compared as sets.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .context import RequestContext
from .errors import PolicyFileError
from .evaluator import Decision
from .loader import validation_errors
from .policyset import PolicySet
from .schema import (
    AttachmentKind,
    Endpoint,
    Hosting,
    LogContent,
    MessageRole,
    RedactAction,
    Role,
    _as_list,
)
from .tools import detect_tool
from .yamlload import line_for, load_yaml, yaml_error_line

StrList = Annotated[list[str], BeforeValidator(_as_list)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CaseMessage(_Strict):
    role: MessageRole = "user"
    content: str


class CaseRequest(_Strict):
    """Request of a case; ``tool`` or (``user_agent``/``tool_header``/``key_tool``)."""

    user: str = "employe@exemple.fr"
    department: str = ""
    role: Role = "employee"
    key_tags: StrList = []
    tool: str | None = None
    user_agent: str | None = None
    tool_header: str | None = None
    key_tool: str | None = None
    model: str
    provider: str = ""
    hosting: Hosting
    endpoint: Endpoint = "chat"
    stream: bool = False
    tools: StrList = []
    attachments: Annotated[list[AttachmentKind], BeforeValidator(_as_list)] = []
    estimated_tokens: int | None = Field(default=None, ge=0)
    pii: dict[str, int] = {}
    messages: list[CaseMessage] = []


class CaseExpect(_Strict):
    action: Literal["allow", "deny", "hold", "route"] | None = None
    rule_ids: StrList | None = None
    deciding_rule: str | None = None
    shadow_rule_ids: StrList | None = None
    route_model: str | None = None
    # The route target's hosting must be one of these (a case valid for any catalogue).
    route_hosting: Annotated[list[Hosting], BeforeValidator(_as_list)] | None = None
    redaction: dict[str, RedactAction] | None = None
    log_content: LogContent | None = None
    message_contains: str | None = None


class Case(_Strict):
    name: str
    request: CaseRequest
    expect: CaseExpect


class CasesFile(_Strict):
    cases: list[Case]


@dataclass(frozen=True, slots=True)
class CaseResult:
    """Outcome of one case; ``mismatches`` are human-readable (French)."""

    name: str
    file: str
    line: int | None
    decision: Decision
    mismatches: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when the decision matched every expectation."""
        return not self.mismatches

    def __str__(self) -> str:
        status = "OK" if self.passed else "ÉCHEC"
        head = f"[{status}] {self.name} ({self.file}:{self.line})"
        return "\n".join([head, *(f"    - {m}" for m in self.mismatches)])


def estimate_tokens(texts: list[str]) -> int:
    """Rough token estimate (4 characters per token), as the core does."""
    return sum(len(t) for t in texts) // 4


def to_context(request: CaseRequest) -> RequestContext:
    """Build the evaluation context of a case request."""
    tool = request.tool or detect_tool(request.user_agent, request.tool_header, request.key_tool)
    texts = [m.content for m in request.messages]
    tokens = request.estimated_tokens
    return RequestContext(
        user=request.user,
        department=request.department,
        role=request.role,
        key_tags=frozenset(request.key_tags),
        tool=tool,
        client=request.user_agent or "",
        model=request.model,
        provider=request.provider,
        hosting=request.hosting,
        endpoint=request.endpoint,
        stream=request.stream,
        tool_names=tuple(request.tools),
        attachments=frozenset(request.attachments),
        estimated_tokens=estimate_tokens(texts) if tokens is None else tokens,
        pii_counts=dict(request.pii),
        messages=tuple((m.role, m.content) for m in request.messages),
    )


def compare(
    expect: CaseExpect, decision: Decision, hosting_of: Callable[[str], str | None] = lambda _: None
) -> list[str]:
    """Human-readable differences between the expectation and the decision.

    ``hosting_of`` names a catalogue model's hosting (for ``route_hosting``).
    """
    problems: list[str] = []

    def differs(label: str, wanted: Any, got: Any) -> None:
        if wanted != got:
            problems.append(f"{label} : attendu {wanted!r}, obtenu {got!r}")

    if expect.action is not None:
        differs("action", expect.action, decision.action)
    if expect.rule_ids is not None:
        differs("règles", sorted(set(expect.rule_ids)), sorted(set(decision.rule_ids)))
    if expect.deciding_rule is not None:
        differs("règle décisive", expect.deciding_rule, decision.deciding_rule_id)
    if expect.shadow_rule_ids is not None:
        differs(
            "règles en mode shadow",
            sorted(set(expect.shadow_rule_ids)),
            sorted(set(decision.shadow_rule_ids)),
        )
    if expect.route_model is not None:
        differs("modèle de routage", expect.route_model, decision.route_model)
    if expect.route_hosting is not None:
        hosting = hosting_of(decision.route_model) if decision.route_model else None
        if hosting not in expect.route_hosting:
            problems.append(
                f"hébergement de la cible : attendu parmi {expect.route_hosting}, obtenu "
                f"{decision.route_model!r} ({hosting or 'hébergement inconnu'})"
            )
    if expect.redaction is not None:
        differs(
            "pseudonymisation",
            dict(sorted(expect.redaction.items())),
            dict(sorted(decision.redaction.items())),
        )
    if expect.log_content is not None:
        differs("journalisation", expect.log_content, decision.log_content)
    if expect.message_contains is not None and expect.message_contains not in (
        decision.message or ""
    ):
        problems.append(f"message : {expect.message_contains!r} absent de {decision.message!r}")
    return problems


def load_cases(cases_file: pathlib.Path) -> tuple[CasesFile, Any]:
    """Parse and validate a cases file; raise ``PolicyFileError`` on error."""
    display = str(cases_file)
    try:
        raw = load_yaml(pathlib.Path(cases_file).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyFileError(display, None, f"lecture impossible : {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise PolicyFileError(display, yaml_error_line(exc), f"YAML invalide : {problem}") from exc
    try:
        return CasesFile.model_validate(raw), raw
    except ValidationError as exc:
        errors = validation_errors(display, raw, exc)
        errors[0].all_errors = errors
        raise errors[0] from exc


def run_cases(policy_set: PolicySet, cases_file: pathlib.Path) -> list[CaseResult]:
    """Evaluate every case of ``cases_file`` against ``policy_set``."""
    cases, raw = load_cases(cases_file)

    def hosting_of(name: str) -> str | None:
        model = policy_set.catalogue.get(name)
        return model.hosting if model is not None else None

    results = []
    for index, case in enumerate(cases.cases):
        decision = policy_set.evaluate(to_context(case.request))
        results.append(
            CaseResult(
                name=case.name,
                file=str(cases_file),
                line=line_for(raw, ("cases", index)),
                decision=decision,
                mismatches=compare(case.expect, decision, hosting_of),
            )
        )
    return results

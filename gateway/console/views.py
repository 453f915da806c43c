"""What the pages show, computed from the services: rules in words, budgets, one record's link."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.audit import integrity
from gateway.audit.models import AuditSubject, ChainHead, Interaction
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.values import record_matches
from gateway.catalogue import Catalogue
from gateway.console.i18n import Translator
from gateway.policies import Limit, PolicySet
from gateway.policies.schema import ContentMatch, Match
from gateway.policies.targets import describe
from gateway.review.models import ReviewDecision

_LIST_CONDITIONS = ("users", "departments", "roles", "key_tags", "tools", "models",
                    "providers", "endpoints", "function_tools", "function_tools_except",
                    "pii")


def _quoted(values: list[str], t: Translator) -> str:
    return f" {t.condition('or', '')} ".replace("  ", " ").join(f"« {v} »" for v in values)


def _content(content: ContentMatch, t: Translator) -> list[str]:
    parts = []
    if content.keywords:
        parts.append(t.condition("keywords", _quoted(content.keywords, t)))
    if content.regex:
        parts.append(t.condition("regex", _quoted(content.regex, t)))
    text = f" {t.condition('or', '')} ".replace("  ", " ").join(parts)
    if content.case_sensitive:
        text += " " + t.condition("case_sensitive", "")
    if content.roles:
        text += " " + t.condition("content_roles", ", ".join(content.roles))
    return [text]


def describe_match(match: Match, t: Translator) -> list[str]:
    """The conditions of a ``match`` (or ``unless``) block, one sentence each (AND between)."""
    sentences = []
    for name in _LIST_CONDITIONS:
        values = getattr(match, name)
        if values:
            sentences.append(t.condition(name, _quoted([str(v) for v in values], t)))
    if match.hosting:
        words = [t.value("hosting", h) for h in match.hosting]
        sentences.append(f" {t.condition('or', '')} ".replace("  ", " ").join(words))
    if match.attachments:
        words = [t.value("attachments", kind) for kind in match.attachments]
        sentences.append(t.condition(
            "attachments", f" {t.condition('or', '')} ".replace("  ", " ").join(words)))
    if match.stream is not None:
        sentences.append(t.condition("stream", t("word.yes" if match.stream else "word.no")))
    if match.min_tokens is not None:
        sentences.append(t.condition("min_tokens", str(match.min_tokens)))
    if match.max_tokens is not None:
        sentences.append(t.condition("max_tokens", str(match.max_tokens)))
    if match.content is not None:
        sentences.extend(_content(match.content, t))
    return sentences


def describe_action(rule: Any, t: Translator) -> str:
    """A compiled rule's action in words, with what it applies (redaction, route, logging)."""
    source = rule.source
    text = t.value("action", source.action)
    if source.action == "redact":
        text += " : " + ", ".join(
            f"{'*' if entity == '*' else entity} → {t.value('redact', how)}"
            for entity, how in source.redact.items()
        )
    elif source.action == "route":
        # The catalogue's model(s) the rule resolved to, else what it asks for.
        targets = list(dict.fromkeys(rule.route_models.values())) or [describe(source.route_to)]
        text += " " + t.condition("route_to", _quoted(targets, t))
    elif source.action == "log_content":
        text += " : " + t.value("log", source.log_content)
    return text[0].upper() + text[1:]


def shadow_hits(session: Session, rule_ids: list[str]) -> dict[str, int]:
    """How many records a shadow-mode rule would have decided (``shadow:<id>`` in rule_ids)."""
    hits = {}
    for rule_id in rule_ids:
        clauses = InteractionFilter(rule=f"shadow:{rule_id}").clauses()
        hits[rule_id] = session.scalar(
            select(func.count()).select_from(Interaction).where(*clauses)) or 0
    return hits


def policy_tags(policy_set: PolicySet) -> list[str]:
    """The key tags the active policies name (``key_tags``), for the keys page's hints."""
    tags: set[str] = set()
    for rule in policy_set.rules:
        for match in (rule.source.match, rule.source.unless):
            if match is not None:
                tags.update(match.key_tags)
    for limit in policy_set.limits:
        tags.update(limit.match.key_tags)
    return sorted(tags)


@dataclass(frozen=True, slots=True)
class ModelCosts:
    """A month's cost per model, for the models of the catalogue only.

    Records also name models that are not (or no longer) in the catalogue: a request for an
    unknown model (answered 404) or one refused before any model was chosen (``None``).
    Those cost nothing, and are counted in ``left_out``; a model removed from the
    catalogue may have cost something before: its cost goes to ``other_cost``.
    """

    rows: list[dict[str, Any]]  # usage groups of catalogue models, costliest first
    other_cost: float
    other_requests: int
    left_out: int  # requests without a cost, for no model or one outside the catalogue


def model_costs(groups: list[dict[str, Any]], catalogue: Catalogue) -> ModelCosts:
    rows, other_cost, other_requests, left_out = [], 0.0, 0, 0
    for group in groups:
        if group["key"] is not None and catalogue.get(str(group["key"])) is not None:
            rows.append(group)
        elif group["cost"]:
            other_cost += float(group["cost"])
            other_requests += int(group["requests"])
        else:
            left_out += int(group["requests"])
    rows.sort(key=lambda group: (-float(group["cost"]), str(group["key"])))
    return ModelCosts(rows, round(other_cost, 6), other_requests, left_out)


@dataclass(frozen=True, slots=True)
class Budget:
    amount: float
    limit_id: str


def department_budget(policy_set: PolicySet, department: str) -> Budget | None:
    """The monthly budget that binds a department: the smallest of the limits that apply.

    Only department-scoped limits whose ``match`` depends on nothing but the department
    apply to a department as a whole (the enforcer checks every matching limit).
    """
    found: list[tuple[Decimal, Limit]] = []
    for limit in policy_set.limits:
        match = limit.match
        if limit.scope != "department" or limit.spend_per_month_eur is None:
            continue
        if match.users or match.roles or match.key_tags:
            continue
        if match.departments and department.lower() not in {d.lower() for d in match.departments}:
            continue
        found.append((limit.spend_per_month_eur, limit))
    if not found:
        return None
    amount, limit = min(found, key=lambda pair: pair[0])
    return Budget(float(amount), limit.id)


@dataclass(frozen=True, slots=True)
class RecordIntegrity:
    chained: bool
    hash_ok: bool = False
    link: str = ""  # "ok", "anchor" (previous link purged), "broken"
    content_ok: bool = True


def check_record(session: Session, row: Interaction) -> RecordIntegrity:
    """Whether one chained record still hashes to its ``hash`` and links to the one before."""
    if row.seq is None or row.hash is None:
        return RecordIntegrity(chained=False)
    values = [getattr(row, name) for name in integrity.INTERACTION_FIELDS]
    hash_ok = integrity.interaction_digest(values) == row.hash
    if not hash_ok and row.decision in ("approved", "rejected"):
        # A reviewer's verdict is the one change made to a chained (held) record.
        values[integrity.INTERACTION_FIELDS.index("decision")] = "held"
        verdict = session.scalar(select(ReviewDecision.action)
                                 .where(ReviewDecision.interaction_id == row.id))
        hash_ok = verdict == row.decision and integrity.interaction_digest(values) == row.hash
    key = session.scalar(select(AuditSubject.key).where(AuditSubject.id == row.subject_id))
    # No key: the person was erased, nothing of theirs can be checked (verify says if the
    # erasure is in the chain).
    content_ok = key is None or record_matches(bytes.fromhex(key), row)
    if row.seq == 1:
        link = "ok" if row.prev_hash == integrity.GENESIS else "broken"
    else:
        previous = session.scalar(select(Interaction.hash).where(Interaction.seq == row.seq - 1))
        if previous is not None:
            link = "ok" if previous == row.prev_hash else "broken"
        else:  # the link before was purged: this record must then hang on the purge anchor
            head = session.get(ChainHead, integrity.INTERACTIONS)
            anchored = (head is not None and head.anchor_seq == row.seq - 1
                        and head.anchor_hash == row.prev_hash)
            link = "anchor" if anchored else "broken"
    return RecordIntegrity(True, hash_ok, link, content_ok)

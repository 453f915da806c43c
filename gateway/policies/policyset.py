"""The loaded, compiled policy set and its cross-file (check-time) validation."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from .compiler import Check, CompiledRule, compile_limit_match, compile_rule
from .context import ContentScan, RequestContext
from .errors import PolicyFileError
from .evaluator import STRENGTH, Decision, evaluate_rules
from .schema import Defaults, Limit, Match, PolicyFile, Rule
from .targets import CatalogueModel, as_models, describe, resolve
from .yamlload import line_for


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """One schema-valid policy file with its raw (line-annotated) data."""

    name: str
    display: str
    raw: Any
    model: PolicyFile


@dataclass(frozen=True, slots=True)
class CompiledLimit:
    """A limit with its source location and compiled ``match``."""

    spec: Limit
    file: str
    line: int | None
    checks: tuple[Check, ...]


class PolicySet:
    """An immutable, compiled set of policy files.

    ``version`` is a short hash of the files' names and contents;
    ``files`` lists their names in evaluation order. ``warnings`` are what a
    ``policy check`` reports without refusing the set (a route without target).
    """

    def __init__(
        self,
        *,
        version: str,
        files: list[str],
        rules: Iterable[CompiledRule],
        defaults: Defaults,
        limits: Iterable[CompiledLimit],
        authorized_tools: tuple[str, ...] | None,
        catalogue: Collection[CatalogueModel] = (),
        warnings: Iterable[PolicyFileError] = (),
    ) -> None:
        self.version = version
        self.files = list(files)
        self.rules: tuple[CompiledRule, ...] = tuple(
            sorted(rules, key=lambda r: (-r.priority, r.order))
        )
        self.defaults = defaults
        self._limits = tuple(limits)
        self.limits: tuple[Limit, ...] = tuple(c.spec for c in self._limits)
        self.authorized_tools = authorized_tools
        self.catalogue = {model.name: model for model in catalogue}
        self.warnings = tuple(warnings)

    def evaluate(self, ctx: RequestContext) -> Decision:
        """Decide what to do with one request (pure, no I/O)."""
        return evaluate_rules(self.rules, self.defaults, self.version, ctx)

    def limits_for(self, ctx: RequestContext) -> list[Limit]:
        """Limits whose ``match`` applies to the requester of ``ctx``."""
        scan = ContentScan(ctx)
        return [c.spec for c in self._limits if all(chk(ctx, scan) for chk in c.checks)]

    def rule(self, rule_id: str) -> CompiledRule | None:
        """Look a rule up by id (for explanations and the CLI)."""
        return next((r for r in self.rules if r.id == rule_id), None)

    def __repr__(self) -> str:
        return f"PolicySet(version={self.version!r}, files={self.files!r}, rules={len(self.rules)})"


def build_policy_set(
    version: str, parsed: list[ParsedFile],
    known_models: Collection[str | CatalogueModel] | None,
) -> tuple[PolicySet | None, list[PolicyFileError]]:
    """Compile schema-valid files and run the cross-file checks."""
    errors: list[PolicyFileError] = []
    warnings: list[PolicyFileError] = []
    models = as_models(known_models) if known_models is not None else None
    defaults = _single_section(parsed, "defaults", errors) or Defaults()
    rules: list[CompiledRule] = []
    seen: dict[str, CompiledRule] = {}
    for pf in parsed:
        for rule, line in _file_rules(pf):
            route_models = _resolve_route(pf, rule, line, models, warnings)
            shadow = (rule.mode or pf.model.mode) == "shadow"
            compiled = compile_rule(
                rule,
                file=pf.display,
                line=line,
                order=len(rules),
                shadow=shadow,
                route_models=route_models,
            )
            if rule.id in seen:
                first = seen[rule.id]
                errors.append(
                    PolicyFileError(
                        pf.display,
                        line,
                        f"identifiant de règle « {rule.id} » déjà utilisé "
                        f"({first.file}:{first.line})",
                    )
                )
            seen.setdefault(rule.id, compiled)
            rules.append(compiled)
    errors.extend(find_contradictions(rules))
    limits = _compile_limits(parsed, errors)
    tools_section = _single_section(parsed, "authorized_tools", errors)
    if errors:
        return None, errors
    tools = tuple(tools_section.tools) if tools_section is not None else None
    return PolicySet(
        version=version,
        files=[p.name for p in parsed],
        rules=rules,
        defaults=defaults,
        limits=limits,
        authorized_tools=tools,
        catalogue=models or (),
        warnings=warnings,
    ), []


def _single_section(parsed: list[ParsedFile], key: str, errors: list[PolicyFileError]) -> Any:
    """A top-level section allowed in one file only (defaults, authorized_tools)."""
    found: tuple[ParsedFile, Any] | None = None
    for pf in parsed:
        section = getattr(pf.model, key)
        if section is None:
            continue
        if found is not None:
            first = found[0]
            errors.append(
                PolicyFileError(
                    pf.display,
                    line_for(pf.raw, (key,)),
                    f"section « {key} » déjà définie dans {first.display}:"
                    f"{line_for(first.raw, (key,))} ; une seule est permise",
                )
            )
        else:
            found = (pf, section)
    return found[1] if found is not None else None


def _file_rules(pf: ParsedFile) -> list[tuple[Rule, int | None]]:
    """Rules of a file, the authorized-tools section first as a synthetic deny."""
    out: list[tuple[Rule, int | None]] = []
    tools = pf.model.authorized_tools
    if tools is not None:
        synthetic = Rule(
            id=tools.id,
            priority=tools.priority,
            mode=tools.mode,
            action="deny",
            message=tools.message
            or (
                "L'outil « {tool} » n'est pas autorisé pour accéder aux modèles d'IA de "
                "l'entreprise (règle « {rule_id} »). Utilisez un outil approuvé ou "
                "demandez son ajout à votre administrateur."
            ),
            unless=Match(tools=tools.tools),
        )
        out.append((synthetic, line_for(pf.raw, ("authorized_tools",))))
    for index, rule in enumerate(pf.model.rules):
        out.append((rule, line_for(pf.raw, ("rules", index))))
    return out


def _resolve_route(
    pf: ParsedFile,
    rule: Rule,
    line: int | None,
    models: list[CatalogueModel] | None,
    warnings: list[PolicyFileError],
) -> dict[str, str]:
    """The rule's target per kind of request; a warning when chat requests have none.

    A missing target never stops the gateway (the company's catalogue may simply have no
    such model): the rule then refuses the requests it would route, saying why.
    """
    if not rule.route_to:
        return {}
    targets = resolve(rule.route_to, models)
    if models is not None and "chat" not in targets:
        index = pf.model.rules.index(rule) if rule in pf.model.rules else None
        where = line_for(pf.raw, ("rules", index, "route_to")) if index is not None else line
        known = ", ".join(f"{m.name} ({m.hosting})" for m in models if m.kind == "chat")
        warnings.append(
            PolicyFileError(
                pf.display,
                where,
                f"règle « {rule.id} » : aucun modèle du catalogue ne convient comme cible "
                f"({describe(rule.route_to)}) ; les requêtes qu'elle redirigerait seront "
                f"refusées (modèles de chat du catalogue : {known or 'aucun'})",
            )
        )
    return targets


def _conditions_key(rule: Rule) -> str:
    """Canonical text of match+unless, so reordered lists compare equal."""

    def canon(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: canon(v) for k, v in value.items() if v not in (None, [], {})}
        if isinstance(value, list):
            return sorted((canon(v) for v in value), key=json.dumps)
        return value

    dumped = {
        "match": rule.match.model_dump(mode="json"),
        "unless": rule.unless.model_dump(mode="json") if rule.unless else None,
    }
    return json.dumps(canon(dumped), sort_keys=True)


def _outcome_of(rule: CompiledRule) -> str | None:
    if rule.action in STRENGTH:
        if rule.action == "route":
            return f"route {describe(rule.source.route_to)}"
        return rule.action
    if rule.action == "log_content":
        return f"log_content {rule.log_content}"
    return None  # redact rules merge; they cannot contradict each other


def find_contradictions(rules: list[CompiledRule]) -> list[PolicyFileError]:
    """Enforced rules with identical conditions but different outcomes.

    With "deny overrides" (and first-match for routes and log levels) one of
    the two could never apply, whatever the priorities: that is dead policy
    and almost always an authoring mistake, so it is rejected.
    """
    errors: list[PolicyFileError] = []
    by_key: dict[tuple[str, bool], CompiledRule] = {}
    for rule in rules:
        outcome = _outcome_of(rule)
        if rule.shadow or outcome is None:
            continue
        key = (_conditions_key(rule.source), rule.action == "log_content")
        first = by_key.setdefault(key, rule)
        if first is not rule and _outcome_of(first) != outcome:
            errors.append(
                PolicyFileError(
                    rule.file,
                    rule.line,
                    f"règle « {rule.id} » contradictoire avec « {first.id} » ({first.file}:"
                    f"{first.line}) : mêmes conditions mais « {_outcome_of(first)} » contre "
                    f"« {outcome} » ; l'une ne s'appliquerait jamais. Changez les conditions "
                    "ou supprimez l'une des deux règles",
                )
            )
    return errors


def _compile_limits(parsed: list[ParsedFile], errors: list[PolicyFileError]) -> list[CompiledLimit]:
    limits: list[CompiledLimit] = []
    seen: dict[str, CompiledLimit] = {}
    for pf in parsed:
        for index, spec in enumerate(pf.model.limits):
            line = line_for(pf.raw, ("limits", index))
            item = CompiledLimit(spec, pf.display, line, compile_limit_match(spec.match))
            if spec.id in seen:
                first = seen[spec.id]
                errors.append(
                    PolicyFileError(
                        pf.display,
                        line,
                        f"identifiant de limite « {spec.id} » déjà utilisé "
                        f"({first.file}:{first.line})",
                    )
                )
            seen.setdefault(spec.id, item)
            limits.append(item)
    return limits

"""Deterministic rule evaluation.

Evaluation order (also documented in ``policies/README.md``):

1. Rules are sorted once at load time by ``priority`` (higher first), then
   by file name, then by position in the file.  Every rule is tested; a
   rule matches when all conditions of ``match`` hold and ``unless`` (if
   any) does not fully hold.
2. Matching rules in ``mode: shadow`` are only reported
   (``shadow_rule_ids`` / ``shadow_actions``: what they *would* have done).
3. Enforced modifiers accumulate from every matching rule:
   ``redact`` maps merge, the strictest action per entity type winning
   (block > mask > pseudonymize; inside one rule a specific entity entry
   beats its ``"*"`` entry); ``log_content`` comes from the first matching
   ``log_content`` rule, else from ``defaults``.
4. The outcome is the strongest decisive action among enforced matches:
   deny > hold > route > allow, whatever the priorities ("deny overrides",
   so a broad allow can never unlock something another rule denies).  A
   ``redact`` rule whose ``block`` hits an entity present in
   ``pii_counts`` counts as a deny.  Among rules with the winning action,
   the first in the order of step 1 decides (its message / route target).
5. No decisive match: ``defaults.action`` (``allow`` unless a file says
   otherwise), still with the accumulated redaction and log level.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .compiler import CompiledRule
from .context import ContentScan, RequestContext
from .schema import Defaults
from .targets import describe, kind_of
from .tools import quote_client

STRENGTH = {"allow": 1, "route": 2, "hold": 3, "deny": 4}
REDACT_STRENGTH = {"pseudonymize": 1, "mask": 2, "block": 3}

DEFAULT_DENY_MESSAGE = (
    "Votre requête a été refusée par la politique d'usage de l'IA de l'entreprise "
    "(règle « {rule_id} »). Contactez votre administrateur si vous pensez qu'il "
    "s'agit d'une erreur."
)
DEFAULT_HOLD_MESSAGE = (
    "Votre requête doit être validée par un responsable avant d'être envoyée "
    "(règle « {rule_id} »)."
)
DEFAULT_BLOCK_MESSAGE = (
    "Votre requête contient des données qui ne doivent pas sortir de l'entreprise "
    "({entities}) (règle « {rule_id} »). Retirez-les ou utilisez un modèle hébergé "
    "en interne."
)
NO_ROUTE_TARGET_MESSAGE = (
    "Cette requête doit être envoyée à {target}, mais aucun modèle de ce type n'est "
    "disponible (règle « {rule_id} »). Rien n'a été envoyé. Prévenez le service "
    "informatique : le catalogue des modèles doit en proposer un."
)
NO_RULE_DENY_MESSAGE = (
    "Aucune règle n'autorise cette requête (politique par défaut : refus). "
    "Contactez votre administrateur."
)
DEFAULTS_RULE_ID = "defaults"


@dataclass(frozen=True, slots=True)
class Decision:
    """Outcome of ``PolicySet.evaluate``.

    ``action`` is one of allow | deny | hold | route; redaction and log
    level are orthogonal and always filled.  ``rule_ids`` lists the enforced
    rules that acted on this request, in evaluation order: the deciding rule,
    redaction rules with something present to redact, the rule that set the
    log level (``matched_rule_ids``: every enforced rule whose conditions
    held). ``deciding_rule_id`` is the one whose action won (None when the
    default applied). Shadow rules are listed when they would have acted.
    """

    action: str
    rule_ids: tuple[str, ...]
    deciding_rule_id: str | None
    shadow_rule_ids: tuple[str, ...]
    shadow_actions: dict[str, str]
    message: str | None
    route_model: str | None
    redaction: dict[str, str]
    log_content: str
    policy_version: str
    blocked_entities: tuple[str, ...] = field(default=())
    matched_rule_ids: tuple[str, ...] = field(default=())

    @property
    def allowed(self) -> bool:
        """True when the request may proceed now (allow or route)."""
        return self.action in ("allow", "route")

    def redaction_for(self, entity: str) -> str | None:
        """Effective redaction action for an entity type (or None)."""
        return self.redaction.get(entity) or self.redaction.get("*")


@dataclass(slots=True)
class _Winner:
    action: str
    rule: CompiledRule
    blocked: tuple[str, ...] = ()


def evaluate_rules(
    rules: Sequence[CompiledRule], defaults: Defaults, version: str, ctx: RequestContext
) -> Decision:
    """Evaluate pre-sorted compiled rules against ``ctx`` (pure function)."""
    scan = ContentScan(ctx)
    matched: list[CompiledRule] = []
    shadow: dict[str, str] = {}
    for rule in rules:
        if rule.matches(ctx, scan):
            if not rule.shadow:
                matched.append(rule)
            elif (would := _would_do(rule, ctx.pii_counts)) is not None:
                shadow[rule.id] = would
    winner = _pick_winner(matched, ctx.pii_counts)
    logging_rule = next((r for r in matched if r.log_content is not None), None)
    log_content = (logging_rule.log_content if logging_rule else None) or defaults.log_content
    action, message, route_model, deciding = _outcome(winner, defaults, ctx)
    acted = [
        r for r in matched
        if r.id == deciding or r is logging_rule or _redacts(r, ctx.pii_counts)
    ]
    return Decision(
        action=action,
        rule_ids=tuple(r.id for r in acted),
        matched_rule_ids=tuple(r.id for r in matched),
        deciding_rule_id=deciding,
        shadow_rule_ids=tuple(shadow),
        shadow_actions=shadow,
        message=message,
        route_model=route_model,
        redaction=merge_redactions(r.redact for r in matched if r.redact),
        log_content=log_content,
        policy_version=version,
        blocked_entities=winner.blocked if winner is not None else (),
    )


def _redacts(rule: CompiledRule, pii_counts: Mapping[str, int]) -> bool:
    """A redaction rule acts when a type it covers was found in the request."""
    return bool(rule.redact) and any(
        n > 0 and rule.redact_action(entity) is not None for entity, n in pii_counts.items()
    )


def _would_do(rule: CompiledRule, pii_counts: Mapping[str, int]) -> str | None:
    """What a shadow rule would have done here; None when it would not have acted."""
    if rule.action == "redact":
        if rule.blocks(pii_counts):
            return "deny"
        return "redact" if _redacts(rule, pii_counts) else None
    return rule.action


def _pick_winner(matched: Sequence[CompiledRule], pii_counts: Mapping[str, int]) -> _Winner | None:
    """Strongest decisive action; ties go to the earliest rule in order."""
    winner: _Winner | None = None
    for rule in matched:
        blocked: tuple[str, ...] = ()
        action = rule.action
        if action == "redact":
            blocked = rule.blocks(pii_counts)
            if not blocked:
                continue
            action = "deny"
        elif action not in STRENGTH:
            continue
        if winner is None or STRENGTH[action] > STRENGTH[winner.action]:
            winner = _Winner(action, rule, tuple(sorted(blocked)))
    return winner


def _outcome(
    winner: _Winner | None, defaults: Defaults, ctx: RequestContext
) -> tuple[str, str | None, str | None, str | None]:
    """(action, message, route_model, deciding rule id) of the decision."""
    if winner is None:
        if defaults.action == "deny":
            template = defaults.message or NO_RULE_DENY_MESSAGE
            return "deny", render_message(template, DEFAULTS_RULE_ID, ctx), None, None
        return "allow", None, None, None
    rule = winner.rule
    if winner.action == "route":
        target = rule.route_models.get(kind_of(ctx.endpoint))
        if target is None:
            template = NO_ROUTE_TARGET_MESSAGE.replace(
                "{target}", describe(rule.source.route_to))
            return "deny", render_message(template, rule, ctx), None, rule.id
        return "route", None, target, rule.id
    if winner.action == "allow":
        return "allow", None, None, rule.id
    if rule.message is not None:
        template = rule.message
    elif winner.blocked:
        template = DEFAULT_BLOCK_MESSAGE.replace("{entities}", ", ".join(winner.blocked))
    else:
        template = DEFAULT_HOLD_MESSAGE if winner.action == "hold" else DEFAULT_DENY_MESSAGE
    return winner.action, render_message(template, rule, ctx), None, rule.id


def render_message(template: str, rule: CompiledRule | str, ctx: RequestContext) -> str:
    """Fill placeholders; always name the rule so the employee can ask about it."""
    rule_id = rule if isinstance(rule, str) else rule.id
    source = "" if isinstance(rule, str) else _source(rule)
    text = template.format(
        rule_id=rule_id,
        tool=ctx.tool,
        model=ctx.model,
        user=ctx.user,
        department=ctx.department,
        client=quote_client(ctx.client),
        source=source,
    )
    if "{rule_id}" not in template:
        text = f"{text} [règle : {rule_id}]"
    return text


def _source(rule: CompiledRule) -> str:
    """Where IT finds the rule: its file's name and line (not the server's path)."""
    name = rule.file.replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}, ligne {rule.line}" if rule.line else name


def merge_redactions(maps: Iterable[Mapping[str, str]]) -> dict[str, str]:
    """Merge per-rule redaction maps, strictest action per entity type."""
    maps = list(maps)
    keys = {k for m in maps for k in m}
    merged: dict[str, str] = {}
    for key in sorted(keys):
        best: str | None = None
        for m in maps:
            act = m.get(key) or (m.get("*") if key != "*" else None)
            if act is not None and (best is None or REDACT_STRENGTH[act] > REDACT_STRENGTH[best]):
                best = act
        if best is not None:
            merged[key] = best
    return merged

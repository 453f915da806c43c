"""The policy and personal-data step of the pipeline, between reading and recording.

For one request: scan its texts for personal data, evaluate the usage policies on who, which
tool, which model and what the content holds, follow a ``route``, refuse a ``deny`` or a
``hold``, and pseudonymize what the decision says before anything is recorded or forwarded.

It is given :class:`gateway.state.GuardServices` (the scan, the running policy set, the
approvals, the budgets, the content vault), built once at start, never the whole state:
``tests/core/test_guard.py`` runs it on its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from gateway.audit.content_crypto import NO_KEY_MARK
from gateway.catalogue import ModelEntry
from gateway.errors import (
    ApprovalRequiredError,
    GatewayError,
    InvalidRequestError,
    PolicyViolationError,
)
from gateway.policies import Decision, PolicySet, RequestContext
from gateway.providers.base import Adapter
from gateway.proxy import scanning
from gateway.proxy.citations import DocumentPositions
from gateway.proxy.exchange import Exchange
from gateway.proxy.fields import RequestView
from gateway.proxy.fields.attachments import NO_FILES, summary
from gateway.proxy.fields.seams import Seam, seams
from gateway.redaction import Action, Finding, Pseudonymizer, RedactionConfig
from gateway.redaction.answers import ANSWER_ENTITIES, AnswerPolicy
from gateway.state import GuardServices

logger = logging.getLogger(__name__)

_ACTIONS = {"pseudonymize": Action.PSEUDONYMIZE, "mask": Action.MASK, "block": Action.BLOCK}


@dataclass(slots=True)
class Cleared:
    """A request the policies let through, ready to be recorded and forwarded."""

    entry: ModelEntry
    adapter: Adapter
    decision: Decision
    # The set that judged it: a fallback is judged by it too, whatever a reload swapped in.
    policy_set: PolicySet
    # Set when values were pseudonymized: the answer must have them put back.
    pseudo: Pseudonymizer | None
    # Set when the policies mask or block identifiers the model writes on its own.
    answer: AnswerPolicy | None = None
    # Set when a Messages request's plain-text documents were redacted: Anthropic's
    # citations count in them as the provider received them.
    documents: DocumentPositions | None = None


def answer_policy(
    decision: Decision, view: RequestView, findings: list[list[Finding]]
) -> AnswerPolicy | None:
    """The answer's treatment of NIRs and card numbers: the request's redaction action for
    the type; values the prompt held (digits read before redaction) are echoes, not new."""
    known = [
        item.text[f.start:f.end] for item, found in zip(view.fields, findings, strict=True)
        for f in found if f.entity_type in ANSWER_ENTITIES
    ]
    actions = {entity: decision.redaction_for(entity) for entity in ANSWER_ENTITIES}
    return AnswerPolicy.from_redaction(actions, known)


def context_for(
    exchange: Exchange, entry: ModelEntry, view: RequestView | None, pii: dict[str, int],
    joined: Sequence[Seam] = (),
) -> RequestContext:
    """What the policies judge: who, which tool and model, and every field of the request
    (and what the model reads across the seams between them: ``joined``)."""
    principal = exchange.principal
    texts = view.texts() if view is not None else []
    return RequestContext(
        user=principal.user,
        department=principal.department,
        role=principal.role,
        key_tags=frozenset(principal.tags),
        tool=exchange.tool,
        client=exchange.client,
        model=entry.name,
        provider=entry.provider,
        hosting=entry.hosting,
        endpoint="embeddings" if entry.kind == "embedding" else "chat",
        stream=exchange.stream,
        tool_names=tuple(view.tool_names) if view is not None else (),
        attachments=summary(view.attachments) if view is not None else NO_FILES,
        estimated_tokens=sum(len(text) for _, text in texts) // 4,
        pii_counts=pii,
        messages=texts + [(role, seam.text) for seam in joined for role in seam.roles]
        if joined else texts,
    )


@dataclass(slots=True)
class _Redacted:
    # None when nothing was replaced: most requests hold no personal data, and building a
    # pseudonymizer (its configuration copied and checked) was then wasted work.
    pseudo: Pseudonymizer | None
    summary: dict[str, int]
    blocked: tuple[str, ...] = ()
    documents: DocumentPositions | None = None


def _redact(
    base: RedactionConfig, view: RequestView, findings: list[list[Finding]],
    actions: dict[str, Action],
) -> _Redacted:
    """Apply ``actions`` (entity type → action) to the request's fields, in place."""
    kept = [[f for f in found if f.entity_type in actions] for found in findings]
    if not any(kept):
        return _Redacted(None, {})
    pseudo = Pseudonymizer(dataclasses.replace(base, actions=actions))
    texts = [f.text for f in view.fields]
    result = pseudo.redact_many(texts, kept)
    documents = DocumentPositions.of(view, texts, result.findings, pseudo) \
        if view.shape == "messages" else None
    view.write(result.texts)
    return _Redacted(pseudo, result.summary, result.blocked, documents)


def _decide(
    services: GuardServices, policy_set: PolicySet, exchange: Exchange, entry: ModelEntry,
    view: RequestView, pii: dict[str, int], joined: list[Seam],
) -> tuple[ModelEntry, Decision, RequestContext]:
    """Evaluate the policies, following one ``route`` and judging the target again."""
    context = context_for(exchange, entry, view, pii, joined)
    decision = policy_set.evaluate(context)
    if decision.action == "route" and decision.route_model and decision.route_model != entry.name:
        target, _ = services.resolve(decision.route_model, entry.kind)
        context = context_for(exchange, target, view, pii, joined)
        second = policy_set.evaluate(context)
        # The target is judged on its own hosting; a second route is not followed.
        routed = dataclasses.replace(
            second,
            action="allow" if second.action == "route" else second.action,
            rule_ids=tuple(dict.fromkeys(decision.rule_ids + second.rule_ids)),
        )
        return target, routed, context
    return entry, decision, context


async def _approval(
    services: GuardServices, exchange: Exchange, decision: Decision
) -> str | None:
    """For a ``hold``: use up a reviewer's approval of this very request, if there is one.

    The whole request body counts (:func:`request_fingerprint`); a route that did not keep
    it on the exchange gets no approval at all rather than one bound to part of it.
    """
    if decision.action != "hold" or exchange.request is None:
        return None
    # Still as sent (redaction rewrites it later): a retry must match exactly.
    try:
        fingerprint = services.approvals.fingerprint(exchange.endpoint, exchange.request)
    except (ValueError, RecursionError) as exc:  # nested deeper than it can be written back
        raise InvalidRequestError("Requête trop imbriquée pour être examinée.") from exc
    approved_by = await services.approvals.consume(exchange.principal.user, fingerprint)
    exchange.fingerprint = None if approved_by else fingerprint
    return approved_by


def what_happens_next(interaction_id: str, approval_ttl_s: float) -> str:
    """What a held request's author reads after the policy's message: who decides, where
    the decision shows, and what to do then."""
    validity = (f"{round(approval_ttl_s / 3600)} h" if approval_ttl_s >= 3600
                else f"{max(1, round(approval_ttl_s / 60))} min")
    return (
        f"Identifiant de la demande : {interaction_id}. Rien n'a été envoyé au modèle. "
        "Un validateur de l'entreprise va l'examiner ; sa décision et son commentaire "
        "s'affichent dans « Mon activité » (/admin/me, connexion avec votre clé). Si elle "
        f"est approuvée, renvoyez exactement la même requête dans les {validity} : elle "
        "passera une fois. Si elle est refusée, le motif y est indiqué."
    )


def _refuse(exchange: Exchange, decision: Decision, held: bool, approval_ttl_s: float) -> None:
    """Raise the refusal the employee sees; the exchange says how to record it."""
    if held:
        exchange.decision = "held"
        raise ApprovalRequiredError(
            f"{decision.message or 'Cette requête doit être validée avant envoi.'} "
            + what_happens_next(exchange.id, approval_ttl_s)
        )
    exchange.decision = "blocked"
    raise PolicyViolationError(
        decision.message or "Requête refusée par la politique d'usage de l'entreprise."
    )


def _seal(
    services: GuardServices, exchange: Exchange, raw_prompt: str, pseudo: Pseudonymizer | None
) -> None:
    """Keep the raw prompt sealed, and what seals the answer once restored (full-encrypted)."""
    exchange.vault = services.vault(exchange.id, raw_prompt, pseudo)
    if exchange.vault is None:  # no GATEWAY_CONTENT_KEY: redacted only, and the record says so
        exchange.rule_ids.append(NO_KEY_MARK)


async def _admit(
    services: GuardServices, policy_set: PolicySet, exchange: Exchange, context: RequestContext
) -> None:
    """Count the request against its budgets and rate limits (429 when over)."""
    try:
        exchange.charges = await services.admit(policy_set, context)
    except GatewayError:
        exchange.decision = "blocked"
        exchange.rule_ids += [limit.id for limit in policy_set.limits_for(context)]
        raise
    exchange.rule_ids += exchange.charges.rule_ids


async def clear(services: GuardServices, exchange: Exchange, view: RequestView) -> Cleared:
    """Run the policies and redaction on a request whose model is ``exchange.entry``.

    Every field of ``view`` is scanned, judged and rewritten in place; the recorded prompt
    is the view's record once rewritten. Raises the policy's refusal after filling the
    exchange, so the error handler records a blocked or held request with a prompt that
    holds no raw values.
    """
    assert exchange.entry is not None
    # One set for the whole request, whatever a reload swaps in meanwhile.
    policy_set = services.policies()
    if view.unread():  # a PDF's or a picture's text, read off the loop before the scan
        await asyncio.to_thread(view.read_attachments, services.ocr)
    findings = await scanning.scan(services, view)
    joined = seams(view.fields)
    halves = await scanning.scan_seams(services, view, joined, findings) \
        if joined else Counter()
    in_ids = scanning.set_aside_opaque(view, findings)
    pii = dict(Counter(f.entity_type for found in findings for f in found) - halves)
    entry, decision, context = _decide(
        services, policy_set, exchange, exchange.entry, view, pii, joined)
    if in_ids and scanning.blocked_in_ids(decision, in_ids, findings):
        pii = dict(Counter(f.entity_type for found in findings for f in found) - halves)
        entry, decision, context = _decide(
            services, policy_set, exchange, exchange.entry, view, pii, joined)
    answer = answer_policy(decision, view, findings)
    exchange.entry = entry
    exchange.pii_findings = pii
    exchange.policy_version = decision.policy_version
    exchange.rule_ids = [*decision.rule_ids, *(f"shadow:{r}" for r in decision.shadow_rule_ids)]
    exchange.store_content = decision.log_content != "none"
    # As sent, before redaction rewrites it: full-encrypted keeps the prompt as written.
    as_sent = view.prompt()
    approved_by = await _approval(services, exchange, decision)

    held = decision.action == "hold" and approved_by is None
    refused = held or decision.action == "deny" or bool(decision.blocked_entities)
    actions = {
        entity: _ACTIONS[action] for entity in pii
        if (action := decision.redaction_for(entity)) in _ACTIONS
    }
    if refused:
        # What is kept of a refused request must not hold the values either.
        actions = dict.fromkeys(pii, Action.MASK)
    base = services.scanner.config if services.scanner is not None else RedactionConfig()
    # -- log_content: full-encrypted: the prompt as written, read before redaction rewrites it.
    raw_prompt = as_sent if decision.log_content == "full-encrypted" else None
    # A PDF is rewritten from its redacted text (fpdf2): off the loop too.
    redacted = await asyncio.to_thread(_redact, base, view, findings, actions) \
        if view.attachments and any(item.readable for item in view.attachments) \
        else _redact(base, view, findings, actions)
    pseudo, replaced = redacted.pseudo, redacted.summary
    if raw_prompt is not None:
        _seal(services, exchange, raw_prompt, pseudo if replaced else None)
    # -- end full-encrypted
    exchange.redactions = replaced
    exchange.prompt = view.prompt()
    if refused or redacted.blocked:
        _refuse(exchange, decision, held, services.approval_ttl_s)

    await _admit(services, policy_set, exchange, context)
    if approved_by is not None:
        # The approved retry of a held request: the record names the approval it used.
        exchange.decision = "approved"
        exchange.rule_ids.append(f"approval:{approved_by}")
    else:
        exchange.decision = "redacted" if replaced else "allowed"
    uses_placeholders = any(action is Action.PSEUDONYMIZE for action in actions.values())
    return Cleared(
        entry, services.adapters[entry.name], decision, policy_set,
        pseudo if replaced and uses_placeholders else None, answer, redacted.documents,
    )


def fallback_allowed(
    exchange: Exchange, cleared: Cleared, target: ModelEntry, view: RequestView
) -> bool:
    """Whether the policies treat ``target`` exactly as the model they cleared.

    The catalogue already limits fallbacks to the same or stricter hosting; here the
    policies must also allow the target outright (no hold, route or block) with the same
    redaction of every type found and the same logging, so what was already redacted and
    recorded stays right. Budgets and rate limits were counted on the requested model.
    """
    decision = cleared.policy_set.evaluate(
        context_for(exchange, target, view, exchange.pii_findings))
    first = cleared.decision
    return (
        decision.action == "allow"
        and not decision.blocked_entities
        and decision.log_content == first.log_content
        and all(
            decision.redaction_for(entity) == first.redaction_for(entity)
            for entity in exchange.pii_findings
        )
    )


def usable_models(
    services: GuardServices, entries: Iterable[ModelEntry], exchange: Exchange
) -> list[ModelEntry]:
    """Catalogue entries the policies would not refuse this caller outright.

    Judged without content: a model is listed unless who and which tool already make every
    request to it a ``deny``.
    """
    policy_set = services.policies()
    return [
        entry for entry in entries
        if policy_set.evaluate(context_for(exchange, entry, None, {})).action != "deny"
    ]

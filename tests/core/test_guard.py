"""The guard on its own: decisions and rewritten fields, without a gateway around it.

It is given :class:`gateway.state.GuardServices` and nothing else: here the real personal-data
scan and a real policy set, with light fakes for what needs a database (approvals) or
counters (budgets). Each test states what the guard decided and what it wrote into the
request and the exchange, not only that it ran.
"""

from __future__ import annotations

import pathlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

import pytest

from gateway.catalogue import Catalogue, ModelEntry
from gateway.errors import (
    ApprovalRequiredError,
    InvalidRequestError,
    ModelNotFoundError,
    PolicyViolationError,
    RateLimitedError,
    RedactionUnavailableError,
)
from gateway.limits.enforcer import Charges
from gateway.policies import PolicySet, RequestContext, check_directory
from gateway.principal import Principal
from gateway.providers.base import Adapter
from gateway.proxy import guard
from gateway.proxy.exchange import Exchange
from gateway.proxy.fields import RequestView, view_of
from gateway.redaction import Finding, RedactionConfig, RedactionService
from gateway.review.service import request_fingerprint
from gateway.state import GuardServices

POLICIES = """
defaults: {action: allow, log_content: redacted}
rules:
  - id: pseudo
    match: {hosting: [eu, us]}
    action: redact
    redact: {"*": pseudonymize, EMAIL_ADDRESS: mask}
  - id: bloquer-nir
    match: {hosting: [eu, us]}
    action: redact
    redact: {FR_NIR: block}
  - id: confidentiel
    match: {content: {keywords: [CONFIDENTIEL], case_sensitive: true}}
    action: hold
    message: "Validation requise."
  - id: interdit
    match: {content: {keywords: [INTERDIT], case_sensitive: true}}
    action: deny
    message: "Sujet interdit."
  - id: rh-ue
    match: {departments: [rh], hosting: [us]}
    action: route
    route_to: [mistral-small]
"""
CATALOGUE = Catalogue([
    ModelEntry(name="gpt-test", provider="openai", hosting="us"),
    ModelEntry(name="mistral-small", provider="mistral", hosting="eu"),
    ModelEntry(name="local", provider="ollama", hosting="on_prem"),
])
# The guard only hands the adapter on: a distinct object per model is enough to tell which.
ADAPTERS = {entry.name: cast(Adapter, object()) for entry in CATALOGUE.entries}
NAME, EMAIL = "Jean Dupont", "jean.dupont@exemple.fr"
SECRET = b"guard-test-secret"


def nir() -> str:
    body = "1850578006084"
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} " \
           f"{97 - int(body) % 97:02d}"


class FakeApprovals:
    """Approvals a reviewer granted, by (user, fingerprint); each used once."""

    def __init__(self) -> None:
        self.granted: dict[tuple[str, str], str] = {}

    def fingerprint(self, endpoint: str, request: Mapping[str, Any]) -> str:
        return request_fingerprint(endpoint, request, SECRET)

    async def consume(self, user: str, fingerprint: str) -> str | None:
        return self.granted.pop((user, fingerprint), None)


class Budgets:
    """Admission that counts what it admitted, or refuses like a budget over its limit."""

    def __init__(self) -> None:
        self.admitted: list[RequestContext] = []
        self.over = False

    async def admit(self, policy_set: PolicySet, context: RequestContext) -> Charges:
        if self.over:
            raise RateLimitedError("Limite atteinte.")
        self.admitted.append(context)
        return Charges(rule_ids=["budget-test"])


class BrokenScanner:
    """A scan that fails (a crashed worker, a model that would not load)."""

    config = RedactionConfig()

    async def analyze_batch_async(self, texts: Sequence[str]) -> list[list[Finding]]:
        raise RuntimeError("scan crashed")


@pytest.fixture(scope="module")
def scanner() -> Iterator[RedactionService]:
    service = RedactionService()
    yield service
    service.close()


@pytest.fixture(scope="module")
def policy_set(tmp_path_factory: pytest.TempPathFactory) -> PolicySet:
    folder: pathlib.Path = tmp_path_factory.mktemp("policies")
    (folder / "p.yaml").write_text(POLICIES, encoding="utf-8")
    loaded, errors = check_directory(folder, CATALOGUE.for_policies())
    assert not errors and loaded is not None, [str(e) for e in errors]
    return loaded


def resolve(name: str, kind: str) -> tuple[ModelEntry, Adapter]:
    entry = CATALOGUE.get(name)
    if entry is None:
        raise ModelNotFoundError(name)
    return entry, ADAPTERS[name]


class Harness:
    """The guard's services, and a request to put through it."""

    def __init__(self, policy_set: PolicySet, scanner: Any) -> None:
        self.policy_set = policy_set
        self.approvals = FakeApprovals()
        self.budgets = Budgets()
        self.services = GuardServices(
            policies=lambda: self.policy_set,
            resolve=resolve,
            adapters=ADAPTERS,
            scanner=scanner,
            approvals=self.approvals,
            admit=self.budgets.admit,
            vault=lambda interaction_id, raw, pseudo: None,
            approval_ttl_s=3600,
        )

    def request(
        self, text: str, model: str = "gpt-test", department: str = "compta"
    ) -> tuple[Exchange, RequestView, dict[str, Any]]:
        body: dict[str, Any] = {"model": model, "messages": [{"role": "user", "content": text}]}
        exchange = Exchange(
            id="interaction-1",
            principal=Principal(key_id="k1", user="alice@exemple.fr", department=department,
                                role="employee"),
            tool="curl", endpoint="/v1/chat/completions", model=model,
            entry=CATALOGUE.get(model), request=body,
        )
        return exchange, view_of("chat", body), body

    async def clear(self, exchange: Exchange, view: RequestView) -> guard.Cleared:
        return await guard.clear(self.services, exchange, view)


@pytest.fixture
def harness(policy_set: PolicySet, scanner: RedactionService) -> Harness:
    return Harness(policy_set, scanner)


def sent(body: dict[str, Any]) -> str:
    return str(body["messages"][0]["content"])


async def test_a_clean_request_is_allowed_untouched(harness: Harness) -> None:
    exchange, view, body = harness.request("Quelle est la capitale de la France ?")
    cleared = await harness.clear(exchange, view)
    assert exchange.decision == "allowed"
    assert (cleared.entry.name, cleared.adapter) == ("gpt-test", ADAPTERS["gpt-test"])
    assert cleared.pseudo is None and exchange.redactions == {}
    assert sent(body) == "Quelle est la capitale de la France ?"
    assert exchange.prompt is not None and "capitale" in exchange.prompt
    # Counted against budgets, and the record names the budget's rule.
    assert len(harness.budgets.admitted) == 1 and "budget-test" in exchange.rule_ids


async def test_personal_data_is_pseudonymized_and_masked_before_forwarding(
    harness: Harness,
) -> None:
    exchange, view, body = harness.request(f"Écris à {NAME} ({EMAIL}) pour son contrat.")
    cleared = await harness.clear(exchange, view)
    text = sent(body)
    assert NAME not in text and EMAIL not in text
    assert "<PERSON_1>" in text and "<EMAIL_ADDRESS>" in text  # the email masked: not put back
    assert exchange.decision == "redacted" and "pseudo" in exchange.rule_ids
    assert exchange.redactions.get("PERSON") == 1 and exchange.redactions.get("EMAIL_ADDRESS") == 1
    assert exchange.pii_findings.get("PERSON") == 1
    # The recorded prompt is what the provider sees; the answer gets the name back.
    assert exchange.prompt is not None and NAME not in exchange.prompt
    assert cleared.pseudo is not None
    assert NAME in cleared.pseudo.restore(text)


async def test_a_blocked_identifier_refuses_the_request_and_keeps_no_value(
    harness: Harness,
) -> None:
    exchange, view, body = harness.request(f"Le NIR de {NAME} est {nir()}.")
    with pytest.raises(PolicyViolationError) as refused:
        await harness.clear(exchange, view)
    assert "bloquer-nir" in refused.value.message
    assert exchange.decision == "blocked" and "bloquer-nir" in exchange.rule_ids
    # What is kept of a refused request is masked, every type, pseudonymized ones included.
    assert exchange.prompt is not None
    assert nir() not in exchange.prompt and NAME not in exchange.prompt
    assert "<FR_NIR>" in exchange.prompt and nir() not in sent(body)
    # Masked, not numbered: a refused request keeps no placeholder that maps back to a value.
    assert "<PERSON>" in exchange.prompt and "<PERSON_1>" not in exchange.prompt
    assert harness.budgets.admitted == []  # a refused request uses no budget


async def test_a_deny_rule_refuses_with_its_message(harness: Harness) -> None:
    exchange, view, _ = harness.request("Un sujet INTERDIT ici.")
    with pytest.raises(PolicyViolationError, match="Sujet interdit"):
        await harness.clear(exchange, view)
    assert exchange.decision == "blocked" and "interdit" in exchange.rule_ids


async def test_a_hold_waits_for_approval_then_passes_once(harness: Harness) -> None:
    exchange, view, _ = harness.request("Document CONFIDENTIEL à résumer.")
    with pytest.raises(ApprovalRequiredError) as held:
        await harness.clear(exchange, view)
    assert exchange.decision == "held" and "confidentiel" in exchange.rule_ids
    assert "interaction-1" in held.value.message  # the author can follow it
    # The record keeps the fingerprint a reviewer's approval will be bound to.
    fingerprint = exchange.fingerprint
    assert fingerprint is not None

    harness.approvals.granted[("alice@exemple.fr", fingerprint)] = "held-1"
    retry, view, _ = harness.request("Document CONFIDENTIEL à résumer.")
    cleared = await harness.clear(retry, view)
    assert cleared.entry.name == "gpt-test"
    assert retry.decision == "approved" and "approval:held-1" in retry.rule_ids
    assert retry.fingerprint is None
    # Used up: the same request again is held again.
    again, view, _ = harness.request("Document CONFIDENTIEL à résumer.")
    with pytest.raises(ApprovalRequiredError):
        await harness.clear(again, view)


async def test_an_approval_covers_only_the_request_the_reviewer_saw(harness: Harness) -> None:
    exchange, view, _ = harness.request("Document CONFIDENTIEL à résumer.")
    with pytest.raises(ApprovalRequiredError):
        await harness.clear(exchange, view)
    assert exchange.fingerprint is not None
    harness.approvals.granted[("alice@exemple.fr", exchange.fingerprint)] = "held-1"
    other, view, _ = harness.request("Document CONFIDENTIEL à résumer, et à publier.")
    with pytest.raises(ApprovalRequiredError):
        await harness.clear(other, view)


async def test_a_route_sends_the_request_to_the_target_judged_on_its_own(
    harness: Harness,
) -> None:
    exchange, view, body = harness.request(f"Dossier de {NAME}.", department="rh")
    cleared = await harness.clear(exchange, view)
    assert (cleared.entry.name, cleared.adapter) == ("mistral-small", ADAPTERS["mistral-small"])
    assert exchange.entry is not None and exchange.entry.name == "mistral-small"
    assert "rh-ue" in exchange.rule_ids
    # The EU target still gets the pseudonymization of its own hosting.
    assert NAME not in sent(body) and exchange.decision == "redacted"
    # What the budgets counted is the target, not the model asked for.
    assert harness.budgets.admitted[0].model == "mistral-small"


async def test_an_on_prem_model_gets_the_text_as_written(harness: Harness) -> None:
    exchange, view, body = harness.request(f"Dossier de {NAME}.", model="local")
    cleared = await harness.clear(exchange, view)
    assert cleared.entry.name == "local" and exchange.decision == "allowed"
    assert NAME in sent(body) and cleared.pseudo is None
    assert exchange.pii_findings.get("PERSON") == 1  # found, and recorded as found


async def test_a_failed_scan_fails_closed(policy_set: PolicySet) -> None:
    harness = Harness(policy_set, BrokenScanner())
    exchange, view, body = harness.request(f"Écris à {NAME} ({EMAIL}).")
    with pytest.raises(RedactionUnavailableError):
        await harness.clear(exchange, view)
    # Nothing judged, nothing admitted, nothing rewritten to be forwarded.
    assert exchange.policy_version is None and harness.budgets.admitted == []
    assert sent(body) == f"Écris à {NAME} ({EMAIL})."


async def test_over_budget_is_refused_and_recorded_as_blocked(harness: Harness) -> None:
    harness.budgets.over = True
    exchange, view, _ = harness.request("Bonjour")
    with pytest.raises(RateLimitedError):
        await harness.clear(exchange, view)
    assert exchange.decision == "blocked"


async def test_a_route_to_an_unknown_model_is_an_error_not_a_pass(harness: Harness) -> None:
    def unknown(name: str, kind: str) -> tuple[ModelEntry, Adapter]:
        raise ModelNotFoundError(f"{name} retiré du catalogue")

    services = harness.services
    harness.services = GuardServices(
        policies=services.policies, resolve=unknown, adapters=services.adapters,
        scanner=services.scanner, approvals=services.approvals, admit=services.admit,
        vault=services.vault, approval_ttl_s=services.approval_ttl_s,
    )
    exchange, view, _ = harness.request("Bonjour", department="rh")
    with pytest.raises(ModelNotFoundError):
        await harness.clear(exchange, view)
    assert harness.budgets.admitted == []


async def test_each_request_is_judged_by_the_running_policy_set(
    harness: Harness, tmp_path: pathlib.Path
) -> None:
    (tmp_path / "p.yaml").write_text(
        "rules:\n  - id: tout-refuser\n    action: deny\n    message: Fermé.\n", "utf-8")
    reloaded, errors = check_directory(tmp_path, CATALOGUE.for_policies())
    assert not errors and reloaded is not None
    harness.policy_set = reloaded  # what a reload does between two requests
    exchange, view, _ = harness.request("Bonjour")
    with pytest.raises(PolicyViolationError, match="Fermé"):
        await harness.clear(exchange, view)
    assert exchange.policy_version == reloaded.version


async def test_usable_models_leaves_out_what_is_always_refused(
    harness: Harness, tmp_path: pathlib.Path
) -> None:
    (tmp_path / "p.yaml").write_text(
        "rules:\n  - id: pas-us\n    match: {hosting: [us]}\n    action: deny\n", "utf-8")
    loaded, errors = check_directory(tmp_path, CATALOGUE.for_policies())
    assert not errors and loaded is not None
    harness.policy_set = loaded
    exchange, _, _ = harness.request("")
    names = [e.name for e in guard.usable_models(harness.services, CATALOGUE.entries, exchange)]
    assert names == ["mistral-small", "local"]


async def test_a_request_too_nested_to_fingerprint_is_a_bad_request(harness: Harness) -> None:
    exchange, view, _ = harness.request("Document CONFIDENTIEL.")
    nested: dict[str, Any] = {}
    for _ in range(2000):
        nested = {"a": nested}
    assert exchange.request is not None
    exchange.request["metadata"] = nested
    with pytest.raises(InvalidRequestError):
        await harness.clear(exchange, view)


async def test_a_fallback_is_judged_by_the_set_that_cleared_the_request(
    harness: Harness, tmp_path: pathlib.Path
) -> None:
    """A reload while the request is in flight changes nothing for it: its fallback is
    judged like the model it asked for, by the policies that judged that model."""
    exchange, view, _ = harness.request("Bonjour")
    cleared = await harness.clear(exchange, view)
    mistral = CATALOGUE.get("mistral-small")
    assert mistral is not None
    (tmp_path / "p.yaml").write_text(
        "rules:\n  - id: tout-refuser\n    action: deny\n    message: Fermé.\n", "utf-8")
    reloaded, errors = check_directory(tmp_path, CATALOGUE.for_policies())
    assert not errors and reloaded is not None
    harness.policy_set = reloaded  # the reload, after the request was cleared
    context = guard.context_for(exchange, mistral, view, exchange.pii_findings)
    assert reloaded.evaluate(context).action == "deny"
    assert cleared.policy_set is not reloaded
    assert guard.fallback_allowed(exchange, cleared, mistral, view)

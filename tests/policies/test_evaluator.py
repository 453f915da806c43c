"""Evaluator: each action, combination order, shadow mode, content matching."""

from __future__ import annotations

import pathlib
from dataclasses import replace
from typing import Any

from ._helpers import ctx, load

BASE = """
rules:
  - id: pseudo
    priority: 10
    match: {hosting: [eu, us]}
    action: redact
    redact: {"*": pseudonymize, EMAIL_ADDRESS: mask}
  - id: bloquer-nir
    priority: 5
    match: {hosting: [eu, us]}
    action: redact
    redact: {FR_NIR: block}
  - id: confidentiel
    match:
      content: {keywords: [CONFIDENTIEL], case_sensitive: true, roles: [user]}
    action: hold
    message: "Validation requise ({rule_id})."
  - id: rh-ue
    priority: 50
    match: {departments: [rh], hosting: [us]}
    action: route
    route_to: [mistral-small]
  - id: pas-de-paiement
    match: {key_tags: [stagiaire], function_tools: ["*pay*"]}
    action: deny
    message: "Pas de paiement pour {user}."
  - id: journal
    match: {models: ["gpt-4*"]}
    action: log_content
    log_content: none
"""


def test_allow_with_redaction_and_default_log(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(ctx(model="claude-3", pii_counts={"PERSON": 1}))
    assert d.action == "allow"
    assert d.deciding_rule_id is None
    # Both rules apply to this model, but only the pseudonymization had something to do.
    assert d.rule_ids == ("pseudo",)
    assert d.matched_rule_ids == ("pseudo", "bloquer-nir")
    assert d.redaction == {"*": "pseudonymize", "EMAIL_ADDRESS": "mask", "FR_NIR": "block"}
    assert d.redaction_for("PERSON") == "pseudonymize"
    assert d.log_content == "redacted"
    assert d.policy_version == ps.version
    assert d.message is None


def test_on_prem_gets_no_redaction(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(ctx(model="echo", hosting="on_prem", pii_counts={"FR_NIR": 2}))
    assert (d.action, d.redaction, d.rule_ids) == ("allow", {}, ())


def test_block_of_present_entity_is_a_deny(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(ctx(pii_counts={"FR_NIR": 1, "PERSON": 0}))
    assert d.action == "deny"
    assert d.deciding_rule_id == "bloquer-nir"
    assert d.blocked_entities == ("FR_NIR",)
    assert d.message is not None and "FR_NIR" in d.message and "bloquer-nir" in d.message


def test_hold_with_author_message(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(
        ctx(
            model="echo",
            hosting="on_prem",
            messages=[("system", "x"), ("user", "Doc CONFIDENTIEL")],
        )
    )
    assert (d.action, d.deciding_rule_id) == ("hold", "confidentiel")
    assert d.message == "Validation requise (confidentiel)."


def test_content_roles_and_case(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    only_system = ctx(messages=[("system", "CONFIDENTIEL"), ("user", "bonjour")])
    lowercase = ctx(messages=[("user", "c'est confidentiel")])
    assert ps.evaluate(only_system).action == "allow"
    assert ps.evaluate(lowercase).action == "allow"


def test_route(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(ctx(department="RH"))
    assert (d.action, d.route_model, d.deciding_rule_id) == ("route", "mistral-small", "rh-ue")
    assert d.allowed
    assert ps.evaluate(ctx(department="rh", hosting="eu")).action == "allow"


def test_deny_names_rule_and_fills_placeholders(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(ctx(key_tags=frozenset({"stagiaire"}), tool_names=("search", "create_payment")))
    assert d.action == "deny"
    assert d.message == "Pas de paiement pour alice@exemple.fr. [règle : pas-de-paiement]"
    assert ps.evaluate(ctx(key_tags=frozenset({"stagiaire"}), tool_names=("search",))).allowed


def test_function_tools_except_is_an_allow_list(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": """
rules:
  - id: lecture-seule
    match: {key_tags: [stagiaire], function_tools_except: ["search*", "get_*"]}
    action: deny
"""})
    intern = frozenset({"stagiaire"})
    # Any tool outside the list, whatever its name: one is enough.
    for tools in (("search", "envoyer_mail"), ("sendMail",), ("mail_send", "get_weather")):
        assert ps.evaluate(ctx(key_tags=intern, tool_names=tools)).action == "deny", tools
    # Names compare folded, as for function_tools; no tool at all is nothing outside.
    for tools in (("search_docs", "getWeather", "GET-USER"), ()):
        assert ps.evaluate(ctx(key_tags=intern, tool_names=tools)).allowed, tools


def test_deny_overrides_hold_and_route_whatever_priority(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    d = ps.evaluate(
        ctx(
            department="rh",
            key_tags=frozenset({"stagiaire"}),
            tool_names=("pay",),
            messages=[("user", "CONFIDENTIEL")],
        )
    )
    assert d.action == "deny"
    assert set(d.matched_rule_ids) >= {"rh-ue", "confidentiel", "pas-de-paiement"}
    # Only the rule that decided acted: the hold and the route it overrode did not.
    assert d.deciding_rule_id in d.rule_ids
    assert not {"rh-ue", "confidentiel"} & set(d.rule_ids)
    d2 = ps.evaluate(ctx(department="rh", messages=[("user", "CONFIDENTIEL")]))
    assert d2.action == "hold"


def test_log_content_rule(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": BASE})
    assert ps.evaluate(ctx(model="gpt-4o")).log_content == "none"
    assert ps.evaluate(ctx(model="gpt-3.5")).log_content == "redacted"


def test_priority_picks_first_rule_of_winning_action(tmp_path: pathlib.Path) -> None:
    ps = load(
        tmp_path,
        {
            "a.yaml": """
        rules:
          - id: bas
            priority: 1
            action: deny
            message: bas
          - id: haut
            priority: 9
            match: {models: ["gpt-*"]}
            action: deny
            message: haut
        """,
            "b.yaml": """
        rules:
          - id: meme-prio-fichier-b
            priority: 9
            match: {providers: [openai]}
            action: deny
            message: b
        """,
        },
    )
    assert ps.evaluate(ctx()).deciding_rule_id == "haut"
    assert ps.evaluate(ctx(model="o1")).deciding_rule_id == "meme-prio-fichier-b"
    assert ps.evaluate(ctx(model="o1", provider="x")).deciding_rule_id == "bas"


def test_unless_and_defaults_deny(tmp_path: pathlib.Path) -> None:
    ps = load(
        tmp_path,
        {
            "p.yaml": """
    defaults: {action: deny, message: "Rien n'est autorisé par défaut."}
    rules:
      - id: modeles-internes
        match: {hosting: on_prem}
        unless: {roles: [auditor]}
        action: allow
    """
        },
    )
    assert ps.evaluate(ctx(hosting="on_prem")).action == "allow"
    denied = ps.evaluate(ctx(hosting="on_prem", role="auditor"))
    assert denied.action == "deny"
    assert denied.deciding_rule_id is None
    assert denied.message == "Rien n'est autorisé par défaut. [règle : defaults]"


def test_authorized_tools_section(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": "authorized_tools:\n  tools: [open-webui, continue]\n"})
    assert ps.authorized_tools == ("open-webui", "continue")
    assert ps.evaluate(ctx(tool="continue")).action == "allow"
    d = ps.evaluate(ctx(tool="curl"))
    assert (d.action, d.deciding_rule_id) == ("deny", "outils-autorises")
    assert d.message is not None and "« curl »" in d.message


def test_shadow_rule_and_shadow_file(tmp_path: pathlib.Path) -> None:
    ps = load(
        tmp_path,
        {
            "a.yaml": """
        rules:
          - id: essai-refus
            mode: shadow
            match: {models: ["gpt-*"]}
            action: deny
          - id: essai-blocage
            mode: shadow
            action: redact
            redact: {FR_NIR: block}
        """,
            "b.yaml": """
        mode: shadow
        rules:
          - id: essai-validation
            action: hold
        """,
        },
    )
    d = ps.evaluate(ctx(pii_counts={"FR_NIR": 1}))
    assert d.action == "allow"
    assert d.rule_ids == ()
    assert d.redaction == {}
    assert d.shadow_rule_ids == ("essai-refus", "essai-blocage", "essai-validation")
    assert d.shadow_actions == {
        "essai-refus": "deny",
        "essai-blocage": "deny",
        "essai-validation": "hold",
    }


def test_other_conditions(tmp_path: pathlib.Path) -> None:
    ps = load(
        tmp_path,
        {
            "p.yaml": """
    rules:
      - id: gros-flux
        match:
          users: ["*@exemple.fr"]
          roles: [employee]
          endpoints: [chat]
          stream: true
          min_tokens: 100
          max_tokens: 1000
          pii: ["*"]
          content: {regex: ['\\bdevis\\s+n°\\s*\\d+'], whole_word: false}
        action: hold
    """
        },
    )
    hit = ctx(
        stream=True,
        estimated_tokens=500,
        pii_counts={"PERSON": 1},
        messages=[("user", "Voici le DEVIS n° 42")],
    )
    assert ps.evaluate(hit).action == "hold"
    changes: list[dict[str, Any]] = [
        {"stream": False},
        {"estimated_tokens": 5000},
        {"pii_counts": {}},
        {"endpoint": "embeddings"},
        {"user": "x@autre.fr"},
        {"role": "admin"},
        {"messages": [("user", "rien")]},
    ]
    for change in changes:
        assert ps.evaluate(replace(hit, **change)).action == "allow", change


def test_attachments_match_any_kind_listed(tmp_path: pathlib.Path) -> None:
    ps = load(tmp_path, {"p.yaml": """
rules:
  - id: illisibles
    match: {attachments: [unreadable, video]}
    action: hold
    message: "Pièce jointe à valider ({rule_id})."
"""})
    assert ps.evaluate(ctx(attachments=frozenset({"image", "unreadable"}))).action == "hold"
    assert ps.evaluate(ctx(attachments=frozenset({"video"}))).action == "hold"
    assert ps.evaluate(ctx(attachments=frozenset({"pdf"}))).action == "allow"
    assert ps.evaluate(ctx()).action == "allow"

"""Loader: bundled set, versioning, and every kind of check-time error."""

from __future__ import annotations

import pathlib
import time

import pytest

from gateway.catalogue import load_catalogue
from gateway.policies import CatalogueModel, PolicyFileError, load_policy_set

from ._helpers import BUNDLED, ROOT, ctx, errors_of, load, write_policies

RULE_OK = """
rules:
  - id: r1
    action: deny
    message: "non"
"""


def test_bundled_set_loads_with_and_without_catalogue() -> None:
    plain = load_policy_set(BUNDLED)
    embedded = load_policy_set(BUNDLED, known_models=load_catalogue(None).for_policies())
    example = load_policy_set(
        BUNDLED, known_models=load_catalogue(ROOT / "models.example.yaml").for_policies())
    assert plain.version == embedded.version == example.version
    assert len(plain.version) == 12
    assert "cases.yaml" not in plain.files
    assert plain.files == sorted(plain.files)
    hr = "rh-modeles-ue-uniquement"
    # The HR route names no model: each catalogue gives its first EU or on-prem chat model.
    assert plain.rule(hr).route_models == {}  # type: ignore[union-attr]
    assert embedded.rule(hr).route_models == {"chat": "echo", "embedding": "echo-embedding"}  # type: ignore[union-attr]
    assert example.rule(hr).route_models == {"chat": "mistral-small", "embedding": "embeddings"}  # type: ignore[union-attr]
    assert not embedded.warnings and not example.warnings


def test_bundled_set_starts_with_a_catalogue_of_one_openai_model(tmp_path: pathlib.Path) -> None:
    """No EU model to route HR to: a warning, not a refusal to start."""
    catalogue = tmp_path / "models.yaml"
    catalogue.write_text("models:\n  - {name: gpt-4o, provider: openai, hosting: us}\n")
    policy_set = load_policy_set(BUNDLED, known_models=load_catalogue(catalogue).for_policies())
    [warning] = policy_set.warnings
    assert warning.file.endswith("20-services.yaml") and warning.line
    assert "rh-modeles-ue-uniquement" in warning.reason and "gpt-4o (us)" in warning.reason
    decision = policy_set.evaluate(ctx(department="rh", model="gpt-4o", hosting="us"))
    assert decision.action == "deny"
    assert decision.deciding_rule_id == "rh-modeles-ue-uniquement"
    assert decision.message is not None
    assert "aucun modèle de ce type n'est disponible" in decision.message
    assert "hébergé dans l'UE ou en interne" in decision.message


def test_version_is_stable_and_tracks_content(tmp_path: pathlib.Path) -> None:
    a = load(tmp_path / "a", {"x.yaml": RULE_OK})
    b = load(tmp_path / "b", {"x.yaml": RULE_OK})
    c = load(tmp_path / "c", {"y.yaml": RULE_OK})
    d = load(tmp_path / "d", {"x.yaml": RULE_OK + "description: autre\n"})
    assert a.version == b.version
    assert len({a.version, c.version, d.version}) == 3


def test_error_str_format() -> None:
    err = PolicyFileError("policies/x.yaml", 12, "raison")
    assert str(err) == "policies/x.yaml:12: raison"
    assert (err.file, err.line, err.reason) == ("policies/x.yaml", 12, "raison")
    assert str(PolicyFileError("policies", None, "vide")) == "policies: vide"


def test_missing_and_empty_directory(tmp_path: pathlib.Path) -> None:
    with pytest.raises(PolicyFileError, match="introuvable"):
        load_policy_set(tmp_path / "absent")
    (tmp_path / "vide").mkdir()
    with pytest.raises(PolicyFileError, match="aucun fichier"):
        load_policy_set(tmp_path / "vide")


def test_invalid_yaml_gives_line(tmp_path: pathlib.Path) -> None:
    [err] = errors_of(tmp_path, {"bad.yaml": "rules:\n  - id: x\n    action: [deny\n"})
    assert err.file.endswith("bad.yaml")
    assert err.line == 4
    assert "YAML invalide" in err.reason


def test_duplicate_key_rejected(tmp_path: pathlib.Path) -> None:
    [err] = errors_of(tmp_path, {"d.yaml": "rules: []\ndescription: a\ndescription: b\n"})
    assert err.line == 3
    assert "clé en double" in err.reason


def test_unknown_field_points_at_the_field(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r1
        match:
          modles: [gpt-4o]
        action: allow
    """
    [err] = errors_of(tmp_path, {"u.yaml": text})
    assert err.line == 5
    assert err.reason == "rules[0].match.modles : champ inconnu"
    assert str(err).endswith("u.yaml:5: rules[0].match.modles : champ inconnu")


def test_action_fields_are_checked(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r1
        action: route
      - id: r2
        action: allow
        redact: {PERSON: mask}
    """
    errors = errors_of(tmp_path, {"a.yaml": text})
    assert [(e.line, e.reason) for e in errors] == [
        (3, "rules[0] : l'action « route » exige le champ « route_to »"),
        (5, "rules[1] : le champ « redact » n'est valable qu'avec l'action « redact »"),
    ]


def test_invalid_enum_and_message_placeholder(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r1
        match: {hosting: [mars]}
        action: deny
        message: "Refusé pour {prenom}"
    """
    errors = errors_of(tmp_path, {"e.yaml": text})
    assert [e.line for e in errors] == [4, 6]
    assert "mars" in errors[0].reason
    assert "prenom" in errors[1].reason


def test_regex_that_does_not_compile(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r1
        match:
          content:
            regex:
              - 'ok'
              - 'PROJET-(['
        action: hold
    """
    [err] = errors_of(tmp_path, {"r.yaml": text})
    assert err.line == 8
    assert err.reason.startswith("rules[0].match.content.regex[1] : expression régulière invalide")


@pytest.mark.parametrize("pattern", ["(a+)+$", "(\\\\w+\\\\s?)*$", "(x|x)*y"])
def test_catastrophic_regex_rejected_statically(tmp_path: pathlib.Path, pattern: str) -> None:
    text = f"""
    rules:
      - id: r1
        match:
          content:
            regex: ["{pattern}"]
        action: hold
    """
    [err] = errors_of(tmp_path, {"r.yaml": text})
    assert err.line == 6
    # (x|x)* is merged by the re parser, so the timed probe is what catches it.
    assert "retour arrière catastrophique" in err.reason or "trop lente" in err.reason


def test_slow_regex_rejected_by_probe(tmp_path: pathlib.Path) -> None:
    # No nested quantifier, but exponential on ",,,,": caught by the timed probe.
    text = """
    rules:
      - id: r1
        match:
          content:
            regex: ['(.*,){20}x']
        action: hold
    """
    start = time.perf_counter()
    [err] = errors_of(tmp_path, {"r.yaml": text})
    assert time.perf_counter() - start < 2
    assert err.line == 6
    assert "trop lente" in err.reason


def test_contradictory_rules(tmp_path: pathlib.Path) -> None:
    files = {
        "a.yaml": """
        rules:
          - id: autoriser-rh
            match: {departments: [rh], models: ["gpt-*"]}
            action: allow
        """,
        "b.yaml": """
        rules:
          - id: refuser-rh
            match: {models: ["gpt-*"], departments: [RH-x, rh]}
            action: deny
          - id: refuser-rh-2
            match: {models: ["gpt-*"], departments: [rh]}
            action: deny
        """,
    }
    [err] = errors_of(tmp_path, files)
    assert err.file.endswith("b.yaml")
    assert err.line == 6
    assert "« refuser-rh-2 » contradictoire avec « autoriser-rh »" in err.reason
    assert "a.yaml:3" in err.reason


def test_shadow_rule_is_not_a_contradiction(tmp_path: pathlib.Path) -> None:
    load(
        tmp_path,
        {
            "a.yaml": """
    rules:
      - id: a
        action: allow
      - id: b
        mode: shadow
        action: deny
    """
        },
    )


def test_route_to_unknown_model_warns_and_refuses(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: vers-ue
        match: {hosting: us}
        action: route
        route_to: [mistral-large, mistral-small]
    """
    missing = load(tmp_path, {"r.yaml": text}, known_models={"echo"})
    [warning] = missing.warnings
    assert warning.line == 6
    assert "aucun modèle du catalogue ne convient" in warning.reason and "echo" in warning.reason
    denied = missing.evaluate(ctx())
    assert (denied.action, denied.route_model) == ("deny", None)
    assert "mistral-large ou mistral-small" in (denied.message or "")
    ok = load(tmp_path / "ok", {"r.yaml": text}, known_models={"echo", "mistral-small"})
    assert ok.rules[0].route_models == {"chat": "mistral-small"}
    assert ok.evaluate(ctx()).route_model == "mistral-small" and not ok.warnings


def test_route_selector_picks_by_hosting_kind_provider_and_price(tmp_path: pathlib.Path) -> None:
    catalogue = [
        CatalogueModel("gpt-4o", hosting="us", price=12.5),
        CatalogueModel("azure-eu", hosting="eu", provider="azure", price=12.5),
        CatalogueModel("mistral-small", hosting="eu", provider="mistral", price=0.4),
        CatalogueModel("llama", hosting="on_prem", provider="ollama"),
        CatalogueModel("embed-eu", kind="embedding", hosting="eu", price=0.1),
    ]

    def target(selector: str, endpoint: str = "chat") -> str | None:
        text = f"""
        rules:
          - id: r
            match: {{hosting: us}}
            action: route
            route_to: {selector}
        """
        policy_set = load(tmp_path / str(abs(hash((selector, endpoint)))), {"r.yaml": text},
                          known_models=catalogue)  # type: ignore[arg-type]
        return policy_set.evaluate(ctx(endpoint=endpoint)).route_model

    assert target("{hosting: [eu, on_prem]}") == "azure-eu"  # catalogue order
    assert target("{hosting: [eu, on_prem], prefer: cheapest}") == "llama"
    assert target("{hosting: eu, prefer: cheapest}") == "mistral-small"
    assert target("{hosting: eu, providers: [mistral]}") == "mistral-small"
    assert target("{hosting: [eu, on_prem]}", endpoint="embeddings") == "embed-eu"
    assert target("{hosting: on_prem}", endpoint="embeddings") is None


def test_route_selector_is_validated(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r
        action: route
        route_to: {hosting: [mars], prefer: fastest}
    """
    errors = errors_of(tmp_path, {"r.yaml": text})
    assert {e.line for e in errors} == {5}
    assert any("mars" in e.reason for e in errors) and any("fastest" in e.reason for e in errors)


def test_duplicate_ids_and_sections(tmp_path: pathlib.Path) -> None:
    files = {
        "a.yaml": "defaults: {action: allow}\n" + RULE_OK,
        "b.yaml": "defaults: {action: deny}\n" + RULE_OK,
    }
    errors = errors_of(tmp_path, files)
    reasons = [(pathlib.Path(e.file).name, e.line, e.reason.split(" ")[0]) for e in errors]
    assert ("b.yaml", 4, "identifiant") in reasons
    assert ("b.yaml", 1, "section") in reasons


def test_limits_are_typed(tmp_path: pathlib.Path) -> None:
    ps = load(
        tmp_path,
        {
            "l.yaml": """
    limits:
      - id: budget
        scope: department
        match: {departments: [rh]}
        spend_per_month_eur: 250.50
      - id: debit
        scope: user
        requests_per_minute: 10
        tokens_per_day: 1000
    """
        },
    )
    assert [lim.id for lim in ps.limits] == ["budget", "debit"]
    assert str(ps.limits[0].spend_per_month_eur) == "250.5"
    from ._helpers import ctx

    assert [lim.id for lim in ps.limits_for(ctx(department="rh"))] == ["budget", "debit"]
    assert [lim.id for lim in ps.limits_for(ctx(department="compta"))] == ["debit"]


def test_limit_without_any_limit_is_rejected(tmp_path: pathlib.Path) -> None:
    [err] = errors_of(tmp_path, {"l.yaml": "limits:\n  - id: x\n    scope: user\n"})
    assert err.line == 2
    assert "requests_per_minute" in err.reason


def test_load_policy_set_raises_first_error_with_all(tmp_path: pathlib.Path) -> None:
    write_policies(tmp_path, {"a.yaml": "rules: 3\n", "b.yaml": "nope: 1\n"})
    with pytest.raises(PolicyFileError) as info:
        load_policy_set(tmp_path)
    assert len(info.value.all_errors) == 2


def test_unknown_attachment_kind_is_refused_with_its_line(tmp_path: pathlib.Path) -> None:
    text = """
    rules:
      - id: r1
        match: {attachments: [spreadsheet]}
        action: deny
    """
    errors = errors_of(tmp_path, {"e.yaml": text})
    assert [e.line for e in errors] == [4]
    assert "spreadsheet" in errors[0].reason

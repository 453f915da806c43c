"""Cases runner: the bundled cases pass, mismatches are readable."""

from __future__ import annotations

import pathlib
import textwrap

import pytest

from gateway.catalogue import load_catalogue
from gateway.policies import PolicyFileError, load_policy_set, run_cases

from ._helpers import BUNDLED, ROOT


@pytest.mark.parametrize("catalogue", [None, ROOT / "models.example.yaml"],
                         ids=["embedded-default", "models.example"])
def test_bundled_cases_pass(catalogue: pathlib.Path | None) -> None:
    """As CI runs them: on the embedded catalogue and on the example catalogue."""
    policy_set = load_policy_set(BUNDLED, known_models=load_catalogue(catalogue).for_policies())
    results = run_cases(policy_set, BUNDLED / "cases.yaml")
    assert len(results) >= 15
    failures = [str(r) for r in results if not r.passed]
    assert not failures, "\n".join(failures)


def test_every_bundled_rule_is_covered() -> None:
    policy_set = load_policy_set(BUNDLED)
    results = run_cases(policy_set, BUNDLED / "cases.yaml")
    seen = {rid for r in results for rid in (*r.decision.rule_ids, *r.decision.shadow_rule_ids)}
    assert {rule.id for rule in policy_set.rules} <= seen


def test_mismatch_is_human_readable(tmp_path: pathlib.Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        textwrap.dedent("""
    cases:
      - name: outil maison devrait passer (faux)
        request: {user_agent: "RapportsMaison/2.1", model: echo, hosting: on_prem}
        expect:
          action: allow
          rule_ids: []
          message_contains: bienvenue
    """),
        encoding="utf-8",
    )
    [result] = run_cases(load_policy_set(BUNDLED), cases)
    assert not result.passed
    assert result.line == 3
    text = str(result)
    assert text.startswith("[ÉCHEC] outil maison devrait passer (faux)")
    assert "action : attendu 'allow', obtenu 'deny'" in text
    assert "règles : attendu [], obtenu ['outils-autorises']" in text
    assert "'bienvenue' absent" in text


def test_invalid_cases_file(tmp_path: pathlib.Path) -> None:
    cases = tmp_path / "cases.yaml"
    cases.write_text(
        "cases:\n  - name: x\n    request: {model: m, hosting: eu, modle: 1}\n    expect: {}\n",
        encoding="utf-8",
    )
    with pytest.raises(PolicyFileError) as info:
        run_cases(load_policy_set(BUNDLED), cases)
    assert info.value.line == 3
    assert "champ inconnu" in info.value.reason

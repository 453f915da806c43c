"""``gateway redact``: IT sees what a provider would receive, before deploying anything."""

from __future__ import annotations

import json
import subprocess

import pytest

from tests.support.processes import run_cli

TEXT = ("Merci de rappeler Marie Lefèvre au 06.12.34.56.78 (marie.lefevre@exemple.fr) "
        "au sujet de la facture FAC-2025-001 de 300 €.")


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_cli("redact", *args, input=stdin, check=False)


@pytest.fixture(scope="module")
def as_json() -> subprocess.CompletedProcess[str]:
    """``gateway redact --json TEXT``, run once for the tests that read it (each run loads
    spaCy: seconds)."""
    return run("--json", TEXT)


def test_redact_prints_what_the_provider_sees_and_the_findings(
    as_json: subprocess.CompletedProcess[str],
) -> None:
    result = as_json
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for value in ("Marie Lefèvre", "06.12.34.56.78", "marie.lefevre@exemple.fr"):
        assert value not in data["text"]
    assert "<PERSON_1>" in data["text"] and "FAC-2025-001 de 300 €" in data["text"]
    assert data["summary"] == {"PERSON": 1, "PHONE_NUMBER": 1, "EMAIL_ADDRESS": 1}
    assert {f["placeholder"] for f in data["findings"]} == {
        "<PERSON_1>", "<PHONE_NUMBER_1>", "<EMAIL_ADDRESS_1>"}


def test_redact_prints_the_findings_in_columns(as_json: subprocess.CompletedProcess[str]) -> None:
    found = json.loads(as_json.stdout)["findings"]
    lines = run(TEXT).stdout.splitlines()
    assert lines[1] == ""
    assert lines[2:] == [
        f"  {f['type']:<14} {f['value']:<40} -> {f['placeholder'] or 'masqué'}"
        f"  (score {f['score']})"
        for f in found
    ]


def test_redact_reads_standard_input() -> None:
    result = run(stdin="Aucune donnée ici, seulement la commande CMD-42.")
    assert result.returncode == 0
    assert result.stdout.startswith("Aucune donnée ici, seulement la commande CMD-42.")
    assert "Aucune donnée personnelle détectée" in result.stdout

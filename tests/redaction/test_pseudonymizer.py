"""Pseudonymizer: stable placeholders, actions, restore, summaries."""

from __future__ import annotations

import json

from gateway.redaction import (
    Action,
    Finding,
    Pseudonymizer,
    RedactionConfig,
    RedactionService,
    format_summary_header,
    summarize_findings,
)


def test_same_value_same_placeholder_across_texts(service: RedactionService) -> None:
    pseudo = Pseudonymizer()
    texts = [
        "Tu es l'assistant de Jean Dupont (jean.dupont@exemple.fr).",
        "Écris à jean.dupont@exemple.fr pour Jean Dupont.",
        "Résultat outil : client Jean Dupont, tél 06 12 34 56 78.",
    ]
    result = service.redact(texts, pseudo)
    assert result.texts[0] == "Tu es l'assistant de <PERSON_1> (<EMAIL_ADDRESS_1>)."
    assert result.texts[1] == "Écris à <EMAIL_ADDRESS_1> pour <PERSON_1>."
    assert result.texts[2] == "Résultat outil : client <PERSON_1>, tél <PHONE_NUMBER_1>."
    assert pseudo.restore(result.texts[2]) == texts[2]
    assert result.summary == {"PERSON": 3, "EMAIL_ADDRESS": 2, "PHONE_NUMBER": 1}
    assert result.header == "PERSON=3,EMAIL_ADDRESS=2,PHONE_NUMBER=1"
    assert "Dupont" not in repr(pseudo)


def test_distinct_values_get_distinct_numbers() -> None:
    pseudo = Pseudonymizer()
    text = "A B"
    findings = [Finding("PERSON", 0, 1, 0.9), Finding("PERSON", 2, 3, 0.9)]
    assert pseudo.redact(text, findings) == "<PERSON_1> <PERSON_2>"
    assert pseudo.mapping == {"<PERSON_1>": "A", "<PERSON_2>": "B"}


def test_separators_do_not_split_identity() -> None:
    pseudo = Pseudonymizer()
    a = pseudo.placeholder_for("PHONE_NUMBER", "06 12 34 56 78")
    b = pseudo.placeholder_for("PHONE_NUMBER", "0612345678")
    assert a == b == "<PHONE_NUMBER_1>"


def test_literal_placeholder_in_input_is_not_reused() -> None:
    pseudo = Pseudonymizer()
    text = "Modèle: <PERSON_1>. Nom: Zoé"
    out = pseudo.redact(text, [Finding("PERSON", 25, 28, 0.9)])
    assert out == "Modèle: <PERSON_1>. Nom: <PERSON_2>"


def test_mask_and_block_actions(service: RedactionService) -> None:
    config = RedactionConfig(actions={"PHONE_NUMBER": Action.MASK, "FR_NIR": Action.BLOCK})
    pseudo = Pseudonymizer(config)
    result = service.redact(["Tél 06 12 34 56 78, NIR 1 85 05 78 006 084 91"], pseudo)
    assert result.texts[0] == "Tél <PHONE_NUMBER>, NIR <FR_NIR>"
    assert result.blocked == ("FR_NIR",)
    assert pseudo.mapping == {}


def test_secret_masked_by_default(service: RedactionService) -> None:
    pseudo = Pseudonymizer()
    result = service.redact(["clé sk-proj-abcdefghijklmnopqrstuvwxyz012345"], pseudo)
    assert result.texts[0] == "clé <SECRET>"
    assert result.blocked == ()


def test_restore_leaves_unknown_placeholders() -> None:
    pseudo = Pseudonymizer()
    pseudo.placeholder_for("PERSON", "Zoé Martin")
    answer = "Bonjour <PERSON_1>, <PERSON_2> et <PHONE_NUMBER> restent."
    assert pseudo.restore(answer) == "Bonjour Zoé Martin, <PERSON_2> et <PHONE_NUMBER> restent."


def test_restore_json_escapes_values() -> None:
    pseudo = Pseudonymizer()
    pseudo.placeholder_for("PERSON", 'Jean "JJ" Dupont')
    args = '{"to": "<PERSON_1>", "cc": "\\u003cPERSON_1\\u003e"}'
    restored = json.loads(pseudo.restore_json(args))
    assert restored == {"to": 'Jean "JJ" Dupont', "cc": 'Jean "JJ" Dupont'}


def test_summary_helpers() -> None:
    findings = [
        Finding("EMAIL_ADDRESS", 0, 1, 1.0),
        Finding("PERSON", 2, 3, 1.0),
        Finding("PERSON", 4, 5, 1.0),
    ]
    summary = summarize_findings(findings)
    assert summary == {"EMAIL_ADDRESS": 1, "PERSON": 2}
    assert format_summary_header(summary) == "PERSON=2,EMAIL_ADDRESS=1"
    assert format_summary_header({}) == ""

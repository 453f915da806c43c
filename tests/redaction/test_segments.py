"""NER runs only on the pieces of a text that may hold a name, and loses nothing."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.redaction import Finding, RedactionConfig, RedactionService
from gateway.redaction.segments import is_name_candidate, name_spans

from .conftest import Found


def _spans(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(f.entity_type, f.start, f.end) for f in findings]


def _pieces(text: str) -> list[str]:
    return [text[s:e] for s, e in name_spans(text)]


@pytest.mark.parametrize(
    "word",
    ["Dupont", "Siobhan", "Pierre", "Rose", "ROUSSEAU", "O'Brien", "N'Diaye", "Jean-Pierre"],
)
def test_name_candidates(word: str) -> None:
    assert is_name_candidate(word)


@pytest.mark.parametrize(
    "word",
    ["Je", "Nous", "N'hésitez", "Pourriez-vous", "Cordialement", "SARL", "FR76", "Mme", "Cher"],
)
def test_not_name_candidates(word: str) -> None:
    assert not is_name_candidate(word)


def _pieces_of(text: str, explained: list[tuple[int, int]]) -> list[str]:
    return [text[s:e] for s, e in name_spans(text, explained)]


def test_sentences_without_candidates_are_skipped() -> None:
    text = (
        "Suite à notre échange du 05/03/2025, je vous confirme la commande CMD-2025-31356. "
        "N'hésitez pas à me joindre.\nCordialement,\nNéotech SARL"
    )
    # "Suite" opens notes as a heading ("Suite donnée : ..."): not a name candidate.
    assert _pieces(text) == ["Néotech SARL"]
    assert name_spans("Je vous remercie. Merci, bonne journée !") == []


def test_pieces_keep_context_around_the_candidate() -> None:
    text = (
        "Après vérification du dossier complet par le service comptable, "
        "Siobhan Charpentier vous contactera pour les pièces restantes dès réception du paiement."
    )
    [piece] = _pieces(text)
    assert "Siobhan Charpentier" in piece
    # Five words on each side, not the whole sentence.
    assert piece.startswith("complet par") and piece.endswith("les pièces")


def test_a_sentence_starting_with_a_surname_is_kept() -> None:
    assert _pieces("Rousseau a appelé ce matin.") == ["Rousseau a appelé ce matin."]
    # A title's full stop does not end the sentence.
    assert _pieces("Prévenir M. Dupont.") == ["Prévenir M. Dupont."]


@pytest.mark.parametrize(
    "text, name",
    [
        ("Rousseau a appelé ce matin pour son contrat.", "Rousseau"),
        (
            "Suite à notre échange du 05/03/2025 et après vérification du dossier complet "
            "par le service comptable, Siobhan Charpentier vous contactera pour les 378 "
            "pièces restantes dès réception du paiement.",
            "Siobhan Charpentier",
        ),
        ("je confirme la commande. le dossier de Chevalier est complet.", "Chevalier"),
    ],
)
def test_names_in_filtered_texts_are_still_found(found: Found, text: str, name: str) -> None:
    assert name in found(text, "PERSON")


def test_filter_gives_the_same_findings_as_whole_texts(service: RedactionService) -> None:
    whole = RedactionService(
        RedactionConfig(cache_size=0, ner_sentence_filter=False), nlp=service._nlp
    )
    texts = [
        "Bonjour Aurélie,\n\nMon collègue Siobhan Charpentier vous contactera. "
        "N'hésitez pas à me joindre au 07 82 37 42 78.\n\nCordialement,\nSandrine Cissé",
        "Incident sur le serveur de paie : Mehmet Yılmaz ne peut plus se connecter.",
        "Traduis : « Merci João Silva pour votre présentation du 4 mars. »",
    ]
    try:
        for text in texts:
            assert _spans(service.analyze(text)) == _spans(whole.analyze(text))
    finally:
        whole.close()


def test_candidates_found_by_rules_need_no_ner() -> None:
    text = "Bonjour Aurélie,\nMerci.\nSandrine Cissé, 12 rue Lamartine"
    assert _pieces(text) == ["Bonjour Aurélie,", "Sandrine Cissé, 12 rue Lamartine"]
    explained = [(8, 15), (24, 38), (40, 58)]  # greeting, first-name pair, street
    assert name_spans(text, explained) == []
    # Only words wholly inside a found span are skipped.
    assert _pieces_of(text, [(8, 12)]) == ["Bonjour Aurélie,", "Sandrine Cissé, 12 rue Lamartine"]


def test_no_ner_call_without_a_candidate(
    service: RedactionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = service.analyzer.nlp_engine
    calls: list[list[str]] = []
    real_pipe = engine.pipeline.pipe

    def counting_pipe(texts: Any, **kwargs: Any) -> Any:
        texts = list(texts)
        calls.append(texts)
        return real_pipe(texts, **kwargs)

    monkeypatch.setattr(engine.pipeline, "pipe", counting_pipe)
    list(engine.process_batch(["Je confirme la commande CMD-2025-1 de 300 €."], "fr"))
    assert calls == []
    # Found by the first-name rule: no NER either.
    list(engine.process_batch(["Je confirme. Paul Girard a signé."], "fr"))
    assert calls == []
    list(engine.process_batch(["Je confirme. Gontran Girard a signé."], "fr"))
    assert calls == [["Gontran Girard a signé."]]

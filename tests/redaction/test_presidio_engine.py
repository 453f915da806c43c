"""The service really runs on presidio-analyzer: engine, registry, NLP engine, extensions."""

from __future__ import annotations

import pytest
from presidio_analyzer import (
    AnalyzerEngine,
    EntityRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerRegistry,
)
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from gateway.redaction import RedactionConfig, RedactionError, RedactionService
from gateway.redaction.nlp import ChunkedNlpArtifacts, FrenchNerNlpEngine
from gateway.redaction.recognizers import (
    EmailRecognizer,
    FrNerRecognizer,
    FrNirRecognizer,
    FrPhoneRecognizer,
    PersonRuleRecognizer,
)


def test_service_runs_presidio_analyzer_engine(service: RedactionService) -> None:
    analyzer = service.analyzer
    assert type(analyzer) is AnalyzerEngine
    assert isinstance(service.registry, RecognizerRegistry)
    assert service.registry.supported_languages == ["fr"]
    names = {r.name for r in service.registry.recognizers}
    assert {"EmailRecognizer", "FrPhoneRecognizer", "FrNirRecognizer", "FrNerRecognizer"} <= names
    assert all(isinstance(r, EntityRecognizer) for r in service.registry.recognizers)
    # None of Presidio's predefined recognizers (tldextract download, 8-region phone scan).
    assert not {"SpacyRecognizer", "PhoneRecognizer", "UrlRecognizer"} & names
    assert not isinstance(analyzer.context_aware_enhancer, LemmaContextAwareEnhancer)


def test_nlp_engine_is_a_slim_spacy_engine(service: RedactionService) -> None:
    engine = service.analyzer.nlp_engine
    assert isinstance(engine, FrenchNerNlpEngine) and isinstance(engine, SpacyNlpEngine)
    assert engine.pipeline.pipe_names == ["ner"]
    # A name no rule finds, so it goes through NER.
    artifacts = engine.process_text("Je suis Gontran Charpentier.", "fr")
    assert isinstance(artifacts, ChunkedNlpArtifacts)
    assert ("Gontran Charpentier", "PER") in {
        (artifacts.tokens.text[s:e], label) for s, e, label in artifacts.ner_spans
    }


def test_recognizers_are_presidio_recognizers() -> None:
    nir = FrNirRecognizer()
    assert isinstance(nir, PatternRecognizer)
    assert nir.validate_result("185057800608491") is True
    assert nir.validate_result("185057800608492") is False  # bad key
    assert "sécurité sociale" in nir.context and "social security" in nir.context
    assert nir.to_dict()["patterns"][0]["name"] == "fr_nir"
    phone = FrPhoneRecognizer()
    [low] = phone.analyze("Le 06 12 34 56 78.", ["PHONE_NUMBER"])
    [high] = phone.analyze("Mon portable : 06 12 34 56 78.", ["PHONE_NUMBER"])
    assert low.score == high.score == 0.75
    text = "Mon portable : 06 12 34 56 78."
    [boosted] = phone.enhance_using_context(text, [high], [], None)
    assert boosted.score == pytest.approx(0.95)
    assert isinstance(PersonRuleRecognizer(), EntityRecognizer)
    assert isinstance(FrNerRecognizer(), EntityRecognizer)


def test_analyzer_can_be_called_directly(service: RedactionService) -> None:
    text = "Écrire à jean.dupont@exemple.fr"
    results = service.analyzer.analyze(text, "fr")
    assert [(r.entity_type, text[r.start : r.end]) for r in results] == [
        ("EMAIL_ADDRESS", "jean.dupont@exemple.fr")
    ]
    assert isinstance(EmailRecognizer(), PatternRecognizer)


def _badge_recognizer() -> PatternRecognizer:
    return PatternRecognizer(
        supported_entity="BADGE_ID",
        name="BadgeRecognizer",
        supported_language="fr",
        patterns=[Pattern("badge", r"\bBDG-\d{6}\b", 0.6)],
        context=["badge"],
    )


def test_custom_pattern_recognizer_from_config(service: RedactionService) -> None:
    config = RedactionConfig(recognizers=(_badge_recognizer(),))
    custom = RedactionService(config, nlp=service._nlp)
    text = "Mon badge BDG-123456, mon collègue Paul Girard."
    found = {(f.entity_type, text[f.start : f.end]) for f in custom.analyze(text)}
    assert ("BADGE_ID", "BDG-123456") in found and ("PERSON", "Paul Girard") in found
    # Presidio's context factor applies to it, without lemmas.
    [badge] = [f for f in custom.analyze(text) if f.entity_type == "BADGE_ID"]
    assert badge.score == pytest.approx(0.95)
    custom.close()


def test_custom_recognizer_from_mapping_and_threshold(service: RedactionService) -> None:
    spec = {
        "name": "BadgeRecognizer",
        "supported_entity": "BADGE_ID",
        "patterns": [{"name": "badge", "regex": r"\bBDG-\d{6}\b", "score": 0.6}],
    }
    config = RedactionConfig.from_mapping({"recognizers": [spec]})
    custom = RedactionService(config, nlp=service._nlp)
    assert [f.entity_type for f in custom.analyze("Code BDG-654321.")] == ["BADGE_ID"]
    custom.close()
    strict = RedactionService(
        RedactionConfig.from_mapping({"recognizers": [spec], "thresholds": {"BADGE_ID": 0.7}}),
        nlp=service._nlp,
    )
    assert strict.analyze("Code BDG-654321.") == []
    strict.close()
    with pytest.raises(RedactionError):
        RedactionConfig(recognizers=("not a recognizer",))
    with pytest.raises(RedactionError):
        RedactionConfig.from_mapping({"recognizers": [{"name": "empty"}]})


def test_no_ner_without_person_or_location(service: RedactionService) -> None:
    only_iban = RedactionService(RedactionConfig(entities=frozenset({"IBAN_CODE"})))
    assert only_iban._nlp is None  # spaCy not even loaded
    text = "Jean Dupont, IBAN FR76 3000 6000 0112 3456 7890 189"
    assert [f.entity_type for f in only_iban.analyze(text)] == ["IBAN_CODE"]
    only_iban.close()


def test_rule_results_computed_before_ner_are_not_computed_again(
    service: RedactionService, monkeypatch: pytest.MonkeyPatch
) -> None:
    scans: list[str] = []
    real = PersonRuleRecognizer._first_name_pairs

    def counting(text: str, tokens: list[tuple[int, int]]) -> object:
        scans.append(text)
        return real(text, tokens)

    monkeypatch.setattr(PersonRuleRecognizer, "_first_name_pairs", staticmethod(counting))
    text = "Bonjour Aurélie, merci. Siobhan Charpentier"
    found = {text[f.start : f.end] for f in service.analyze_batch([text])[0]}
    assert {"Aurélie", "Siobhan Charpentier"} <= found
    # Scanned once, before NER; the analyzer took that result over.
    assert scans == [text]
    # Artifacts used a second time: the result was taken, so it is computed.
    artifacts = service.analyzer.nlp_engine.process_text(text, "fr")
    service.analyzer.analyze(text, "fr", nlp_artifacts=artifacts)
    service.analyzer.analyze(text, "fr", nlp_artifacts=artifacts)
    assert len(scans) == 3

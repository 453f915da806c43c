"""RedactionService: batching, cache, async micro-batching, robustness, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest

from gateway.redaction import (
    Finding,
    Pseudonymizer,
    RedactionConfig,
    RedactionError,
    RedactionService,
)


def test_batch_equals_single(service: RedactionService) -> None:
    texts = ["Appelez Marc Lemoine au 06 11 22 33 44.", "", "Rien à signaler.", "Mail : a@b.fr"]
    batch = service.analyze_batch(texts)
    assert batch == [service.analyze(t) for t in texts]
    assert batch[1] == [] and batch[2] == []


def test_cache_hits_on_repeated_text(service: RedactionService) -> None:
    system = "Tu es l'assistant RH de Claire Fontaine (claire.fontaine@exemple.fr). " * 20
    service.analyze(system)
    hits = service.cache.hits
    assert service.analyze(system) == service.analyze_batch([system])[0]
    assert service.cache.hits >= hits + 2


def test_thresholds_and_entity_selection(service: RedactionService) -> None:
    only_email = RedactionService(
        RedactionConfig(entities=frozenset({"EMAIL_ADDRESS"})), nlp=service._nlp
    )
    text = "Jean Dupont, jean@exemple.fr, 06 12 34 56 78"
    assert [f.entity_type for f in only_email.analyze(text)] == ["EMAIL_ADDRESS"]
    strict = RedactionService(RedactionConfig(thresholds={"PHONE_NUMBER": 0.99}), nlp=service._nlp)
    assert "PHONE_NUMBER" not in {f.entity_type for f in strict.analyze("Le 06 12 34 56 78 ici.")}
    only_email.close()
    strict.close()


def test_unknown_entity_rejected() -> None:
    with pytest.raises(RedactionError):
        RedactionConfig(entities=frozenset({"SHOE_SIZE"}))
    with pytest.raises(RedactionError):
        RedactionConfig.from_mapping({"colour": "blue"})
    config = RedactionConfig.from_mapping({"actions": {"PERSON": "mask"}, "default_threshold": 0.6})
    assert config.action("PERSON").value == "mask" and config.action("SECRET").value == "mask"


async def test_async_callers_share_one_batch(service: RedactionService) -> None:
    calls: list[int] = []
    shared = RedactionService(RedactionConfig(), nlp=service._nlp)
    real = shared.analyze_batch

    def spy(texts: Sequence[str]) -> list[list[Finding]]:
        calls.append(len(texts))
        return real(texts)

    shared._batcher._fn = spy
    texts = [f"Client n°{i} : Paul Girard, paul{i}@exemple.fr" for i in range(8)]
    results = await asyncio.gather(*(shared.analyze_batch_async([t]) for t in texts))
    assert calls == [8]
    assert [r[0] for r in results] == [service.analyze(t) for t in texts]
    pseudo = Pseudonymizer()
    redacted = await shared.redact_async(["Paul Girard"], pseudo)
    assert redacted.texts == ["<PERSON_1>"]
    shared.close()


class _BrokenNlp:
    def pipe(self, texts: Any, batch_size: int = 32) -> Any:
        raise MemoryError("boom")


def test_internal_failure_is_redaction_error() -> None:
    broken = RedactionService(nlp=_BrokenNlp())
    with pytest.raises(RedactionError):
        broken.analyze("Je suis Gontran Charpentier")  # a name only NER finds
    broken.close()


async def test_internal_failure_async() -> None:
    broken = RedactionService(nlp=_BrokenNlp())
    with pytest.raises(RedactionError):
        await broken.analyze_batch_async(["Je suis Gontran Charpentier"])
    broken.close()


def test_non_str_input_rejected(service: RedactionService) -> None:
    with pytest.raises(RedactionError):
        service.analyze_batch([b"bytes"])  # type: ignore[list-item]


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\ud800",
        "Jean \udfff Dupont 06 12 34 56 78 \ud83d",
        "Привет, меня зовут Иван Петров, почта ivan@mail.ru",
        "山田太郎さんの電話番号は 06 12 34 56 78 です",
        "مرحبا محمد 😀👩‍👩‍👧 jean@exemple.fr 🎉",
        "\x00\x01\x02 <PERSON_1> \u202e",
    ],
)
def test_robust_inputs(service: RedactionService, text: str) -> None:
    findings = service.analyze(text)
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
    result = service.redact([text], Pseudonymizer())
    result.texts[0].encode("utf-8")  # lone surrogates are replaced in output


def test_offsets_with_surrogates_and_emoji(service: RedactionService) -> None:
    text = "\ud800😀 mail : zoé@exemple.fr"
    [finding] = service.analyze(text)
    assert text[finding.start : finding.end] == "zoé@exemple.fr"


def test_two_mebibyte_text(service: RedactionService) -> None:
    filler = "les données restent ici sans aucun nom propre. " * 45_000  # ~2.1 MB
    text = filler + "Contact : Hélène Rousseau, helene.rousseau@exemple.fr, 06 98 76 54 32."
    assert len(text) > 2 * 1024 * 1024
    kinds = {(f.entity_type, text[f.start : f.end]) for f in service.analyze(text)}
    assert ("EMAIL_ADDRESS", "helene.rousseau@exemple.fr") in kinds
    assert ("PHONE_NUMBER", "06 98 76 54 32") in kinds
    assert ("PERSON", "Hélène Rousseau") in kinds


def test_long_text_with_names_is_chunked(service: RedactionService) -> None:
    block = "Réunion avec Antoine Lefebvre et Chloé Garnier au sujet du projet. "
    text = block * 800  # ~54 kB: several NER chunks
    names = {text[f.start : f.end] for f in service.analyze(text) if f.entity_type == "PERSON"}
    assert names == {"Antoine Lefebvre", "Chloé Garnier"}

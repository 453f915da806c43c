"""Identifiers the model writes that the prompt did not hold: judged by the policies.

The bundled rule ``nir-et-cartes-interdits-hors-site`` blocks NIRs and card numbers for
external models: an answer holding one of its own is refused, streamed or not, and the
stream never lets its digits out (a small hold-back buffer, not the whole answer). Masking
(the action ``mask`` or ``pseudonymize``) is checked on the filter itself.
"""

from __future__ import annotations

import random

import anthropic
import openai
import pytest

from gateway.redaction.answers import AnswerBlocked, AnswerPolicy, StreamingAnswerFilter
from tests.conftest import Gateway
from tests.core._answers import random_pieces

NIR = "2 69 05 49 588 157 80"
CARD = "4970 1012 3456 7893"


def test_a_model_writing_a_nir_of_its_own_is_refused(gw: Gateway) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai().chat.completions.create(
            model="fake-invent", messages=[{"role": "user", "content": "Un exemple ?"}])
    assert info.value.code == "policy_violation"
    assert "numéro de sécurité sociale" in info.value.message
    assert len(gw.fake.received) == 1  # the provider answered; the employee did not get it
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert record["response"] is None and "269054" not in str(record)


def test_a_streamed_answer_is_cut_before_the_identifier_goes_out(gw: Gateway) -> None:
    stream = gw.openai().chat.completions.with_raw_response.create(
        model="fake-invent", stream=True,
        messages=[{"role": "user", "content": "Un exemple ?"}])
    text, error = "", None
    try:
        for chunk in stream.parse():
            text += "".join(c.delta.content or "" for c in chunk.choices)
    except openai.APIError as exc:
        error = exc
    assert error is not None and "numéro de sécurité sociale" in str(error.message)
    assert text.startswith("Exemple rempli") and "2 69" not in text and "4970" not in text
    record = gw.record(stream.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert "2 69 05" not in (record["response"] or "")


def test_masked_identifiers_and_echoes_of_the_prompt() -> None:
    policy = AnswerPolicy({"FR_NIR": "mask", "CREDIT_CARD": "mask"},
                          known=frozenset({"4970101234567893"}))
    siret = "732 829 320 00074"  # 14 digits passing Luhn: a company, not a card
    text = f"NIR {NIR}, carte {CARD}, SIRET {siret}, commande 2024-0042, tél. 01 23 45 67 89."
    # The card was in the prompt (an echo, restored from a placeholder): left alone.
    expected = f"NIR <FR_NIR>, carte {CARD}, SIRET {siret}, commande 2024-0042, tél. 01 23 45 67 89."
    assert policy.apply(text) == expected
    rng = random.Random(7)
    for _ in range(300):  # any split of the stream gives the same text, digits never early
        screen, out = StreamingAnswerFilter(policy), []
        for piece in random_pieces(text, rng, 9):
            out.append(screen.feed(piece))
            assert "2 69" not in "".join(out)
        assert "".join(out) + screen.flush() == expected
    with pytest.raises(AnswerBlocked):
        AnswerPolicy({"CREDIT_CARD": "block"}).apply(f"la carte {CARD}")


def _full_width(text: str) -> str:
    return "".join(chr(0xFF10 + int(c)) if c.isdigit() else c for c in text)


@pytest.mark.parametrize("disguise", [
    _full_width,
    lambda text: "\u200b".join(text),  # a zero-width space between every character
    lambda text: text.replace(" ", "\u00a0\u200b\u200b"),  # wider than the hold-back
])
def test_disguised_identifiers_are_found_whole_and_in_any_split(disguise) -> None:  # type: ignore[no-untyped-def]
    policy = AnswerPolicy({"FR_NIR": "mask", "CREDIT_CARD": "block"})
    padding = "Voici la réponse demandée, avec tous les détails nécessaires. " * 2
    text = f"{padding}NIR {disguise(NIR)} ; fin. {padding}"
    expected = f"{padding}NIR <FR_NIR> ; fin. {padding}"
    assert policy.apply(text) == expected
    rng = random.Random(11)
    for _ in range(200):
        screen = StreamingAnswerFilter(policy)
        out = [screen.feed(piece) for piece in random_pieces(text, rng, 9)]
        assert "".join(out) + screen.flush() == expected
    with pytest.raises(AnswerBlocked):
        policy.apply(f"la carte {disguise(CARD)} !")


def test_messages_answers_are_screened_too(gw: Gateway) -> None:
    sdk = gw.anthropic()
    request = {"model": "fake-invent", "max_tokens": 200,
               "messages": [{"role": "user", "content": "Un exemple ?"}]}
    with pytest.raises(anthropic.PermissionDeniedError) as info:
        sdk.messages.create(**request)  # type: ignore[arg-type]
    assert "numéro de sécurité sociale" in info.value.message
    text, failed = "", False
    try:
        with sdk.messages.stream(**request) as events:  # type: ignore[arg-type]
            for event in events:
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    text += event.delta.text
    except anthropic.APIError:
        failed = True
    assert failed and "2 69" not in text and "4970" not in text


def test_legacy_completions_answers_are_screened(gw: Gateway) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        gw.openai().completions.create(model="fake-invent", prompt="Un exemple ?")
    assert "numéro de sécurité sociale" in info.value.message
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked" and "269054" not in str(record)

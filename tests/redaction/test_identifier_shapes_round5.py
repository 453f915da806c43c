"""Issue 15, fifth round: a NIR exported as a JSON float or with its key after
« , clé », a NIR without its key in a table not taken for a card, a card with
one mistyped digit beside a card word."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, nir",
    [
        ('{"id": 12, "nir": 249079302507595.0, "site": "Niort"}', "249079302507595.0"),
        ('{"agent": 7, "num_secu": 1631075260220.0}', "1631075260220.0"),
        ("N° de sécurité sociale : 1 75 07 75 424 580, clé 74.", "1 75 07 75 424 580, clé 74"),
    ],
)
def test_nir_shapes(found: Found, text: str, nir: str) -> None:
    assert found(text, "FR_NIR") == [nir]


def test_a_nir_without_key_in_a_nir_column_is_not_a_card(found: Found) -> None:
    text = "Nom;NIR\nBERTIN Louise;2761025095824"
    assert found(text, "FR_NIR") == ["2761025095824"]
    assert found(text, "CREDIT_CARD") == []


@pytest.mark.parametrize(
    "text, card",
    [
        ("Le paiement par carte 4970 3667 1276 8427 a échoué.", "4970 3667 1276 8427"),
        ("CB du client : 5131-8493-4072-2471 (à vérifier)", "5131-8493-4072-2471"),
        ("card number: 4973.8465.6321.2234", "4973.8465.6321.2234"),
    ],
)
def test_a_card_with_a_typo_beside_a_card_word(found: Found, text: str, card: str) -> None:
    assert found(text, "CREDIT_CARD") == [card]


def test_a_grouped_number_without_a_card_word_needs_luhn(found: Found) -> None:
    assert found("Référence colis 4970 3667 1276 8427 au dépôt.", "CREDIT_CARD") == []


@pytest.mark.parametrize(
    "text, nir",
    [
        # Wrong keys: a typo in someone's NIR, printed the way a NIR is.
        ("Merci de noter : 2 63 09 44 109 027 11 pour le dossier.", "2 63 09 44 109 027 11"),
        ("réf. assuré 1-92-06-13-055-117-40", "1-92-06-13-055-117-40"),
        # Labels the context words missed.
        ("N° de SS : 2630944109027 12", "2630944109027 12"),
        ("Numéro d'assuré social: 192061305511712", "192061305511712"),
        ('{"numero_securite_sociale": "2630944109027"}', "2630944109027"),
    ],
)
def test_nir_with_a_wrong_key_or_a_new_label(found: Found, text: str, nir: str) -> None:
    assert found(text, "FR_NIR") == [nir]


def test_the_words_around_a_nir_are_not_a_person(found: Found) -> None:
    text = "Carte Vitale : 2 63 09 44 109 027 47. Numéro INSEE du père : 192061305511740"
    assert found(text, "PERSON") == []


def test_a_card_with_a_digit_dropped_beside_a_card_word(found: Found) -> None:
    assert found("carte 4970 6669 8285 543 refusée", "CREDIT_CARD") == ["4970 6669 8285 543"]
    assert found("colis 4970 6669 8285 543 reçu", "CREDIT_CARD") == []

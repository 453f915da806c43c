"""Issue 15: card numbers grouped by dots or double spaces, a NIR key after a dash,
addresses whose street and town rules overlap, towns in lower case."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, card",
    [
        ("Règlement par carte 5355.2210.7734.9811, merci.", "5355.2210.7734.9811"),
        ("num CB 5355  2210  7734  9811 exp 04/29", "5355  2210  7734  9811"),
        (
            "Visa du client : 4509\u00a00331\u00a08827\u00a06454 (refusée)",
            "4509\u00a00331\u00a08827\u00a06454",
        ),
    ],
)
def test_card_shapes(found: Found, text: str, card: str) -> None:
    assert found(text, "CREDIT_CARD") == [card]


@pytest.mark.parametrize(
    "text",
    [
        "Réf. 4509.0331.8827.6455 : Luhn fails and nothing says what it is.",
        "Montant : 1.234.567,89 € au 31.12.2026",
    ],
)
def test_numbers_that_are_not_cards(found: Found, text: str) -> None:
    assert found(text, "CREDIT_CARD") == []


def test_a_nir_key_after_a_spaced_dash(found: Found) -> None:
    assert found("n° sécu 2 91 11 69 123 456 - 84", "FR_NIR") == ["2 91 11 69 123 456 - 84"]


def test_a_dash_that_opens_an_address_is_not_the_nir_key(found: Found) -> None:
    text = "NIR 2 91 11 69 123 456 - 14 rue des Lilas"
    assert found(text, "FR_NIR") == ["2 91 11 69 123 456"]


@pytest.mark.parametrize(
    "text, address",
    [
        # The street rule and the town rule overlap: their union, postcode included.
        (
            "Domicile : 7 lotissement Les Genêts, 35000 Rennes",
            "7 lotissement Les Genêts, 35000 Rennes",
        ),
        # A known town in lower case after its postcode (chat).
        ("livre au 3 rue du Port 44000 nantes stp", "3 rue du Port 44000 nantes"),
    ],
)
def test_address_shapes(found: Found, text: str, address: str) -> None:
    assert found(text, "ADDRESS") == [address]


def test_a_number_then_a_lower_case_word_is_not_a_town(found: Found) -> None:
    assert found("il reste 35000 exemplaires en stock", "ADDRESS") == []

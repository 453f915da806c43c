"""Issue 15, sixth round: card numbers glued after a letter, an underscore or
a CSV comma, and 14-digit Diners Club numbers beside a card word."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, card",
    [
        ("id_paiement=TX_4056527772240567 (rejeté)", "4056527772240567"),
        ("Saisie : n°carte:A5516168173808321 refusée", "5516168173808321"),
        ("ref,qte,pan\nR-88,2,4669526901286151\n", "4669526901286151"),
        ("client;montant;carte\nDupuis;12,00;x6011515105435532", "6011515105435532"),
    ],
)
def test_a_card_glued_after_a_letter_an_underscore_or_a_comma(
    found: Found, text: str, card: str
) -> None:
    assert found(text, "CREDIT_CARD") == [card]


@pytest.mark.parametrize(
    "text, card",
    [
        ("Carte Diners : 3873 517978 0009, expire 02/29", "3873 517978 0009"),
        ("Paid with my Diners Club card 3007 209084 5010 yesterday.", "3007 209084 5010"),
    ],
)
def test_a_diners_card_beside_a_card_word(found: Found, text: str, card: str) -> None:
    assert found(text, "CREDIT_CARD") == [card]


def test_fourteen_digits_without_a_card_word_are_no_card(found: Found) -> None:
    # The same digits as a Diners number: a SIRET passes Luhn too.
    assert found("Établissement secondaire, n° 38735179780009.", "CREDIT_CARD") == []



@pytest.mark.parametrize(
    "text, cards",
    [
        # A table of cards without a header: each row holds a card, a row of figures does
        # not (both rows, the first one read from the line below).
        ("Morel | 4970 | 1012 | 3456 | 7893\nDupont | 5132 | 0000 | 0000 | 0000\n",
         ["4970 | 1012 | 3456 | 7893", "5132 | 0000 | 0000 | 0000"]),
        # Under a card word, whatever the separators.
        ("N° carte\n4970;1012;3456;7893\n", ["4970;1012;3456;7893"]),
        # Figures: four 4-digit cells passing Luhn, a fifth group, a row under its header.
        ("T1\t4970\t1012\t3456\t7893\nT2\t4500\t5200\t3900\t6100\n", []),
        ("4970\t1012\t3456\t7893\t4500\n", []),
        ("| Nord | Sud | Est | Ouest |\n| 4970 | 1012 | 3456 | 7893 |\n", []),
    ],
)
def test_a_card_in_cells_needs_a_card_word_or_a_card_beside_it(
    found: Found, text: str, cards: list[str]
) -> None:
    assert sorted(found(text, "CREDIT_CARD")) == cards

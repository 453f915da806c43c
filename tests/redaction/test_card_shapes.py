"""Issue 15 (card numbers 1.00): groups dotted or doubly spaced, as typed by hand."""

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
        "Carte 4509.0331.8827.6455 : Luhn fails, a slip or not a card.",
        "Montant : 1.234.567,89 € au 31.12.2026",
    ],
)
def test_numbers_that_are_not_cards(found: Found, text: str) -> None:
    assert found(text, "CREDIT_CARD") == []

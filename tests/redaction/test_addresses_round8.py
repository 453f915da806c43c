"""Issue 15, eighth round, addresses: a town after « à » next to a street, housing
estates and British streets without a number before the town."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, addresses",
    [
        ("rdv au 8 rue des lilas à vannes, sonne fort", ["8 rue des lilas", "vannes"]),
        (
            "Livraison : Lotissement Le Pré Vert, lot 12, 56250 Elven.",
            ["Lotissement Le Pré Vert, lot 12, 56250 Elven"],
        ),
        (
            "Adresse : Cottage 4, Orchard Lane, Leeds LS6 2AB",
            ["Cottage 4, Orchard Lane, Leeds LS6 2AB"],
        ),
        # « à » then an hour is no town.
        ("on se voit au 5 rue de la paix à 14h", ["5 rue de la paix"]),
    ],
)
def test_towns_after_a_and_housing_estates(found: Found, text: str, addresses: list[str]) -> None:
    assert found(text, "ADDRESS") == addresses

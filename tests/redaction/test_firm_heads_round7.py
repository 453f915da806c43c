"""Issue 15, seventh round: a capitalised word right after a lower-case word
naming a firm, a brand or a product (« sa mutuelle Alan », « le cabinet
Martin ») is the firm's; a title still names a person, and « le bureau Karim »
may be Karim's."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, names",
    [
        ("relance Omar, sa mutuelle Alan refuse le devis", ["Omar"]),
        ("j'ai vu avec le cabinet Martin pour la compta", []),
        ("la pharmacie Laurent ferme à 19h", []),
        ("Réunion avec Alan Turner demain, et Mme Martin.", ["Alan Turner", "Martin"]),
        ("je passe au bureau Karim ce soir", ["Karim"]),
    ],
)
def test_a_lower_case_firm_head_keeps_its_name(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names

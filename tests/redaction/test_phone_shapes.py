"""Issue 15, fifth round: US numbers without brackets and UK national numbers count
beside a phone word, and only there."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, phone",
    [
        ("Her cell: 646.555.0178, after 6pm.", "646.555.0178"),
        ("Call the Denver office at 303-555-0121 tomorrow.", "303-555-0121"),
        ("Téléphone (Londres) : 020 7946 0958", "020 7946 0958"),
        ("Mobile 07700 900123 (UK)", "07700 900123"),
    ],
)
def test_foreign_national_numbers_beside_a_phone_word(found: Found, text: str, phone: str) -> None:
    assert found(text, "PHONE_NUMBER") == [phone]


@pytest.mark.parametrize(
    "text",
    ["Ref 303-555-0121 in the ledger.", "Lot 020 7946 0958 expédié.", "Version 415.555.0132"],
)
def test_the_same_shapes_without_a_phone_word_stay(found: Found, text: str) -> None:
    assert found(text, "PHONE_NUMBER") == []

"""Numbers written in words, read as digits (gateway/text/spoken.py)."""

from __future__ import annotations

import pytest

from gateway.text.normalize import normalize
from gateway.text.spoken import spoken_numbers


@pytest.mark.parametrize("text, digits", [
    ("zéro six douze trente-quatre cinquante-six soixante-dix-huit", "0612345678"),
    ("Zéro Six, un deux, trois quatre, cinq six, sept huit", "0612345678"),
    ("zero six one two three four five six seven eight", "0612345678"),
    ("06 douze 34 cinquante-six 78", "0612345678"),
    ("vingt et un, trente-deux, quarante-trois, cinquante-quatre, soixante et onze",
     "2132435471"),
    ("un, quatre-vingt-cinq, zéro sept, soixante-quinze, cent vingt,\nquarante-cinq, dix-huit",
     "185077512045" + "18"),
    ("deux six neuf zéro cinq quatre neuf cinq huit huit un cinq sept huit zéro",
     "269054958815780"),
])
def test_a_number_read_out_in_words_gives_its_digits(text: str, digits: str) -> None:
    assert spoken_numbers(f"Note : {text} merci") == [(7, 7 + len(text), digits)]


@pytest.mark.parametrize("text", [
    "Il a vingt-cinq ans, trois enfants et un chien.",
    "Trois, deux, un, partez !",
    "quatre-vingt-dix-neuf quatre-vingt-onze",  # eight digits at most
    "le centre de la cinquantaine",
    "un deux",
])
def test_words_that_stand_for_no_long_number_are_not_read(text: str) -> None:
    assert spoken_numbers(text) == []


def test_the_digits_are_read_beside_the_words_once() -> None:
    text = "au zéro six douze trente-quatre cinquante-six soixante-dix-huit."
    once = normalize(text)
    assert once.text.endswith("soixante-dix-huit ; 0612345678.")
    assert once.span(once.text.index("0612"), once.text.index("0612") + 10) == (3, 63)
    assert normalize(once.text).text == once.text

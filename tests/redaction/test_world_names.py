"""Issue 15: names of many origins from the package data (``world_names``), and the
words of those lists that must not become names (brands, towns, sentence starters)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.redaction.name_evidence import is_unsupported
from gateway.redaction.world_names import is_first_name, is_surname

Found = Callable[[str, str], list[str]]


def test_the_data_files_hold_names_of_many_origins_but_not_common_words() -> None:
    assert is_first_name("Thandiwe") and is_first_name("ilinca") and is_first_name("Radu")
    assert is_surname("DLAMINI") and is_surname("Lindqvist")
    # A Faker name that is a French word, accents dropped or not, or a software.
    assert not is_first_name("Santé") and not is_first_name("sante")
    assert not is_first_name("Okta")


@pytest.mark.parametrize(
    "text, names",
    [
        ("Thandiwe Mokoena a validé le planning.", ["Thandiwe Mokoena"]),
        ("J'ai transmis le dossier à Thandiwe hier soir.", ["Thandiwe"]),
        ("Merci de rappeler Ilinca avant midi.", ["Ilinca"]),
    ],
)
def test_a_first_name_of_the_data_files_marks_a_person(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


def test_a_data_file_first_name_opening_a_sentence_is_not_enough(found: Found) -> None:
    # « Avis » is a Faker first name and the French word for an opinion.
    assert found("Avis favorable du comité sur le budget.", "PERSON") == []


def test_a_town_outweighs_a_surname_of_the_data_files() -> None:
    assert is_unsupported("Nantes Prado")
    assert not is_unsupported("Bohdana Kravets")

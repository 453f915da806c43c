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


@pytest.mark.parametrize(
    "text, names",
    [
        # A cue word, then a lower-case first name of the data files.
        ("tu peux transmettre à bohdana le planning ?", ["bohdana"]),
        # A first name and a family name in lower case, after any word.
        ("on attend que radu dobre confirme la date", ["radu dobre"]),
        ("j'ai croisé thandiwe dlamini à la cantine", ["thandiwe dlamini"]),
    ],
)
def test_lower_case_names_of_many_origins(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, name",
    [
        ("2026-11-03 08:00:12 ERROR auth failed user=ilinca.barbu", "ilinca.barbu"),
        ("sshd[991]: Failed password for radudobre from 10.0.0.8", "radudobre"),
    ],
)
def test_a_login_built_on_a_name(found: Found, text: str, name: str) -> None:
    assert name in found(text, "PERSON")


def test_a_login_not_built_on_a_name_is_left(found: Found) -> None:
    assert found("job failed for user=svc-backup on host db2", "PERSON") == []


def test_a_markdown_table_with_a_surname_column(found: Found) -> None:
    text = "| Nom | Prénom | Site |\n|---|---|---|\n| Mokoena | Lerato | Rungis |\n"
    assert found(text, "PERSON") == ["Mokoena", "Lerato"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("Invitation envoyée à Declan O'Connell et Priya D'Cruz.", ["Declan O'Connell", "Priya D'Cruz"]),
        ("bohdana ton badge est prêt à l'accueil", ["bohdana"]),
        ("le planning, c'est ilinca qui le tient", ["ilinca"]),
        ("2026-12-01T09:00:00Z audit actor=radu.dobre action=export", ["radu.dobre"]),
        ("A relancer :\n- Thandiwe (facture)\n- Nomvula (badge)", ["Thandiwe", "Nomvula"]),
    ],
)
def test_apostrophes_chat_openings_actors_and_list_items(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text",
    [
        "La remise des prix aura lieu salle Marie Curie, au lycée Jules Ferry.",
        "Réunion avec notre Responsable Comptes Clés jeudi.",
        "Migration des boîtes vers Exchange Online terminée.",
        "Un seul mot de NER ne suffit pas : devis Hilti reçu.",
    ],
)
def test_places_titles_and_products_are_not_names(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_transcript_names_its_speakers(found: Found) -> None:
    text = "Thandiwe: on décale à 15h ?\nKeoni: ça me va\n"
    assert found(text, "PERSON") == ["Thandiwe", "Keoni"]


def test_field_labels_are_not_speakers(found: Found) -> None:
    assert found("Lieu: salle 4\nHeure: 15h\n", "PERSON") == []


def test_a_closing_then_a_signature(found: Found) -> None:
    assert found("Merci pour le devis.\n\nBonne journée\nTahina\n", "PERSON") == ["Tahina"]


@pytest.mark.parametrize(
    "text",
    [
        "on a commandé les prises chez legrand et le reste avec schneider electric",
        "tu peux me donner ton avis sur le devis ?",
        "les photos sont prises avec un nikon, la voiture est une skoda",
    ],
)
def test_lower_case_firms_and_words_are_not_names(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text, names",
    [
        ('10.2.0.7 - tdlamini [05/Dec/2026:08:00:01 +0100] "GET / HTTP/1.1" 200 12', ["tdlamini"]),
        ("merci pour le colis, cordialement bohdana", ["bohdana"]),
        ("tu as l'adresse de marie-claude ?", ["marie-claude"]),
        ("ilinca : on part à 18h\nlouise : ok je préviens", ["ilinca", "louise"]),
    ],
)
def test_logs_closings_hyphens_and_lower_case_transcripts(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


def test_a_shop_and_its_town_is_not_a_person() -> None:
    assert is_unsupported("Boulanger Quimperlé")
    assert is_unsupported("Leclerc Vitré")
    assert not is_unsupported("Florence Vitré")  # a first name: a person may be

"""Issue 15, eighth round, names: titles that a pronoun « me » hid, time words after a
name, Slack handles after a time stamp, JSON logins, lower-case first names that are
words when spoken to, two given names and particles in lower case, given names added
to the lists; table columns that hold a person as often as a firm, and columns of
firms; firms named after a trade."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, names",
    [
        # « me donnes le numéro de » was read as the title « Me » and ate « mme ».
        ("tu me donnes le numéro de mme kervadec ?", ["kervadec"]),
        # A time word after the name is not its second half.
        ("je passe voir mme kervadec demain", ["kervadec"]),
    ],
)
def test_titles_in_lower_case(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "[14:02] lucie.fabre: le build est cassé\n[14:03] omar.sall: je regarde",
            ["lucie.fabre", "omar.sall"],
        ),
        ('{"ts": 1733577600, "action": "export", "user":"r.ouedraogo"}', ["r.ouedraogo"]),
    ],
)
def test_handles_after_a_time_stamp_and_json_logins(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        # First names that are also words, spoken to at a line's start.
        ("constance t'as les clés du local ?", ["constance"]),
        ("victoire tu peux imprimer le bon ?", ["victoire"]),
        # Two given names of the lists, and a particle between a name and a family name.
        ("envoie le devis à mei ying avant midi", ["mei ying"]),
        ("samir ben amrani a rappelé pour sa facture", ["samir ben amrani"]),
        # Given names added to the lists (Georgian, Tahitian, Greek).
        ("vakhtang a déposé le dossier ce matin", ["vakhtang"]),
        ("merci à teiva et giorgos pour le rangement", ["teiva", "giorgos"]),
    ],
)
def test_lower_case_chat_names(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        # A list of objects is read key by key under its outer key.
        (
            '{"equipe": [{"nom": "Oyelowo", "prenom": "Tobi"}, {"nom": "Varga", "prenom": "Réka"}]}',
            ["Oyelowo", "Tobi", "Varga", "Réka"],
        ),
        # A technician or client column: names of the lists, never a firm.
        (
            "date;technicien;site;durée\n04/11;Lindqvist;Tours;2h\n05/11;Kowalski;Blois;1h",
            ["Lindqvist", "Kowalski"],
        ),
        (
            "client;montant;statut\nBoulangerie Giraud;80,00;payé\nMaréchal Odile;42,50;payé",
            ["Maréchal Odile"],
        ),
        # Family-name columns spelled « nom_usage ».
        ("matricule;nom_usage;prenoms\nB07;GIRAUDEAU;Apolline", ["GIRAUDEAU", "Apolline"]),
    ],
)
def test_table_columns_that_name_people(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        # A column of firms: a founder's name there is the firm's, unless a trade opens it.
        ("Fournisseur;Contact;Ville\nMarcel Villard;Inès Roche;Annecy", ["Inès Roche"]),
        # A craftsman's firm named after its trade.
        ("la chaudière fuit, j'ai appelé Didier Chauffage ce matin", []),
    ],
)
def test_firms_named_after_people(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


def test_a_person_in_a_column_of_firms_comes_with_a_trade(found: Found) -> None:
    names = found("Fournisseur;Contact;Ville\nArtisan Luc Perrin;Anne Morel;Annecy", "PERSON")
    assert "Anne Morel" in names
    assert any("Luc Perrin" in name for name in names)


def test_a_name_ends_before_the_employer_after_it(found: Found) -> None:
    text = "Bonjour,\n\nRendez-vous pris avec Hélène Marchetti de Malakoff Humanis pour jeudi."
    assert found(text, "PERSON") == ["Hélène Marchetti"]


@pytest.mark.parametrize(
    "text",
    ["Subject: Monthly Review\n\nHi all, figures attached.", "Subject: Friendly Reminder\n\nHi"],
)
def test_english_subject_lines_are_no_names(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text, names",
    [
        # One word between known firms is a firm too; a full name beside one stays a name.
        ("Nos enseignes partenaires : Monoprix, Leclerc, Carrefour.", []),
        ("Présents : Monoprix, Julien Morel, Anne Petit.", ["Julien Morel", "Anne Petit"]),
    ],
)
def test_an_item_of_a_list_of_firms(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Ticket 5530 — assigné à : diallo.mariama — priorité haute", ["diallo.mariama"]),
        ("issue=771 status=open assignee=t.kowalczyk", ["t.kowalczyk"]),
    ],
)
def test_assignees_in_tickets(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Compte rendu rédigé par Yousra, relu par la direction.", ["Yousra"]),
        ("Demande traitée par Soukaina le 3 décembre.", ["Soukaina"]),
        # A firm after the same words stays a firm.
        ("Colis livré par Geodis hier.", []),
    ],
)
def test_a_first_name_after_a_participle_and_par(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names

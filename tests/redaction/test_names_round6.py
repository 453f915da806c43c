"""Issue 15, sixth round: lower-case chat names of Indian, West-African and
Korean origin, a name spoken to after a comma or opening a line before a verb,
« au nom de X », person columns named for a role (porteur, contact, tuteur…);
and what is not a person: a firm after its head noun (« Groupe », « Pharmacie »),
an article after a sign-off, companies named after people."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, names",
    [
        ("je vois ça avec suresh, il connaît le dossier", ["suresh"]),
        ("dis à bineta que la salle est prise", ["bineta"]),
        ("hyun-woo est en congé jusqu'à lundi", ["hyun-woo"]),
        ("ramatoulaye c'est quoi l'adresse du client ?", ["ramatoulaye"]),
        ("le serveur est tombé, anjali tu peux regarder ?", ["anjali"]),
        ("La réservation est au nom de Andrianasolo pour vendredi.", ["Andrianasolo"]),
    ],
)
def test_names_found_by_their_place_in_a_chat(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, cell",
    [
        ("date;montant;porteur\n12/03;40,00;Tshibangu\n", "Tshibangu"),
        ("site,tuteur,statut\nNantes,Oyelowo,ok\n", "Oyelowo"),
        ("ticket|assignee|statut\nT-12|Nakashima|ouvert\n", "Nakashima"),
    ],
)
def test_cells_of_a_person_column_named_for_a_role(found: Found, text: str, cell: str) -> None:
    assert found(text, "PERSON") == [cell]


@pytest.mark.parametrize(
    "text",
    [
        "Le devis du Groupe Gérard Perrin est arrivé.",
        "Commande passée à la Pharmacie Lucas Bonnet ce matin.",
        "Merci,\nBien cordialement,\nLe service client",
        "Réservation faite chez Holiday Inn et Best Western pour le séminaire.",
    ],
)
def test_firms_and_articles_are_no_person(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize("word", ["ah-ha", "yé-yé", "na-na"])
def test_repeated_or_unknown_syllables_are_no_korean_name(found: Found, word: str) -> None:
    assert found(f"{word} est arrivé dans la boîte hier", "PERSON") == []


@pytest.mark.parametrize(
    "text, names",
    [
        ("relance marie-laure stp, elle a le devis", ["marie-laure"]),
        ("contacte radu lundi pour la livraison", ["radu"]),
        ("Ayants droit : conjointe Gülsüm, enfants Baran et Elif.", ["Gülsüm", "Baran", "Elif"]),
        ("on attend jean-paul pour commencer", ["jean-paul"]),
    ],
)
def test_names_after_a_contact_verb_or_a_family_word(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names

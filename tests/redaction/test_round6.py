"""Issue 15, sixth round: what the detection finds, and what it leaves, one table.

- cards: a number glued after a letter, an underscore or a CSV comma; a 14-digit Diners
  Club number beside a card word (a SIRET passes Luhn too: not without the word); a card in
  table cells needs a card word or a card beside it (its own test: any order);
- names: lower-case chat names of Indian, West-African and Korean origin, a name spoken to
  after a comma or opening a line before a verb, « au nom de X », after a contact verb or a
  family word, person columns named for a role (porteur, contact, tuteur…); not a person: a
  firm after its head noun (« Groupe », « Pharmacie »), an article after a sign-off,
  companies named after people, repeated or unknown syllables;
- secrets: a PIN spaced digit by digit, an alarm or a safe « of the shop » (the owner is no
  harmless qualifier there), a password after « c'est maintenant », an e-mail login paired
  with its password.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

Found = Callable[[str, str], list[str]]


def _cases(title: str, entity: str, rows: list[tuple[str, list[str]]]) -> list[Any]:
    """``found(text, entity) == expected`` for each row, named ``title`` and its number."""
    return [pytest.param(text, entity, expected, id=f"{title} {number}")
            for number, (text, expected) in enumerate(rows, 1)]


CASES = [
    *_cases("a card glued after a letter, an underscore or a comma", "CREDIT_CARD", [
        ("id_paiement=TX_4056527772240567 (rejeté)", ["4056527772240567"]),
        ("Saisie : n°carte:A5516168173808321 refusée", ["5516168173808321"]),
        ("ref,qte,pan\nR-88,2,4669526901286151\n", ["4669526901286151"]),
        ("client;montant;carte\nDupuis;12,00;x6011515105435532", ["6011515105435532"]),
    ]),
    *_cases("a Diners card beside a card word", "CREDIT_CARD", [
        ("Carte Diners : 3873 517978 0009, expire 02/29", ["3873 517978 0009"]),
        ("Paid with my Diners Club card 3007 209084 5010 yesterday.", ["3007 209084 5010"]),
    ]),
    # The same digits as a Diners number: a SIRET passes Luhn too.
    *_cases("fourteen digits without a card word are no card", "CREDIT_CARD", [
        ("Établissement secondaire, n° 38735179780009.", []),
    ]),
    *_cases("names found by their place in a chat", "PERSON", [
        ("je vois ça avec suresh, il connaît le dossier", ["suresh"]),
        ("dis à bineta que la salle est prise", ["bineta"]),
        ("hyun-woo est en congé jusqu'à lundi", ["hyun-woo"]),
        ("ramatoulaye c'est quoi l'adresse du client ?", ["ramatoulaye"]),
        ("le serveur est tombé, anjali tu peux regarder ?", ["anjali"]),
        ("La réservation est au nom de Andrianasolo pour vendredi.", ["Andrianasolo"]),
    ]),
    *_cases("cells of a person column named for a role", "PERSON", [
        ("date;montant;porteur\n12/03;40,00;Tshibangu\n", ["Tshibangu"]),
        ("site,tuteur,statut\nNantes,Oyelowo,ok\n", ["Oyelowo"]),
        ("ticket|assignee|statut\nT-12|Nakashima|ouvert\n", ["Nakashima"]),
    ]),
    *_cases("firms and articles are no person", "PERSON", [
        ("Le devis du Groupe Gérard Perrin est arrivé.", []),
        ("Commande passée à la Pharmacie Lucas Bonnet ce matin.", []),
        ("Merci,\nBien cordialement,\nLe service client", []),
        ("Réservation faite chez Holiday Inn et Best Western pour le séminaire.", []),
    ]),
    *_cases("repeated or unknown syllables are no Korean name", "PERSON", [
        (f"{word} est arrivé dans la boîte hier", []) for word in ("ah-ha", "yé-yé", "na-na")
    ]),
    *_cases("names after a contact verb or a family word", "PERSON", [
        ("relance marie-laure stp, elle a le devis", ["marie-laure"]),
        ("contacte radu lundi pour la livraison", ["radu"]),
        ("Ayants droit : conjointe Gülsüm, enfants Baran et Elif.", ["Gülsüm", "Baran", "Elif"]),
        ("on attend jean-paul pour commencer", ["jean-paul"]),
    ]),
    *_cases("spaced PINs and codes of a place", "SECRET", [
        ("le code du portail ? c'est 3 9 1 7 depuis lundi", ["3 9 1 7"]),
        ("Cadenas du vestiaire : 0 5 5 2 8.", ["0 5 5 2 8"]),
        ("Digicode de la zone B : 8163, à taper avant d'entrer.", ["8163"]),
        ("Le coffre du magasin s'ouvre avec 44071 le matin.", ["44071"]),
    ]),
    *_cases("a password after c'est maintenant", "SECRET", [
        ("J'ai modifié le mot de passe de la box, c'est maintenant Orage92Gris", ["Orage92Gris"]),
    ]),
    *_cases("an e-mail login and its password", "SECRET", [
        ("accès Qonto : tresorerie@menuiserie-roy.fr / Roy!Banque31", ["Roy!Banque31"]),
        ("tu te connectes avec rh@ecole-bleue.org | Ecole2027rh", ["Ecole2027rh"]),
    ]),
    *_cases("harmless look-alikes stay", "SECRET", [
        ("Écrire à paul.morin@exemple.fr / Marketing pour la campagne.", []),
        ("Code magasin : 4417 (Auchan Vélizy).", []),
        ("Le code postal de l'agence est 69003.", []),
    ]),
]


@pytest.mark.parametrize("text, entity, expected", CASES)
def test_sixth_round(found: Found, text: str, entity: str, expected: list[str]) -> None:
    assert found(text, entity) == expected


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

"""Issue 15, fifth round: every part of an address, not only its street and town:
flats and floors, house names on the line before, post boxes and CEDEX, business
parks, Belgian and Swiss streets, US towns, lower-case chat, table and JSON cells."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, address",
    [
        (
            "Envoyez-le au 8 rue des Bleuets, appt 14, 37000 Tours.",
            "8 rue des Bleuets, appt 14, 37000 Tours",
        ),
        ("Livrer au 3 allée Camus, bât. D, 2e étage.", "3 allée Camus, bât. D, 2e étage"),
        ("Adresse : 77 Baker Street, Suite 12, London", "77 Baker Street, Suite 12"),
        (
            "Mon courrier : 4e étage droite, 9 rue Sainte-Anne, 29200 Brest",
            "4e étage droite, 9 rue Sainte-Anne, 29200 Brest",
        ),
        (
            "Service clients\nBP 40317\n13331 Marseille CEDEX 03",
            "BP 40317\n13331 Marseille CEDEX 03",
        ),
        ("Réception : ZI des Paluds, 13400 Aubagne", "ZI des Paluds, 13400 Aubagne"),
        (
            "Bureau : Chaussée de Wavre 112, 1040 Etterbeek.",
            "Chaussée de Wavre 112, 1040 Etterbeek",
        ),
        ("Office: 500 Boylston Street, Boston, MA 02116.", "500 Boylston Street, Boston, MA 02116"),
        ("c'est au 9 rue gambetta à côté de la poste", "9 rue gambetta"),
        ("passe au 4 rue victor hugo, 72000 le mans", "4 rue victor hugo, 72000 le mans"),
    ],
)
def test_address_parts(found: Found, text: str, address: str) -> None:
    assert found(text, "ADDRESS") == [address]


def test_a_house_name_on_the_line_before_the_street(found: Found) -> None:
    text = "Mme Riou\nLe Moulin Neuf\n2 chemin des Prés\n49400 Saumur"
    assert found(text, "ADDRESS") == ["Le Moulin Neuf\n2 chemin des Prés\n49400 Saumur"]


def test_postcode_and_town_cells_of_the_street_row(found: Found) -> None:
    text = "nom;adresse;cp;ville\nRiou;7 rue des Forges;21000;Dijon\nPaul;Zone;0;Sans"
    assert found(text, "ADDRESS") == ["7 rue des Forges", "21000", "Dijon"]


def test_postcode_and_town_fields_of_the_street_object(found: Found) -> None:
    text = '[{"rue": "5 place Kléber", "cp": "67000", "ville": "Strasbourg"}, {"ville": "Metz"}]'
    assert found(text, "ADDRESS") == ["5 place Kléber", "67000", "Strasbourg"]


@pytest.mark.parametrize(
    "text, address",
    [
        (
            "Livraison : Bât. C3 – Résidence des Lys – 9 rue Racine – 86000 Poitiers",
            "Bât. C3 – Résidence des Lys – 9 rue Racine – 86000 Poitiers",
        ),
        ("Écrire à : B.P. 7, 97100 Basse-Terre", "B.P. 7, 97100 Basse-Terre"),
    ],
)
def test_parts_apart_by_dashes_and_short_post_boxes(found: Found, text: str, address: str) -> None:
    assert found(text, "ADDRESS") == [address]


@pytest.mark.parametrize(
    "text",
    [
        "Inscription au Cours Python 3 et au Cours Excel 2.",
        "Le Domaine Skolem 4 est fermé.",
        "Rue du Commerce 12 % de remise ce week-end",
        "BP 2026 : résultats annuels en hausse",
        "La CS 2000 est un modèle de tondeuse.",
    ],
)
def test_what_only_looks_like_a_street_or_a_box(found: Found, text: str) -> None:
    assert found(text, "ADDRESS") == []

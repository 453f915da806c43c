"""Issue 15, ninth round, addresses: a lieu-dit, a hamlet or a residence with no number,
a building / staircase / floor line alone, Swiss-German streets and post boxes, a Belgian
box without its comma, English floors and villages, British CSV rows, a street without a
number before « , à <town> »; the same words in ordinary sentences stay."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


def _covered(text: str, parts: list[str], spans: list[tuple[int, int]]) -> bool:
    """Every letter and digit of each part lies inside some span (the strict metric)."""
    for part in parts:
        start = text.index(part)
        for i, char in enumerate(part, start):
            if char.isalnum() and not any(s <= i < e for s, e in spans):
                return False
    return True


@pytest.fixture(scope="module")
def address_spans(service: object) -> Callable[[str], list[tuple[int, int]]]:
    def _spans(text: str) -> list[tuple[int, int]]:
        return [
            (f.start, f.end)
            for f in service.analyze(text)  # type: ignore[attr-defined]
            if f.entity_type in {"ADDRESS", "LOCATION"}
        ]

    return _spans


@pytest.mark.parametrize(
    "text, parts",
    [
        ("rendez-vous au lieu-dit Penhoat, derrière la chapelle", ["lieu-dit Penhoat"]),
        (
            "il habite le hameau des Combes à Villard-de-Lans",
            ["hameau des Combes", "Villard-de-Lans"],
        ),
        (
            "livraison : bât. F, esc. 1, 5e étage porte gauche",
            ["bât. F, esc. 1, 5e étage porte gauche"],
        ),
        (
            "je loge à la résidence Les Terrasses du Port, appt 12, jusqu'en mai",
            ["résidence Les Terrasses du Port, appt 12"],
        ),
        ("Büro: Seestrasse 17, 8002 Zürich", ["Seestrasse 17", "8002 Zürich"]),
        ("Courrier : Case postale 318, 1001 Lausanne", ["Case postale 318", "1001 Lausanne"]),
        (
            "Siège : Avenue de Tervueren 45 bte 2, 1040 Etterbeek",
            ["Avenue de Tervueren 45 bte 2", "1040 Etterbeek"],
        ),
        (
            "Office: 2nd Floor, 10 Market Street, Leeds LS1 6DT",
            ["2nd Floor, 10 Market Street", "Leeds LS1 6DT"],
        ),
        (
            "Ship to Ivy House, Mill Road, Great Shelford, Cambridge CB22 5LD",
            ["Ivy House, Mill Road", "Great Shelford", "Cambridge CB22 5LD"],
        ),
        ("9,Flat 7,21 Park Road,Bath,BA1 2QT", ["Flat 7", "21 Park Road", "Bath", "BA1 2QT"]),
        (
            "ils vivent au Domaine des Cigales, chemin des Pins, à Ramatuelle",
            ["Domaine des Cigales", "chemin des Pins", "Ramatuelle"],
        ),
    ],
)
def test_addresses_without_a_french_street_number(
    address_spans: Callable[[str], list[tuple[int, int]]], text: str, parts: list[str]
) -> None:
    assert _covered(text, parts, address_spans(text)), address_spans(text)


@pytest.mark.parametrize(
    "text, parts",
    [
        ("Écrire à Mutuelle Y, BP 418 - 44000 Nantes", ["BP 418", "44000 Nantes"]),
        ("on est au 9 rue Paul Bert, appart 3", ["9 rue Paul Bert, appart 3"]),
        ("appart 5, bât D, au fond de la cour", ["appart 5, bât D"]),
        ("Bd du Roi Albert II 30, 1000 Bruxelles", ["Bd du Roi Albert II 30", "1000 Bruxelles"]),
    ],
)
def test_a_post_box_before_a_dash_a_flat_and_abbreviated_belgian_streets(
    address_spans: Callable[[str], list[tuple[int, int]]], text: str, parts: list[str]
) -> None:
    assert _covered(text, parts, address_spans(text)), address_spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "le bâtiment C sera repeint, l'escalier 2 reste ouvert",
        "ma résidence principale est à vendre depuis mars",
        "un hameau de 200 habitants, sans boulangerie",
        "la route de Lyon, à mon avis, est bouchée",
        "Via Zoom 3 personnes ont suivi la formation",
    ],
)
def test_the_same_words_in_sentences_stay(found: Found, text: str) -> None:
    assert found(text, "ADDRESS") == []

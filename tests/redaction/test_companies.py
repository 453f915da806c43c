"""Issue 15, fifth round: companies and brands named after people are not people,
while the people beside them still are."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.redaction.companies import company_spans, is_company_name

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text",
    [
        "Les lunettes de l'équipe viennent de chez Alain Afflelou, comme l'an dernier.",
        "Nous avons commandé des foulards Christian Lacroix pour le salon.",
        "Le rapport de Roland Berger sur la filière bois est arrivé.",
        "La campagne Daniel Hechter démarre en mars.",
        "Le stand voisin était celui de Pierre Cardin.",
        "Réunion avec le groupe Bernard Hayot mardi.",
    ],
)
def test_a_company_of_the_list_is_not_a_person(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text",
    [
        "Le devis de Marc Tessier Automobiles est le moins cher.",
        "Nous signons avec Hélène Robert Immobilier à Vannes.",
        "La menuiserie Lucas Perrin & Fils a livré les fenêtres.",
    ],
)
def test_a_founder_name_closed_by_a_firm_word_is_a_company(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_person_beside_a_company_is_still_found(found: Found) -> None:
    text = "Contactez Julie Marchand, notre acheteuse, pour la commande Yves Rocher."
    assert found(text, "PERSON") == ["Julie Marchand"]


def test_a_title_names_a_person_even_with_a_brand_surname(found: Found) -> None:
    assert found("J'ai parlé à M. Cardin ce matin.", "PERSON") == ["Cardin"]


def test_table_cells_are_split_for_ner(found: Found) -> None:
    text = "Société;Secteur;Ville\nGuy Hoquet;Immobilier;Paris\nJean Lain;Automobile;Chambéry"
    assert found(text, "PERSON") == []


def test_company_spans_only_whole_names() -> None:
    text = "Chez Pierre Fabre et chez Pierre Fabregas"
    starts = [(text.index("Pierre"), text.index("Pierre") + 6), (text.rindex("Pierre"), len(text))]
    assert company_spans(text, starts) == [(5, 17)]


def test_is_company_name_needs_the_firm_word_right_after() -> None:
    text = "Jean Durand Transports et Jean Durand transporte"
    assert is_company_name(text, 0, 11)
    assert not is_company_name(text, 26, 37)


@pytest.mark.parametrize(
    "text",
    [
        "Revue Mensuelle\nLes ventes du réseau sont en hausse.",
        "Fiche Pratique\nÉtape 1 : ouvrir le capot.",
        "Contact : Direction Commerciale, 2e étage",
    ],
)
def test_headings_and_departments_are_not_people(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


@pytest.mark.parametrize(
    "text",
    [
        "Le dîner d'équipe est au casino Lucien Barrière de Deauville.",
        "Audit mené par Arthur D. Little en 2025.",
        "Collection capsule avec Gérard Darel pour le printemps.",
    ],
)
def test_more_companies_named_after_people(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_ner_span_holding_a_one_word_company_is_no_person(found: Found) -> None:
    assert found("Réservez la Navette Transdev pour 8 h.", "PERSON") == []

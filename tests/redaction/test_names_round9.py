"""Issue 15, ninth round, names: a family name that comes back alone after a full name
or a title (HR notes), a title's name that stops before the verb, family names known by
their ending, two-syllable Chinese and Vietnamese given names in lower-case chat, given
names of more origins, all-caps CV headers with an apostrophe or a hyphen above an
all-caps job, « NOM Prénom » rows with a short family name."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "Mme Aurélie Tchouamou a reçu son avenant. Tchouamou le renverra signé lundi.",
            ["Aurélie Tchouamou", "Tchouamou"],
        ),
        (
            "Le salarié KPODAR Essowè est arrivé en retard. Kpodar affirme que son bus a "
            "été supprimé.",
            ["KPODAR Essowè", "Kpodar"],
        ),
        (
            "Compte rendu : M. Bogdan Ionescu a présenté ses excuses. Ionescu s'engage à "
            "prévenir à l'avance.",
            ["Bogdan Ionescu", "Ionescu"],
        ),
    ],
)
def test_a_family_name_alone_after_the_full_name(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        # The verb after the name is not its third word; « Ferrand » of the town stays.
        ("M. Yannick Ferrand travaille sur le site de Clermont-Ferrand.", ["Yannick Ferrand"]),
        ("Mme Sabine Tchatat gère le dossier.", ["Sabine Tchatat"]),
    ],
)
def test_a_titles_name_stops_before_the_verb(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("rendez-vous avec Dragomirescu à 10h", ["Dragomirescu"]),
        ("voir avec Papadakopoulou pour la facture", ["Papadakopoulou"]),
        ("j'ai déjeuné avec Sarishvili hier", ["Sarishvili"]),
    ],
)
def test_family_names_known_by_their_ending(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("merci hong yan 🙏", ["hong yan"]),
        ("bonjour yen nhi, ton badge est prêt", ["yen nhi"]),
        ("c'est xiu mei qui a les clés", ["xiu mei"]),
        ("wen hao et zi rui font la caisse ce soir", ["wen hao", "zi rui"]),
    ],
)
def test_two_syllable_given_names_in_chat(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Tâches : contacter Sukhwinder pour le planning", ["Sukhwinder"]),
        ("tsetseg a envoyé le planning", ["tsetseg"]),
        ("merci à kaloyan pour le café", ["kaloyan"]),
    ],
)
def test_given_names_of_more_origins(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("LIAM O'CONNOR\nSALES MANAGER\nEXPERIENCE\n2019-2025 Decathlon, Lille", ["LIAM O'CONNOR"]),
        (
            "GRACE-ANN MBEKI-TSHABALALA\nComptable unique\nFORMATION\nLicence AES",
            ["GRACE-ANN MBEKI-TSHABALALA"],
        ),
    ],
)
def test_cv_headers_above_a_job(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


def test_a_short_family_name_in_capitals_beside_a_given_name(found: Found) -> None:
    text = "Matricule 1207 – HOXA Besnik – Cariste – 35 h"
    assert found(text, "PERSON") == ["HOXA Besnik"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("Salarié : Kpodar", ["Kpodar"]),
        ("Candidat : Kpodar (entretien demain)", ["Kpodar"]),
        (
            "Mme Sitraka Andriamiharisoa, née Rabearivelo, a changé d'adresse.",
            ["Sitraka Andriamiharisoa", "Rabearivelo"],
        ),
        (
            "Rapport d'incident : l'intéressé Kpodar a quitté son poste à 15h.",
            ["Kpodar"],
        ),
    ],
)
def test_a_family_name_alone_after_a_label(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        (
            "OLUWAFEMI ADEBISI-JOHNSON\nGestionnaire de stock\nPROFIL\nRigoureux, 6 ans en "
            "logistique.\nCOMPÉTENCES CLÉS\nExcel, SAP",
            ["OLUWAFEMI ADEBISI-JOHNSON"],
        ),
        (
            "YASMINE EL OUARDI\nCHARGÉE DE CLIENTÈLE\nQUALIFICATIONS\nBTS NDRC\nLOISIRS\nDanse",
            ["YASMINE EL OUARDI"],
        ),
    ],
)
def test_cv_headers_with_other_sections(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names

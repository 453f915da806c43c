"""Issue 15, seventh round: a tab parts table cells, never the words of a name;
record sheets (« Nom<TAB>value »); Korean given names with a lower-case second
syllable; Arabic particles (« El », « Ben »); lower-case chat names outside the
old lists, as a verb's subject, beside « et », in Vietnamese order, with a
particle; and what stays no name (a doubled sound, a header row)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.redaction.recognizers.person import PersonRuleRecognizer

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, names",
    [
        # The row's last name cell and the department beside it were one span.
        ("matricule\tnom\tprénom\tservice\n4410\tKoné\tMariam\tLogistique", ["Koné", "Mariam"]),
        ("Nom\tPrénom\nDiallo\tAwa", ["Diallo", "Awa"]),
        # A label then a tab is a header row, not « Client » naming « Secteur ».
        ("Client\tSecteur\tMontant", []),
    ],
)
def test_a_tab_parts_cells_not_name_words(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Nom\tKarima Belhadj\nPoste\tComptable", ["Karima Belhadj"]),
        ("Salarié;Florent Aubry\nMotif;Démission", ["Florent Aubry"]),
        # Below another record line, the value needs no known name.
        ("Poste\tAcheteuse\nNom d'usage\tMbarga", ["Mbarga"]),
    ],
)
def test_record_sheets_name_the_value(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text, names",
    [
        ("Ticket repris par Ha-eun Seo", ["Ha-eun Seo"]),
        ("| Hyun-jin Kang | Paris |", ["Hyun-jin Kang"]),
        ("Participants : Jae-won Lim, Bo-ra Shin", ["Jae-won Lim", "Bo-ra Shin"]),
    ],
)
def test_korean_given_names_keep_a_lower_case_syllable(
    found: Found, text: str, names: list[str]
) -> None:
    assert found(text, "PERSON") == names


def test_an_arabic_particle_joins_the_family_name() -> None:
    text = "Hamza El Amrani"
    results = PersonRuleRecognizer().analyze(text, ["PERSON"])
    assert [text[r.start : r.end] for r in results] == ["Hamza El Amrani"]


@pytest.mark.parametrize(
    "text, names",
    [
        ("tu savais que tigran a démissionné ?", ["tigran"]),
        ("salut, ilya m'a dit que le serveur est reparti", ["ilya"]),
        ("kaito et haruka sont en retard", ["kaito", "haruka"]),
        ("rdv avec enguerrand de montlaur jeudi", ["enguerrand de montlaur"]),
        ("j'ai croisé moussa ba à la cantine", ["moussa ba"]),
        ("nguyen thi mai a envoyé le fichier", ["nguyen thi mai"]),
        ("le van hieu est passé ce matin", ["le van hieu"]),
        ("thx ashot 👍", ["ashot"]),
        ("le planning : lundi kaveh, mardi dariush", ["kaveh", "dariush"]),
    ],
)
def test_lower_case_chat_names_of_many_origins(found: Found, text: str, names: list[str]) -> None:
    assert found(text, "PERSON") == names


@pytest.mark.parametrize(
    "text",
    [
        "na-na est arrivé, bye-bye la pluie",
        "le van est garé devant",
        "la mise à jour a planté, le serveur est reparti",
    ],
)
def test_chat_without_names(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []

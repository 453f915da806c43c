"""Issue 15, ninth round, harmless words taken for names: a team signing a message, a
town after the noun of a place, the last item of a list of software, a firm's name
written with « + », a row's job after a spaced dash, a meeting named after a firm, firms named after their
founders, a firm after a label naming its trade, a chatbot."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text",
    [
        "Best regards,\nCustomer Success Team",
        "Visite de l'usine d'Albert demain matin avec le client.",
        "Outils : Jenkins, Grafana, Julia",
        "Relance envoyée à Kuehne+Nagel hier.",
        "Réunion Franck Provost : bilan du trimestre",
        # Firms named after their founders, a firm after a field label naming its trade,
        # a chatbot.
        "Our auditors are Ernst & Young; legal counsel is Baker McKenzie.",
        "Audit réalisé par Grant Thornton.",
        "Mutuelle : Alan ; prévoyance : Malakoff Humanis",
        "Le chatbot Albert de l'État répond aux usagers.",
    ],
)
def test_no_person(found: Found, text: str) -> None:
    assert found(text, "PERSON") == []


def test_a_rows_job_after_a_dash_is_not_the_name(found: Found) -> None:
    text = "Matricule 0931 – HOXHA Arben – Préparateur – 151,67 h"
    assert found(text, "PERSON") == ["HOXHA Arben"]

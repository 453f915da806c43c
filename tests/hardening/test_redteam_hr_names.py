"""Red team: an HR note names someone in full, then by the family name alone in the
next sentence (issue 15, ninth round). Through real HTTP against the bundled policies:
before the change, the provider received the family name the second time."""

from __future__ import annotations

import httpx

from tests.conftest import Gateway
from tests.hardening._helpers import chat, post_fresh

NOTE = (
    "Compte rendu d'entretien\n"
    "M. Radoslav Wieczorkiewicz s'est présenté à 9h. Wieczorkiewicz conteste l'avertissement "
    "et demande un délai. Mme Ifeyinwa Chukwuma-Obi, déléguée, l'accompagnait. "
    "Chukwuma-Obi demande une copie du compte rendu."
)


def test_a_family_name_alone_after_the_full_name_does_not_reach_the_provider(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", chat(content=NOTE))
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"]
    assert "Wieczorkiewicz" not in sent and "Chukwuma" not in sent, sent
    assert "Radoslav" not in sent and "Ifeyinwa" not in sent, sent
    assert response.headers["x-gateway-redactions"].startswith("PERSON=")

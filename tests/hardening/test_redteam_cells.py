"""Red team: a card number spread over the cells of a table, or after a date, with mixed
separators; and four 4-digit figures of a table that pass Luhn by chance, which are no card.

Through real HTTP against the bundled policies (card numbers blocked in requests), and on
the answer side against policies that mask them (whole and streamed, cut anywhere). Each
card below reached the provider before its fix (a markdown table's bars, a semicolon CSV,
a JSON array in a tool call, a date with its year before tab-separated groups, a tab and
spaces mixed); each table of figures was refused (a TSV or markdown row of four 4-digit
figures passing Luhn and an issuer's prefix: about one row in twenty-five).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.scripted import ScriptedProvider
from tests.hardening._helpers import post_fresh, scripted_answer

_SENDERS = itertools.count()

CARDS_IN_CELLS = {
    "markdown table under a card header": (
        "| Client | Carte | | | |\n|---|---|---|---|---|\n"
        "| Morel | 4970 | 1012 | 3456 | 7893 |\n"),
    "TSV with a date and its year": (
        "Date\tCarte\tMontant\n17/05/2024\t4970\t1012\t3456\t7893\t45,00\n"),
    "a date with its year, tabs, in prose": "Paiement du 17/05/2024\t4970\t1012\t3456\t7893",
    "ISO date, tabs, under a card statement": (
        "Relevé CB\n2024-05-17\t4970\t1012\t3456\t7893\tMorel\n"),
    "semicolon CSV": "client;carte\nMorel;4970;1012;3456;7893\n",
    "a tab and spaces mixed": "CB 4970\t1012 3456-7893 merci",
    "a table of cards without header": (
        "Morel | 4970 | 1012 | 3456 | 7893\nDupont | 5132 | 0000 | 0000 | 0000\n"),
}
FIGURES = {
    "TSV rows with labels": (
        "Trimestre\tNord\tSud\tEst\tOuest\nT1\t4970\t1012\t3456\t7893\n"
        "T2\t4500\t5200\t3900\t6100\nT3\t4100\t4800\t5100\t6600\n"),
    "markdown rows": (
        "| Trimestre | Nord | Sud | Est | Ouest |\n|---|---|---|---|---|\n"
        "| T1 | 4970 | 1012 | 3456 | 7893 |\n| T2 | 4500 | 5200 | 3900 | 6100 |\n"),
    "a row under its header": "Q1\tQ2\tQ3\tQ4\n4970\t1012\t3456\t7893\n",
    "CSV with a label": "agence,janvier,février,mars,avril\nLyon,4970,1012,3456,7893\n",
}



def _chat(text: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}


@pytest.mark.parametrize("case", list(CARDS_IN_CELLS))
def test_a_card_spread_over_cells_or_after_a_date_is_refused(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(CARDS_IN_CELLS[case]), sender="cellules")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_card_as_a_json_array_in_a_tool_call_is_refused(
    gw: Gateway, http: httpx.Client,
) -> None:
    arguments = json.dumps({"carte": ["4970", "1012", "3456", "7893"], "montant": 45})
    body = {"model": "gpt-test", "messages": [
        {"role": "user", "content": "Enregistre le paiement"},
        {"role": "assistant", "tool_calls": [{"id": "call_c4r7e", "type": "function",
                                              "function": {"name": "payer",
                                                           "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": "call_c4r7e", "content": "ok"}]}
    response = post_fresh(gw, http, "/v1/chat/completions", body, sender="cellules")
    assert response.status_code == 403, response.text
    assert gw.fake.received == []


@pytest.mark.parametrize("case", list(FIGURES))
def test_a_table_of_figures_passing_luhn_is_sent_as_written(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(FIGURES[case]), sender="cellules")
    assert response.status_code == 200, response.text
    assert "x-gateway-redactions" not in response.headers
    assert gw.fake.received[0].body["messages"][0]["content"] == FIGURES[case]


# The answer side: a gateway whose policies mask cards in answers.

def _answer(gw: Gateway, scripted: ScriptedProvider, content: str, pieces: int) -> str:
    return scripted_answer(gw, scripted, content, pieces,
                           f"cellules.reponse.{next(_SENDERS)}@exemple.fr")


@pytest.mark.parametrize("pieces", [1, 5, 17])
@pytest.mark.parametrize("case", ["markdown table under a card header",
                                  "TSV with a date and its year", "semicolon CSV"])
def test_a_card_the_model_spreads_over_cells_is_masked(
    masking: Gateway, scripted: ScriptedProvider, case: str, pieces: int,
) -> None:
    # The header has gone out of the stream's hold-back when the card comes.
    text = _answer(masking, scripted, CARDS_IN_CELLS[case], pieces)
    assert "<CREDIT_CARD>" in text, text
    assert "7893" not in text and "1012" not in text, text


@pytest.mark.parametrize("pieces", [1, 5, 17])
@pytest.mark.parametrize("case", list(FIGURES))
def test_a_table_of_figures_the_model_writes_is_left_as_written(
    masking: Gateway, scripted: ScriptedProvider, case: str, pieces: int,
) -> None:
    assert _answer(masking, scripted, FIGURES[case], pieces) == FIGURES[case]

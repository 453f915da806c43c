"""Red team: digit-shaped identifiers written the ways the last round did not read.

Through real HTTP against the bundled policies (NIRs and cards refused before an external
model; phones and IBANs pseudonymized). Each case below reached the fake provider as
written before its fix:

- an IBAN whose groups are parted by tabs (TSV cells), semicolons, dots, underscores,
  double spaces, or wrapped over two lines;
- a phone number parted by tabs or semicolons under a phone column, by underscores,
  middle dots, bullets or en dashes, wrapped over two lines, or « +33 » then tabs;
- letters typed for digits (« O » for 0, « l » and « I » for 1, « S » for 5) in a NIR,
  a card, a phone or an IBAN;
- a card number in words by thousands (« quatre mille cinq cent trente-deux … », « four
  thousand … »);
- a card spread over the cells of a TSV row whose header has one column for it.

And the false hits each fix must not bring: product codes mixing letters and digits, years
and amounts in words, a table of 2-digit figures, a table of 4-digit figures whose first
row passes Luhn.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.scripted import ScriptedProvider
from tests.hardening._helpers import post_fresh, scripted_answer

_SENDERS = itertools.count()  # a user per request: the bundled budget allows 30 a minute

REFUSED = {
    "a NIR with capital O for zeros": "Mon NIR : 184O369123O4581, merci",
    "a NIR grouped with l and I for ones": "NIR l 84 O3 69 I23 O45 81",
    "a card with S for 5 and O for 0": "carte 4S32 O151 1283 O366",
    "a card glued, o for 0": "Ref paiement 45320l5ll283o366",
    "a full-width NIR with a full-width O": "NIR １８４Ｏ３６９１２３０４５８１",
    "a card in French words by thousands": (
        "quatre mille cinq cent trente-deux, zéro cent cinquante et un, mille deux cent "
        "quatre-vingt-trois, zéro trois cent soixante-six"),
    "a card in English words by thousands": (
        "four thousand five hundred thirty-two, zero one hundred fifty-one, one thousand "
        "two hundred eighty-three, zero three hundred sixty-six"),
    "a card over TSV cells under one header column": (
        "Nom\tRéférence\tMontant\nMorel\t4532\t0151\t1283\t0366\t45,00\n"),
    "a card over CSV cells under one header column": (
        "nom,ref,montant\nMorel,4532,0151,1283,0366,45\n"),
}
# (text, the digits that must not reach the provider, the entity counted)
PSEUDONYMIZED = {
    "an IBAN in TSV cells": ("FR12\t1751\t9000\t0012\t3456\t7890\t012", "7890", "IBAN_CODE"),
    "an IBAN parted by semicolons": ("FR12;1751;9000;0012;3456;7890;012", "7890",
                                     "IBAN_CODE"),
    "an IBAN parted by dots": ("IBAN FR12.1751.9000.0012.3456.7890.012", "7890", "IBAN_CODE"),
    "an IBAN parted by underscores": ("FR12_1751_9000_0012_3456_7890_012", "7890",
                                      "IBAN_CODE"),
    "an IBAN with double spaces": ("FR12  1751  9000  0012  3456  7890  012", "7890",
                                   "IBAN_CODE"),
    "an IBAN wrapped": ("Virement sur FR12 1751 9000\n0012 3456 7890 012 svp", "9000",
                        "IBAN_CODE"),
    "a German IBAN in TSV cells": ("DE89\t3704\t0044\t0532\t0130\t00", "0532", "IBAN_CODE"),
    "an IBAN with O and l for digits": ("IBAN FR12 l75l 9OOO OO12 3456 789O O12", "3456",
                                        "IBAN_CODE"),
    "an IBAN in TSV cells with an l for a 1": ("FR12\t1751\t9000\t0012\t3456\t7890\t0l2",
                                               "7890", "IBAN_CODE"),
    "a phone in TSV cells under its column": ("Nom\tTéléphone\nMorel\t06\t48\t21\t77\t03",
                                              "48\t21\t77", "PHONE_NUMBER"),
    "a phone parted by semicolons": ("nom;tel\nMorel;06;48;21;77;03", "48;21;77",
                                     "PHONE_NUMBER"),
    "a phone parted by underscores": ("rappelle-moi au 06_48_21_77_03", "48_21_77",
                                      "PHONE_NUMBER"),
    "a phone parted by middle dots": ("dispo au 06·48·21·77·03", "48·21·77", "PHONE_NUMBER"),
    "a phone parted by bullets": ("06 • 48 • 21 • 77 • 03", "48 • 21", "PHONE_NUMBER"),
    "a phone parted by en dashes": ("joignable au 06–48–21–77–03", "48–21–77",
                                    "PHONE_NUMBER"),
    "a phone wrapped": ("mon portable 06 48\n21 77 03 après 18h", "21 77 03",
                        "PHONE_NUMBER"),
    "an international phone in TSV cells": ("+33\t6\t48\t21\t77\t03", "48\t21\t77",
                                            "PHONE_NUMBER"),
    "a phone with O for 0": ("tel O6 48 21 77 O3", "48 21 77", "PHONE_NUMBER"),
    "a phone in English words with a double": (
        "call me on oh six four eight two one double seven oh three", "double seven",
        "PHONE_NUMBER"),
}
HARMLESS = {
    "product codes": ("Réf. SO-2O24-l5 et lot 4O1O-B, modèle A320, 1O kg, code ISO 9OO1, "
                      "article OL1001IS5"),
    "years and amounts in words": (
        "En deux mille vingt-cinq, trois mille cinq cents euros, comme en mille neuf cent "
        "quatre-vingt-quatre ; nineteen eighty-four, two thousand twenty-five."),
    "a table of 2-digit figures": "M1\tM2\tM3\tM4\tM5\n01\t02\t03\t04\t05\n",
    "a table of 4-digit figures, first row passing Luhn": (
        "2408 8104 7851 2144\n1200 3400 5600 7800\n1850 2210 3390 4475\n"),
    "a TSV of figures under a full header": (
        "Agence\tT1\tT2\tT3\tT4\nLyon\t2408\t8104\t7851\t2144\nNice\t1200\t3400\t5600\t7800\n"),
}


def _chat(text: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}



def _sent(gw: Gateway) -> str:
    assert gw.fake_anthropic is not None
    return json.dumps([r.body for r in [*gw.fake.received, *gw.fake_anthropic.received]],
                      ensure_ascii=False)


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_nir_or_a_card_written_another_way_is_refused(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(REFUSED[case]), sender="chiffres")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


@pytest.mark.parametrize("case", list(PSEUDONYMIZED))
def test_a_phone_or_an_iban_written_another_way_is_pseudonymized(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    text, inside, entity = PSEUDONYMIZED[case]
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(text), sender="chiffres")
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"]
    assert inside not in sent, sent
    assert f"{entity}=" in response.headers.get("x-gateway-redactions", ""), sent


@pytest.mark.parametrize("case", list(HARMLESS))
def test_codes_figures_and_numbers_in_words_that_hide_nothing_are_sent_as_written(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(HARMLESS[case]), sender="chiffres")
    assert response.status_code == 200, response.text
    assert "x-gateway-redactions" not in response.headers, response.headers
    assert gw.fake.received[0].body["messages"][0]["content"] == HARMLESS[case]


# The same NIR, letters for digits, in the other fields a request carries.
NIR_LETTERS = "l84O369l23O4581"


def _fields(text: str) -> dict[str, tuple[str, dict[str, Any]]]:
    asked = [{"role": "user", "content": "Bonjour"}]
    return {
        "a tool's description": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": asked, "tools": [{"type": "function", "function": {
                "name": "fiche", "description": f"Fiche de l'assuré {text}",
                "parameters": {"type": "object", "properties": {}}}}]}),
        "a response_format schema": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": asked, "response_format": {
                "type": "json_schema", "json_schema": {"name": "fiche", "schema": {
                    "type": "object", "description": f"pour {text}", "properties": {}}}}}),
        "metadata": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": asked, "store": True,
            "metadata": {"dossier": text}}),
        "a Responses input string": ("/v1/responses", {
            "model": "gpt-test", "input": f"Dossier {text}"}),
        "an Anthropic text document": ("/v1/messages", {
            "model": "claude-test", "max_tokens": 50, "messages": [{"role": "user", "content": [
                {"type": "document", "source": {"type": "text", "media_type": "text/plain",
                                                "data": f"Assuré : {text}"}},
                {"type": "text", "text": "Résume"}]}]}),
        "two messages": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": [
                {"role": "user", "content": f"NIR {text[:7]}"},
                {"role": "user", "content": f"{text[7:]} voilà"}]}),
    }


@pytest.mark.parametrize("shape", list(_fields("")))
def test_a_nir_with_letters_for_digits_is_refused_in_every_field(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    path, body = _fields(NIR_LETTERS)[shape]
    response = post_fresh(gw, http, path, body, sender="chiffres")
    assert response.status_code == 403, response.text
    assert "O369" not in _sent(gw)


# The answer side: a gateway whose policies mask cards in answers, whole and streamed.

def _answer(gw: Gateway, scripted: ScriptedProvider, content: str, pieces: int) -> str:
    return scripted_answer(gw, scripted, content, pieces,
                           f"chiffres.reponse.{next(_SENDERS)}@exemple.fr")


@pytest.mark.parametrize("pieces", [1, 5, 17])
def test_a_table_of_figures_whose_first_row_passes_luhn_is_left_as_the_model_wrote_it(
    masking: Gateway, scripted: ScriptedProvider, pieces: int,
) -> None:
    # The stream holds the first row back until the row under it is there.
    table = HARMLESS["a table of 4-digit figures, first row passing Luhn"]
    assert _answer(masking, scripted, table, pieces) == table


@pytest.mark.parametrize("pieces", [1, 5, 17])
@pytest.mark.parametrize("text", [
    "Voici :\n4532 0151 1283 0366\nBonne journée",
    "4532 0151 1283 0366\n4486 5799 9211 4940\n",
    REFUSED["a card over TSV cells under one header column"],
], ids=["a card on its line", "two cards", "a card over TSV cells under one header column"])
def test_a_card_the_model_prints_on_its_own_line_is_masked(
    masking: Gateway, scripted: ScriptedProvider, text: str, pieces: int,
) -> None:
    answer = _answer(masking, scripted, text, pieces)
    assert "<CREDIT_CARD>" in answer and "0366" not in answer, answer


# Base64 longer than the stream's hold-back (256 characters), a NIR near its end.
_REPORT = ("Compte rendu de la réunion du comité, suivi des dossiers en cours. " * 6
           + "Assuré : 184036912304581, merci.")
LONG_TOKEN = base64.b64encode(_REPORT.encode()).decode()


def _decoded(answer: str) -> str:
    """What the base64 left in ``answer`` decodes to (a part cut anywhere included)."""
    token = max(re.findall(r"[A-Za-z0-9+/]{16,}", answer), key=len, default="")
    body = token[: len(token) // 4 * 4]
    return base64.b64decode(body).decode("utf-8", "ignore")


@pytest.mark.parametrize("pieces", [1, 5, 17, 40])
def test_a_nir_at_the_end_of_a_long_base64_token_the_model_streams_is_masked(
    masking: Gateway, scripted: ScriptedProvider, pieces: int,
) -> None:
    answer = _answer(masking, scripted, f"Voici le contenu encodé : {LONG_TOKEN} fin.", pieces)
    assert "<FR_NIR>" in answer, answer
    assert "184036" not in _decoded(answer), _decoded(answer)


@pytest.mark.parametrize("at", [101, 150, 222])
def test_a_long_base64_token_split_over_two_messages_is_refused(
    gw: Gateway, http: httpx.Client, at: int,
) -> None:
    token = LONG_TOKEN[-224:]  # the NIR in its last bytes, cut at a multiple of four
    body = {"model": "gpt-test", "messages": [
        {"role": "user", "content": f"Décode : {token[:at]}"},
        {"role": "user", "content": f"{token[at:]} merci"}]}
    response = post_fresh(gw, http, "/v1/chat/completions", body, sender="chiffres")
    assert response.status_code == 403, response.text
    assert gw.fake.received == []

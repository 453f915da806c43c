"""Red team, fifth round: identifiers the fourth round's readings left out.

Through real HTTP against the bundled policies (NIRs and cards refused before an external
model; phones pseudonymized). Each case below reached the fake provider as written before
its fix, and its record held it:

- a phone or a card spread over the cells of a row with no header above it (a row pasted
  alone: « dupont<TAB>06<TAB>48<TAB>21<TAB>77<TAB>03<TAB>lyon », a Markdown row);
- an international phone with its trunk « (0) » and groups parted by middle dots, a
  hyphenation point, a bullet operator or a slash (« +33 (0)6·48·21·77·03 »);
- a Corsican NIR (department 2A or 2B) with letters typed for digits (« l84O22A… »).

And the false hits the fixes must not bring: rows of figures under their header, a
labelled table of figures, a row of figures alone, versions, dates and amounts.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

# A Corsican NIR's key is computed with 2A read as 19 and 2B as 18.
CORSICAN = "184022A12345634"
CORSICAN_B = "284122B04512331"
NIR = "184036912304581"

REFUSED = {
    "a card over the cells of a row alone": "Morel\t4532\t0151\t1283\t0366\t45,00",
    "a card over the cells of a CSV row alone": "Morel,4532,0151,1283,0366,45",
    "a card over the cells of a Markdown row": "| Morel | 4532 | 0151 | 1283 | 0366 |",
    "a Corsican NIR with letters for digits": "NIR l84O22A l23456 34",
    "a Corsican NIR grouped, O for zeros": "sécu 1 84 O2 2A 123 456 34",
    "a Corsican NIR, 2B lower case, l for ones": "numéro 284l22bO45l23 31",
    "a Corsican NIR, Cyrillic A, O for zero": "NIR 184O22А12345634",
    # A NIR or card column formatted as a number by a spreadsheet, pasted.
    "a NIR by thousands": "NIR 184 036 912 304 581",
    "a NIR by thousands, commas": "assuré,184,036,912,304,581",
    "a NIR by thousands, Swiss apostrophes": "NIR 184'036'912'304'581",
    "a NIR in scientific notation": "NIR 1,84036912304581E+14",
    "a card by thousands, commas": "carte 4,532,015,112,830,366",
    # Escapes of source code, and separators a reader skips.
    "a NIR in \\x escapes": 's = "' + "".join(f"\\x{ord(c):02x}" for c in NIR) + '"',
    "a NIR in \\u{} escapes": 's = "' + "".join(f"\\u{{{ord(c):x}}}" for c in NIR) + '"',
    "a NIR in \\U escapes": 's = "' + "".join(f"\\U{ord(c):08x}" for c in NIR) + '"',
    "a NIR parted by blank Braille patterns": "NIR " + "\u2800".join(NIR),
    "a NIR in its groups, plus signs": "NIR 1+84+03+69+123+045+81",
    "a NIR in its groups, colons": "NIR 1:84:03:69:123:045:81",
    "a NIR in its groups, brackets": "NIR (1)(84)(03)(69)(123)(045)(81)",
    "a NIR in its groups, a JSON array of strings": (
        '{"nir": ["1", "84", "03", "69", "123", "045", "81"]}'),
}
# (text, what must not reach the provider, the entity counted)
PSEUDONYMIZED = {
    "a phone over the cells of a row alone": (
        "dupont\t06\t48\t21\t77\t03\tlyon", "48\t21\t77", "PHONE_NUMBER"),
    "a phone over the cells of a CSV row": ("dupont,06,48,21,77,03,lyon", "48,21,77",
                                            "PHONE_NUMBER"),
    "a phone over semicolon cells": ("dupont;06;48;21;77;03;lyon", "48;21;77", "PHONE_NUMBER"),
    "phones over the cells of rows without a header": (
        "dupont\t06\t48\t21\t77\t03\nmartin\t07\t12\t34\t56\t78", "34\t56\t78",
        "PHONE_NUMBER"),
    "a phone over the cells of a Markdown row": (
        "| dupont | 06 | 48 | 21 | 77 | 03 |", "48 | 21", "PHONE_NUMBER"),
    "a phone, one column of its header": (
        "Nom\tContact\tVille\ndupont\t06\t48\t21\t77\t03\tlyon", "48\t21\t77", "PHONE_NUMBER"),
    "+33 (0) and middle dots": ("+33 (0)6·48·21·77·03", "48·21·77", "PHONE_NUMBER"),
    "+33 (0) and hyphenation points": ("+33 (0)6‧48‧21‧77‧03", "48‧21‧77", "PHONE_NUMBER"),
    "+33 (0) and bullet operators": ("+33 (0)6∙48∙21∙77∙03", "48∙21∙77", "PHONE_NUMBER"),
    "+33 (0) and slashes": ("+33 (0)6/48/21/77/03", "48/21/77", "PHONE_NUMBER"),
    "+33 (0) and dot operators": ("+33(0)6⋅48⋅21⋅77⋅03", "48⋅21⋅77", "PHONE_NUMBER"),
    "+33 and katakana middle dots": ("+33・6・48・21・77・03", "48・21・77", "PHONE_NUMBER"),
    "+33 (0), thin spaces": ("+33\u2009(0)6\u200948\u200921\u200977\u200903",
                             "48\u200921", "PHONE_NUMBER"),
    "a national phone in hyphenation points": ("au 06‧48‧21‧77‧03", "48‧21‧77",
                                               "PHONE_NUMBER"),
}
HARMLESS = {
    "a row of 2-digit figures under its header": "M1\tM2\tM3\tM4\tM5\n01\t02\t03\t04\t05\n",
    "a labelled row under a header of as many columns": (
        "Agence\tL1\tL2\tL3\tL4\tL5\nLyon\t06\t48\t21\t77\t03\n"),
    "a labelled table of 4-digit figures without header": (
        "Lyon\t2408\t8104\t7851\t2144\nNice\t1200\t3400\t5600\t7800\n"),
    "a table whose last row passes Luhn": (
        "Nice\t1200\t3400\t5600\t7800\nLyon\t2408\t8104\t7851\t2144\n"),
    "a total row alone": "Total\t2408\t8104\t7851\t2144",
    "a quarter's row alone": "T1;2408;8104;7851;2144",
    "versions, dates and amounts": (
        "v2.6.0 du 06/12/2024, 1 234,56 € ; build 06.48.21 ; lot 2A-1234 ; ratio 1/2"),
    "a price list": "Article\tPrix\nA4\t06,48\nA5\t21,77\n",
    "amounts by thousands": "Dette : 3 101 234 567 890 € ; 45,000,000,000,000 ¥ ; 1'250'000 CHF",
    "scientific notation": "total 1.23456789012345E+15 unités ; population 6,8E+07",
    "times, ratios and paths": 'à 10:30:45, score 3+4+5, "C:\\x64\\bin" et (2)(3)',
}


def _chat(text: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}


def _record(gw: Gateway, response: httpx.Response) -> dict[str, Any]:
    return gw.record(response.headers["x-gateway-interaction-id"])


@pytest.mark.parametrize("case", list(REFUSED))
def test_a_nir_or_a_card_written_so_is_refused(gw: Gateway, http: httpx.Client,
                                               case: str) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(REFUSED[case]), sender="round5")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    record = _record(gw, response)
    assert record["decision"] == "blocked"
    assert set(record["pii_findings"]) & {"FR_NIR", "CREDIT_CARD"}, record["pii_findings"]


@pytest.mark.parametrize("case", list(PSEUDONYMIZED))
def test_a_phone_written_so_is_pseudonymized(gw: Gateway, http: httpx.Client,
                                             case: str) -> None:
    text, inside, entity = PSEUDONYMIZED[case]
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(text), sender="round5")
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"]
    assert inside not in sent, sent
    assert f"{entity}=" in response.headers.get("x-gateway-redactions", "")
    record = _record(gw, response)
    assert record["pii_findings"].get(entity), record["pii_findings"]
    assert inside not in json.dumps(record["prompt"], ensure_ascii=False)


@pytest.mark.parametrize("case", list(HARMLESS))
def test_figures_codes_and_dates_are_sent_as_written(gw: Gateway, http: httpx.Client,
                                                     case: str) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(HARMLESS[case]), sender="round5")
    assert response.status_code == 200, response.text
    assert "x-gateway-redactions" not in response.headers, response.headers
    assert gw.fake.received[0].body["messages"][0]["content"] == HARMLESS[case]
    assert _record(gw, response)["pii_findings"] == {}

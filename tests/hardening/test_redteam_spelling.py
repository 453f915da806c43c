"""Red team: a NIR, a card number or an e-mail address spelled so a reader still reads it,
through real HTTP against the bundled policies (NIRs and cards blocked, e-mails
pseudonymized for an external model).

Each case reached the fake provider before its fix: separators a reader skips (a tab, a
line break, an underscore, a comma, an en or em dash, one between every digit, markdown
bold), a card number glued after a letter (« ref_4970… », « CB4970… »), escapes encoded
twice (« &amp;#50; », « %2532 », « \\\\u0032 »), the digits reversed behind a right-to-left
override (U+202E: the reader sees them in order), and bare base64 or hex that decodes to
the value. In a message and in a tool call's JSON arguments.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

NIR = "269054958815780"  # valid key
GROUPS = ["2", "69", "05", "49", "588", "157", "80"]
CARD = "4970101234567893"  # Luhn-valid
CARD_GROUPS = ["4970", "1012", "3456", "7893"]
EMAIL = "jeanne.morel@exemple-client.fr"


def _html_twice(text: str) -> str:
    return "".join(f"&amp;#{ord(c)};" if c.isdigit() else c for c in text)


NIR_SPELLINGS = {
    "tabs": "\t".join(GROUPS),
    "line breaks": "\n".join(GROUPS),
    "underscores": "_".join(GROUPS),
    "commas": ",".join(GROUPS),
    "commas and spaces": ", ".join(GROUPS),
    "en dashes": "\u2013".join(GROUPS),
    "em dashes with spaces": " \u2014 ".join(GROUPS),
    "a space between every digit": " ".join(NIR),
    "a dot between every digit": ".".join(NIR),
    "bold markup": "**2 69 05** 49 588 157 80",
    "HTML references encoded twice": _html_twice(NIR),
    "percent-encoding encoded twice": "".join(f"%25{ord(c):02X}" for c in NIR),
    "escaped \\u escapes": "".join(f"\\\\u{ord(c):04x}" for c in NIR),
    "reversed behind a right-to-left override": "\u202e" + NIR[::-1] + "\u202c",
    "base64": base64.b64encode(NIR.encode()).decode(),
    "base64 without padding, spaced": base64.b64encode(" ".join(GROUPS).encode()).decode(),
    "hex": NIR.encode().hex(),
}
CARD_SPELLINGS = {
    "glued after an underscore": "ref_" + CARD,
    "glued after letters": "CB" + CARD,
    "tabs": "\t".join(CARD_GROUPS),
    "line breaks": "\n".join(CARD_GROUPS),
    "bold markup": "**4970 1012** 3456 7893",
    "a space between every digit": " ".join(CARD),
    "base64": base64.b64encode(CARD.encode()).decode(),
}



def _chat(text: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": text}]}


def _tool_argument(value: str) -> dict[str, Any]:
    arguments = json.dumps({"numero": value})  # « \t », « \n » as JSON escapes
    return {"model": "gpt-test", "messages": [
        {"role": "user", "content": "Enregistre le dossier"},
        {"role": "assistant", "tool_calls": [{"id": "call_a1b2c3d4", "type": "function",
                                              "function": {"name": "save",
                                                           "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": "call_a1b2c3d4", "content": "ok"}]}


def _refused(gw: Gateway, response: httpx.Response, written: str) -> None:
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert written not in record["prompt"]


# Each spelling in a sentence of a message, and alone as a tool call's argument.
SPELLED = [
    *(pytest.param(f"Dossier de l'assuré : {written} à traiter", written, id=f"NIR, {name}")
      for name, written in NIR_SPELLINGS.items()),
    *(pytest.param(f"Paiement : {written} à rembourser", written, id=f"card, {name}")
      for name, written in CARD_SPELLINGS.items()),
]


@pytest.mark.parametrize("sentence, written", SPELLED)
def test_a_nir_or_a_card_number_spelled_so_a_reader_reads_it_is_refused(
    gw: Gateway, http: httpx.Client, sentence: str, written: str,
) -> None:
    _refused(gw, post_fresh(gw, http, "/v1/chat/completions", _chat(sentence), sender="epele"), written)
    _refused(gw, post_fresh(gw, http, "/v1/chat/completions", _tool_argument(written), sender="epele"), json.dumps(written)[1:-1])


@pytest.mark.parametrize("encode", [base64.b64encode, base64.urlsafe_b64encode,
                                    lambda b: b.hex().encode()], ids=["base64", "url", "hex"])
def test_an_email_in_bare_base64_or_hex_is_pseudonymized(
    gw: Gateway, http: httpx.Client, encode: Any,
) -> None:
    token = encode(EMAIL.encode()).decode()
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(f"Réponds au client {token} avant midi"), sender="epele")
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"]
    assert token not in sent and sent.startswith("Réponds au client ")
    assert "EMAIL_ADDRESS=1" in response.headers["x-gateway-redactions"]


@pytest.mark.parametrize("text", [
    "| Trimestre | 2024 | 2025 |\n|---|---|---|\n| T1 | 4 500 | 5 200 |\n| T2 | 3 900 | 6 100 |",
    "Commande 2024-05-17\t12\t450,00\t5400,00\nréf. 7 3 1",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, uuid "
    "123e4567-e89b-12d3-a456-426614174000, en-tête dGhpcyBpcyBub3QgYSBzZWNyZXQ=",
    "Image iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    "Lot 1 2 3 4 5 6 7 8 9 ; codes 12_34_56 ; poste 4 2 1.",
], ids=["table", "tsv", "hash uuid base64", "png", "short runs"])
def test_numbers_and_tokens_that_hide_nothing_are_sent_as_written(
    gw: Gateway, http: httpx.Client, text: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", _chat(text), sender="epele")
    assert response.status_code == 200, response.text
    assert "x-gateway-redactions" not in response.headers
    assert gw.fake.received[0].body["messages"][0]["content"] == text

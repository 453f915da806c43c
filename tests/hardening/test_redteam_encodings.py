"""Red team: a blocked value or a held phrase written in an encoding the model reads as
text, through real HTTP against the bundled policies.

Each case reached the fake provider before its fix (``gateway.text.normalize`` now decodes
them for the matchers): HTML character references (« &#50;&#54;… », « PROJET&nbsp;AURORE »),
percent-encoding (« PROJET%20AURORE »), ``\\u0032`` escapes inside a tool call's JSON
arguments, and marks on digits (an accent, a keycap « 2️⃣ »). Zero-width and bidi controls,
look-alike letters, no-break spaces and digits of other scripts were already read (their
tests are in tests/redaction and tests/text).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

NIR = "269054958815780"  # valid key
SPACED = "2 69 05 49 588 157 80"


def _html(text: str) -> str:
    return "".join(f"&#{ord(c)};" if c.isdigit() else c for c in text)


def _html_hex(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" if c.isdigit() else c for c in text)


def _percent(text: str) -> str:
    return "".join(f"%{ord(c):02X}" for c in text)


def _marked(text: str, mark: str) -> str:
    return "".join(c + mark if c.isdigit() else c for c in text)


NIR_SPELLINGS = {
    "HTML decimal references": _html(NIR),
    "HTML hexadecimal references": _html_hex(SPACED),
    "one reference in front": "&#50;" + NIR[1:],
    "percent-encoded": _percent(NIR),
    "an accent on each digit": _marked(SPACED, "\u0301"),
    "underlined digits": _marked(NIR, "\u0332"),
    "keycaps": _marked(SPACED, "\ufe0f\u20e3"),
}



def _refused(gw: Gateway, response: httpx.Response, code: str) -> dict[str, Any]:
    assert response.status_code == 403, response.text
    assert response.json()["error"]["code"] == code
    assert gw.fake.received == []
    return gw.record(response.headers["x-gateway-interaction-id"])


@pytest.mark.parametrize("spelling", list(NIR_SPELLINGS))
def test_nir_in_an_encoding_the_model_reads_is_refused(
    gw: Gateway, http: httpx.Client, spelling: str,
) -> None:
    written = NIR_SPELLINGS[spelling]
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": f"Mon numéro de sécu : {written}, merci"}]})
    record = _refused(gw, response, "policy_violation")
    assert "nir-et-cartes-interdits-hors-site" in record["rule_ids"]
    assert written not in record["prompt"]  # masked as written, escapes and all


def test_nir_as_unicode_escapes_in_tool_call_arguments_is_refused(
    gw: Gateway, http: httpx.Client,
) -> None:
    # json.dumps(ensure_ascii=True) of full-width digits, as a tool's own JSON encoder
    # writes them: the arguments string holds « \uff12\uff16… », the tool reads a NIR.
    arguments = json.dumps({"nir": "".join(chr(0xFF10 + int(c)) for c in NIR)})
    assert "\\uff12" in arguments
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": "Enregistre le dossier"},
        {"role": "assistant", "tool_calls": [{"id": "call_a1b2c3d4", "type": "function",
                                              "function": {"name": "save",
                                                           "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": "call_a1b2c3d4", "content": "ok"}]})
    _refused(gw, response, "policy_violation")


@pytest.mark.parametrize("written", [
    "PROJET&nbsp;AURORE", "PROJET&#32;AURORE", "PROJET%20AURORE", "CONFIDENTIE&#76;",
    "&#67;ONFIDENTIEL", "PROJET\\u0020AURORE", "PROJET&#x2D;AURORE",
])
def test_held_phrase_in_an_encoding_the_model_reads_is_held(
    gw: Gateway, http: httpx.Client, written: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": f"Résume la note {written} ci-dessous."}]})
    record = _refused(gw, response, "approval_required")
    assert "documents-confidentiels" in record["rule_ids"]


def test_prose_with_percents_and_ampersands_is_sent_as_written(
    gw: Gateway, http: httpx.Client,
) -> None:
    text = ("R&D : +12 % (50%), voir https://intranet.exemple.fr/q?x=a%20b&y=2 et "
            "l'offre « 100 %25 » ; tom&jerry; C:\\users\\u1234")
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": text}]})
    assert response.status_code == 200, response.text
    assert gw.fake.received[0].body["messages"][0]["content"] == text

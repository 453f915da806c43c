"""Red team, fifth round: the CONFIDENTIEL hold stepped around by writing the stamp as a
reader still reads it.

The bundled rule ``documents-confidentiels`` holds a request whose text holds
« CONFIDENTIEL », « DIFFUSION RESTREINTE » or « PROJET AURORE » / « PROJET ZEPHYR » (in
capitals, as the company's document stamps print them). Each case below reached the
provider (200, ``allowed``) before its fix: the letters spaced out, dotted, stacked one a
line, cut by bold markup, struck through or underlined, in small capitals or enclosed
letters, and the code name's words parted by a line break, a tab, an underscore or two
spaces. A reader, and the model, read the stamp in each. Through chat, Anthropic
messages (a tool result) and the Responses API.

Ordinary text is not held: the stamp in lower case (the rule asks for capitals), single
letters in prose, snake_case names.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

HELD = {
    "letters spaced out": "Document C O N F I D E N T I E L : budget 2027",
    "letters dotted": "C.O.N.F.I.D.E.N.T.I.E.L — budget 2027",
    "letters dashed": "Tampon : C-O-N-F-I-D-E-N-T-I-E-L",
    "one letter a line": "\n".join("CONFIDENTIEL") + "\nbudget 2027",
    "bold markup inside the word": "**CONFI**DENTIEL budget 2027",
    "struck through": "".join(c + "\u0336" for c in "CONFIDENTIEL") + " budget",
    "underlined": "".join(c + "\u0332" for c in "CONFIDENTIEL") + " budget",
    "small capitals": "ᴄᴏɴꜰɪᴅᴇɴᴛɪᴇʟ budget 2027",
    "negative squared letters": "🅲🅾🅽🅵🅸🅳🅴🅽🆃🅸🅴🅻 budget",
    "regional indicators": "🇨🇴🇳🇫🇮🇩🇪🇳🇹🇮🇪🇱 budget",
    "a code name over a line break": "Point sur le PROJET\nAURORE",
    "a code name over a tab": "PROJET\tZEPHYR : planning",
    "a code name with an underscore": "Voir PROJET_AURORE_planning.xlsx",
    "a code name with two spaces": "Le PROJET  ZEPHYR avance",
    "two stamp words over a line break": "DIFFUSION\nRESTREINTE — note interne",
}
SENT = {
    "the stamp in lower case": "Ce document est confidentiel, merci.",
    "single letters in prose": "Il y a à faire : a, b et c sont prêts ; le plan A ou B.",
    "snake_case names": "la fonction projet_aurore_v2() et la variable PROJET_NOM",
    "initials": "Signé J. M. D., service R & D",
}


def _shapes(text: str) -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "chat": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": [{"role": "user", "content": text}]}),
        "an Anthropic tool result": ("/v1/messages", {
            "model": "claude-test", "max_tokens": 50, "messages": [
                {"role": "user", "content": "Lis le fichier"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01AbCd",
                                                   "name": "read_file", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01AbCd",
                                              "content": [{"type": "text", "text": text}]}]}]}),
        "a Responses input": ("/v1/responses", {"model": "gpt-test", "input": text}),
    }


@pytest.mark.parametrize("case", list(HELD))
def test_a_stamp_written_as_a_reader_reads_it_is_held(gw: Gateway, http: httpx.Client,
                                                      case: str) -> None:
    path, body = _shapes(HELD[case])["chat"]
    response = post_fresh(gw, http, path, body, sender="round5.tampon")
    assert response.status_code == 403, response.text
    assert "approval_required" in response.text
    assert gw.fake.received == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "held"
    assert "documents-confidentiels" in record["rule_ids"]


@pytest.mark.parametrize("shape", list(_shapes("")))
def test_a_spaced_out_stamp_is_held_in_every_shape(gw: Gateway, http: httpx.Client,
                                                   shape: str) -> None:
    path, body = _shapes(HELD["letters spaced out"])[shape]
    response = post_fresh(gw, http, path, body, sender="round5.tampon")
    assert response.status_code == 403, response.text
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []
    assert gw.record(response.headers["x-gateway-interaction-id"])["decision"] == "held"


@pytest.mark.parametrize("case", list(SENT))
def test_ordinary_text_is_not_held(gw: Gateway, http: httpx.Client, case: str) -> None:
    path, body = _shapes(SENT[case])["chat"]
    response = post_fresh(gw, http, path, body, sender="round5.tampon")
    assert response.status_code == 200, response.text
    assert gw.fake.received[0].body["messages"][0]["content"] == SENT[case]
    assert "documents-confidentiels" not in gw.record(
        response.headers["x-gateway-interaction-id"])["rule_ids"]

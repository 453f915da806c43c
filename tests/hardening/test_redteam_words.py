"""Red team: identifiers written in words or wrapped in HTML markup, in every API shape.

A hurried employee dictates a NIR (« deux six neuf zéro cinq … », digit by digit or by
groups) or a phone number (« zéro six, douze, trente-quatre … ») in words; a page pasted
as HTML puts markup between the groups of a card number (« <b>4970</b> <i>1012</i> … »)
or a NIR in table cells. The model reads each as the number. Each reached the provider
(200) before its fix, in a chat message, a tool call's arguments, a Responses input item,
an Anthropic text document and tool result, an embeddings input and a PDF attachment.
Against the bundled policies: NIRs and cards refused, phones pseudonymized.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh
from tests.hardening.test_attachments import b64, pdf_of

REFUSED = {
    "a NIR digit by digit in words": (
        "deux six neuf zéro cinq quatre neuf cinq huit huit un cinq sept huit zéro"),
    "a NIR by groups in words": (
        "deux, soixante-neuf, zéro cinq, quarante-neuf, cinq cent quatre-vingt-huit, "
        "cent cinquante-sept, quatre-vingts"),
    "a card in HTML markup": "<b>4970</b> <i>1012</i> <span>3456</span> 7893",
    "a NIR in HTML table cells": (
        "<tr><td>2</td><td>69</td><td>05</td><td>49</td><td>588</td><td>157</td>"
        "<td>80</td></tr>"),
}
PHONE = "zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit"


def _shapes(text: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """The same text in each place a request carries it."""
    arguments = json.dumps({"dossier": text}, ensure_ascii=False)
    return {
        "chat message": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": [{"role": "user", "content": f"Note : {text}"}]}),
        "chat tool-call arguments": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": [
                {"role": "user", "content": "Enregistre"},
                {"role": "assistant", "tool_calls": [{
                    "id": "call_w0rd5", "type": "function",
                    "function": {"name": "save", "arguments": arguments}}]},
                {"role": "tool", "tool_call_id": "call_w0rd5", "content": "ok"}]}),
        "Responses input item": ("/v1/responses", {
            "model": "gpt-test", "input": [{"role": "user", "content": [
                {"type": "input_text", "text": f"Note : {text}"}]}]}),
        "Anthropic text document": ("/v1/messages", {
            "model": "claude-test", "max_tokens": 50, "messages": [{"role": "user", "content": [
                {"type": "document", "source": {"type": "text", "media_type": "text/plain",
                                                "data": f"Fiche : {text}"}},
                {"type": "text", "text": "Résume"}]}]}),
        "Anthropic tool result": ("/v1/messages", {
            "model": "claude-test", "max_tokens": 50, "messages": [
                {"role": "user", "content": "Cherche"},
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_w0rd5",
                                                   "name": "lookup", "input": {}}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_w0rd5",
                                              "content": f"Fiche : {text}"}]}]}),
        "embeddings input": ("/v1/embeddings", {"model": "embed-test", "input": text}),
        "PDF attachment": ("/v1/chat/completions", {
            "model": "gpt-test", "messages": [{"role": "user", "content": [
                {"type": "text", "text": "Résume la pièce jointe"},
                {"type": "file", "file": {"filename": "fiche.pdf", "file_data":
                                          "data:application/pdf;base64,"
                                          + b64(pdf_of(f"Fiche : {text}"))}}]}]}),
    }


SHAPES = list(_shapes(""))



@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("spelling", list(REFUSED))
def test_an_identifier_in_words_or_markup_is_refused_in_every_shape(
    gw: Gateway, http: httpx.Client, spelling: str, shape: str,
) -> None:
    path, body = _shapes(REFUSED[spelling])[shape]
    response = post_fresh(gw, http, path, body, sender="mots")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


@pytest.mark.parametrize("shape", ["chat message", "Responses input item",
                                   "Anthropic text document"])
def test_a_phone_number_in_words_is_pseudonymized(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    path, body = _shapes(PHONE)[shape]
    response = post_fresh(gw, http, path, body, sender="mots")
    assert response.status_code == 200, response.text
    assert gw.fake_anthropic is not None
    sent = json.dumps([r.body for r in [*gw.fake.received, *gw.fake_anthropic.received]],
                      ensure_ascii=False)
    assert "trente-quatre" not in sent and "cinquante-six" not in sent, sent
    assert "PHONE_NUMBER=1" in response.headers["x-gateway-redactions"]


@pytest.mark.parametrize("text", [
    "On a reçu vingt-cinq ou trente dossiers, dont deux urgents et un en retard.",
    "Trois, deux, un, partez ! Le lot six sept est prêt.",
    "Score final : quatre-vingt-dix-huit à quatre-vingt-quinze, cent spectateurs.",
    "<p>Le <b>12</b> mars, <i>3</i> réunions</p>",
], ids=["counts", "countdown", "a score", "markup around small numbers"])
def test_numbers_in_words_that_are_no_identifier_are_sent_as_written(
    gw: Gateway, http: httpx.Client, text: str,
) -> None:
    path, body = _shapes(text)["chat message"]
    response = post_fresh(gw, http, path, body, sender="mots")
    assert response.status_code == 200, response.text
    assert "x-gateway-redactions" not in response.headers
    assert gw.fake.received[0].body["messages"][0]["content"] == f"Note : {text}"

"""Red team: a blocked value inside a text document sent base64-encoded, through real HTTP
against the bundled policies.

Before the fix these reached the fake provider unread: the base64 as the ``base64`` tool
and MIME write it (lines of 76 columns), without its padding, a text in UTF-16 or in
Windows-1252 (a French text file saved by Windows), a data URL whose media type is neither
text nor binary (``application/octet-stream``, none, ``application/csv``) or written in
capitals, and a ``data:`` string whose base64 does not decode.
"""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

TEXT = ("Compte rendu de l'entretien avec Mme Durand, employée depuis 2019.\n"
        "Son numéro de sécurité sociale : 2 69 05 49 588 157 80. Dossier complet.\n")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


DATA_URLS = {
    "wrapped at 76 columns": "data:text/plain;base64," + base64.encodebytes(
        TEXT.encode()).decode(),
    "no padding": "data:text/plain;base64," + _b64(TEXT.encode() + b"!").rstrip("="),
    "UTF-16": "data:text/plain;base64," + _b64(TEXT.encode("utf-16")),
    "Windows-1252": "data:text/plain;base64," + _b64(TEXT.encode("cp1252")),
    "a declared charset": "data:text/plain;charset=iso-8859-1;base64," + _b64(
        TEXT.encode("latin-1")),
    "application/octet-stream": "data:application/octet-stream;base64," + _b64(
        TEXT.encode()),
    "no media type": "data:;base64," + _b64(TEXT.encode()),
    "application/csv": "data:application/csv;base64," + _b64(TEXT.encode()),
    "capitals": "DATA:TEXT/PLAIN;BASE64," + _b64(TEXT.encode()),
    "not base64": "data:application/x-note;base64,!! " + TEXT,
}



def _refused_unsent(gw: Gateway, response: httpx.Response) -> None:
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


@pytest.mark.parametrize("case", list(DATA_URLS))
def test_chat_file_with_a_nir_is_refused_however_it_is_encoded(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": [
            {"type": "text", "text": "Résume ce fichier"},
            {"type": "file", "file": {"filename": "cr.txt", "file_data": DATA_URLS[case]}}]}]})
    _refused_unsent(gw, response)


@pytest.mark.parametrize("encode", [
    lambda text: base64.encodebytes(text.encode()).decode(),
    lambda text: _b64(text.encode("cp1252")),
    lambda text: _b64(text.encode("utf-16")),
], ids=["wrapped", "Windows-1252", "UTF-16"])
def test_messages_document_with_a_nir_is_refused_however_it_is_encoded(
    gw: Gateway, http: httpx.Client, encode: Any,
) -> None:
    response = post_fresh(gw, http, "/v1/messages", {
        "model": "claude-test", "max_tokens": 50, "messages": [{"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "text/plain",
                                            "data": encode(TEXT)}},
            {"type": "text", "text": "Résume ce document"}]}]})
    _refused_unsent(gw, response)


def test_a_text_document_that_does_not_decode_is_refused_unsent(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = post_fresh(gw, http, "/v1/messages", {
        "model": "claude-test", "max_tokens": 50, "messages": [{"role": "user", "content": [
            {"type": "document", "source": {"type": "base64", "media_type": "text/plain",
                                            "data": "@@ pas du base64 @@"}}]}]})
    assert response.status_code == 400, response.text
    assert response.json()["error"]["type"] == "invalid_request_error"
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


def test_a_redacted_windows_1252_document_goes_out_as_utf_8(
    gw: Gateway, http: httpx.Client,
) -> None:
    text = "Courriel de Mme Durand : l.durand@cabinet-exemple.fr, réponse attendue.\n"
    response = post_fresh(gw, http, "/v1/chat/completions", {"model": "gpt-test", "messages": [
        {"role": "user", "content": [{"type": "file", "file": {
            "filename": "note.txt",
            "file_data": "data:text/plain;charset=windows-1252;base64,"
                         + _b64(text.encode("cp1252"))}}]}]})
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"][0]["file"]["file_data"]
    prefix, data = sent.split(",", 1)
    assert prefix == "data:text/plain;charset=utf-8;base64"
    written = base64.b64decode(data).decode("utf-8")
    assert "l.durand@cabinet-exemple.fr" not in written and "réponse attendue" in written

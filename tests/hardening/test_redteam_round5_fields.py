"""Red team, fifth round: fields of a request the scan did not read.

Through real HTTP against the bundled policies (a NIR refused before an external model).
Each case reached the provider as written before its fix, and its record said ``allowed``:

- an Anthropic ``redacted_thinking`` block's ``data``: sealed by Anthropic and sent back as
  it came, it was skipped as binary; a client may write anything there, and it reaches
  the provider;
- base64 declared as a picture or a sound whose bytes are text (« NIR … » as
  ``image/png``, an SVG picture, a chat ``input_audio`` part): read as a file the gateway
  could not open, it went out unread (at most a shadow rule's note);
- token ids in place of text (an embeddings ``input``, a completion's ``prompt``, as
  LangChain sends them): the gateway cannot read them (the tokenizer is the provider's),
  and no policy could tell; they are now named as an unreadable file, so a rule on
  ``attachments: [unreadable]`` refuses them (the bundled one notes them, in shadow).

A real picture still goes out as a picture, unread as text. An Anthropic ``search_result``
block (its ``source`` a URL string) was refused as invalid (400) whatever it held: it is
now accepted, and scanned.
"""

from __future__ import annotations

import base64
import json
import struct
import zlib
from typing import Any

import httpx
import pytest

from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import post_fresh, refusing_unreadable

NIR = "184036912304581"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _png() -> bytes:
    """A 1x1 PNG picture."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def _messages(*content: dict[str, Any], history: bool = False) -> dict[str, Any]:
    turns: list[dict[str, Any]] = [{"role": "user", "content": [*content,
                                                               {"type": "text", "text": "Lis"}]}]
    if history:
        turns = [{"role": "user", "content": "Bonjour"},
                 {"role": "assistant", "content": [*content, {"type": "text", "text": "Oui"}]},
                 {"role": "user", "content": "Et alors ?"}]
    return {"model": "claude-test", "max_tokens": 50, "messages": turns}


def _chat(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [
        {"role": "user", "content": [*parts, {"type": "text", "text": "Lis"}]}]}


SVG = f'<svg xmlns="http://www.w3.org/2000/svg"><text x="0" y="9">NIR {NIR}</text></svg>'
HIDDEN = {
    "a redacted_thinking block's data": ("/v1/messages", _messages(
        {"type": "redacted_thinking", "data": f"NIR {NIR}"}, history=True)),
    "a redacted_thinking block's data in base64": ("/v1/messages", _messages(
        {"type": "redacted_thinking", "data": _b64(f"assuré {NIR}")}, history=True)),
    "text declared as a PNG picture (Anthropic)": ("/v1/messages", _messages(
        {"type": "image", "source": {"type": "base64", "media_type": "image/png",
                                     "data": _b64(f"NIR {NIR}")}})),
    "text declared as a JPEG data URL (chat)": ("/v1/chat/completions", _chat(
        {"type": "image_url", "image_url": {"url": f"data:image/jpeg;base64,{_b64(NIR)}"}})),
    "an SVG picture holding a NIR": ("/v1/chat/completions", _chat(
        {"type": "image_url", "image_url": {"url": f"data:image/svg+xml;base64,{_b64(SVG)}"}})),
    "text declared as a WAV sound": ("/v1/chat/completions", _chat(
        {"type": "input_audio", "input_audio": {"data": _b64(f"NIR {NIR}"), "format": "wav"}})),
    "an Anthropic search_result block": ("/v1/messages", _messages(
        {"type": "search_result", "source": "https://intranet.exemple.fr/fiche",
         "title": "Fiche", "content": [{"type": "text", "text": f"Assuré {NIR}"}]})),
    "text declared as a Responses input_image": ("/v1/responses", {
        "model": "gpt-test", "input": [{"role": "user", "content": [
            {"type": "input_image", "image_url": f"data:image/png;base64,{_b64(NIR)}"}]}]}),
}


def _sent(gw: Gateway) -> list[Any]:
    assert gw.fake_anthropic is not None
    return [r.body for r in [*gw.fake.received, *gw.fake_anthropic.received]]


@pytest.mark.parametrize("case", list(HIDDEN))
def test_a_nir_in_a_field_the_scan_skipped_is_refused(gw: Gateway, http: httpx.Client,
                                                      case: str) -> None:
    path, body = HIDDEN[case]
    response = post_fresh(gw, http, path, body, sender="round5.champs")
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert _sent(gw) == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked"
    assert record["pii_findings"].get("FR_NIR") == 1, record["pii_findings"]
    assert NIR not in json.dumps(record["prompt"])


def test_a_phone_in_text_declared_as_a_picture_is_pseudonymized(
    gw: Gateway, http: httpx.Client,
) -> None:
    body = _messages({"type": "image", "source": {
        "type": "base64", "media_type": "image/png", "data": _b64("Rappeler le 06 48 21 77 03")}})
    response = post_fresh(gw, http, "/v1/messages", body, sender="round5.champs")
    assert response.status_code == 200, response.text
    [sent] = _sent(gw)
    data = sent["messages"][0]["content"][0]["source"]["data"]
    assert "48 21 77" not in base64.b64decode(data).decode()
    assert "PHONE_NUMBER=1" in response.headers["x-gateway-redactions"]


def test_a_search_result_block_is_accepted_and_forwarded(gw: Gateway,
                                                         http: httpx.Client) -> None:
    block = {"type": "search_result", "source": "https://intranet.exemple.fr/guide",
             "title": "Guide", "content": [{"type": "text", "text": "Congés : 25 jours"}]}
    response = post_fresh(gw, http, "/v1/messages", _messages(block), sender="round5.champs")
    assert response.status_code == 200, response.text
    [sent] = _sent(gw)
    assert sent["messages"][0]["content"][0] == block


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/chat/completions"])
def test_a_real_picture_goes_out_as_it_came(gw: Gateway, http: httpx.Client,
                                            path: str) -> None:
    picture = base64.b64encode(_png()).decode()
    body = _messages({"type": "image", "source": {
        "type": "base64", "media_type": "image/png", "data": picture}}) if path == "/v1/messages" \
        else _chat({"type": "image_url", "image_url": {"url": f"data:image/png;base64,{picture}"}})
    response = post_fresh(gw, http, path, body, sender="round5.champs")
    assert response.status_code == 200, response.text
    assert picture in json.dumps(_sent(gw))
    assert "x-gateway-redactions" not in response.headers


# A NIR's digits, one byte token each in OpenAI's tokenizers (« 0 » is token 15).
TOKENS = [15 + int(digit) for digit in NIR]
TOKEN_BODIES = {
    "an embeddings input": ("/v1/embeddings", {"model": "embed-test", "input": [TOKENS]}),
    "a completion's prompt": ("/v1/completions", {"model": "coder-native", "prompt": TOKENS}),
}


@pytest.mark.parametrize("shape", list(TOKEN_BODIES))
def test_token_ids_are_refused_where_the_policies_refuse_what_is_unread(
    databases: Databases, _fake_openai_server: FakeOpenAIProvider,
    tmp_path_factory: pytest.TempPathFactory, shape: str,
) -> None:
    path, body = TOKEN_BODIES[shape]
    tmp = tmp_path_factory.mktemp("jetons")
    with refusing_unreadable(databases, _fake_openai_server, tmp, "round5-jetons") as gw, \
            httpx.Client(base_url=gw.url, headers={"User-Agent": "curl/8.5.0"}) as http:
        response = post_fresh(gw, http, path, body)
        assert response.status_code == 403, response.text
        assert "pieces-jointes-illisibles" in response.text
        assert gw.fake.received == []
        text = post_fresh(gw, http, "/v1/embeddings", {"model": "embed-test", "input": "Bonjour"})
        assert text.status_code == 200, text.text


@pytest.mark.parametrize("shape", list(TOKEN_BODIES))
def test_token_ids_are_noted_by_the_bundled_policies(gw: Gateway, http: httpx.Client,
                                                     shape: str) -> None:
    path, body = TOKEN_BODIES[shape]
    response = post_fresh(gw, http, path, body, sender="round5.jetons")
    assert response.status_code == 200, response.text
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert "shadow:pieces-jointes-non-lues" in record["rule_ids"], record["rule_ids"]

"""Red team: a blocked value or a held phrase split across the parts of a conversation,
through real HTTP against the bundled policies.

The model reads text parts, content blocks and consecutive messages in a row; a scan of
each field saw two harmless strings. Before the fix each case below reached the fake
provider (gateway/proxy/fields/seams.py).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh


def _chat_parts(*texts: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [
        {"role": "user", "content": [{"type": "text", "text": t} for t in texts]}]}


def _chat_messages(*texts: str) -> dict[str, Any]:
    return {"model": "gpt-test", "messages": [{"role": "user", "content": t} for t in texts]}


def _blocks(*texts: str) -> dict[str, Any]:
    return {"model": "claude-test", "max_tokens": 50, "messages": [
        {"role": "user", "content": [{"type": "text", "text": t} for t in texts]}]}


def _responses_parts(*texts: str) -> dict[str, Any]:
    return {"model": "gpt-test", "input": [{"role": "user", "content": [
        {"type": "input_text", "text": t} for t in texts]}]}


SHAPES = {
    "chat text parts": ("/v1/chat/completions", _chat_parts),
    "chat messages": ("/v1/chat/completions", _chat_messages),
    "Messages text blocks": ("/v1/messages", _blocks),
    "Responses input_text parts": ("/v1/responses", _responses_parts),
}
SPLITS = {
    "between groups": ("Mon NIR : 2 69 05 49", " 588 157 80, merci"),
    "inside a group": ("Mon numéro 26905495", "8815780 pour le dossier"),
    "a card": ("Carte 4970 1012", "3456 7893 exp 12/27"),
}



def _nothing_sent(gw: Gateway) -> None:
    assert gw.fake.received == []
    assert gw.fake_anthropic is not None and gw.fake_anthropic.received == []


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("split", list(SPLITS))
def test_an_identifier_split_across_parts_is_refused(
    gw: Gateway, http: httpx.Client, shape: str, split: str,
) -> None:
    path, build = SHAPES[shape]
    left, right = SPLITS[split]
    response = post_fresh(gw, http, path, build(left, right))
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    _nothing_sent(gw)
    record = gw.record(response.headers["x-gateway-interaction-id"])
    digits = "".join(c for c in left + right if c.isdigit())
    kept = "".join(c for c in record["prompt"] if c.isdigit())
    assert digits[-10:] not in kept  # both halves masked in the record
    assert sum(record["pii_findings"].values()) == 1  # one value, counted once


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_held_phrase_split_across_parts_is_held(
    gw: Gateway, http: httpx.Client, shape: str,
) -> None:
    path, build = SHAPES[shape]
    response = post_fresh(gw, http, path, build("Note CONFIDEN", "TIEL sur le PROJET AUR", "ORE"))
    assert response.status_code == 403, response.text
    assert "documents-confidentiels" in response.text
    _nothing_sent(gw)


def test_a_phone_split_across_parts_is_pseudonymized_on_both_sides(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions",
                     _chat_parts("Rappelez Mme Durand au 06 12 34", " 56 78 demain"))
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].raw_body.decode()
    assert "06 12 34" not in sent and "56 78" not in sent
    assert "PHONE_NUMBER" in response.headers["x-gateway-redactions"]


def test_parts_that_only_sit_side_by_side_are_left_alone(
    gw: Gateway, http: httpx.Client,
) -> None:
    response = post_fresh(gw, http, "/v1/chat/completions",
                     _chat_parts("Commande 2024", "0042 livrée le 12", "/11"))
    assert response.status_code == 200, response.text
    sent = gw.fake.received[0].body["messages"][0]["content"]
    assert [part["text"] for part in sent] == ["Commande 2024", "0042 livrée le 12", "/11"]

"""Red team: a NIR in base64 where the reading of bare tokens stopped: a part of a dotted
token, a token over 4,096 characters, base64 wrapped at 76 columns with the NIR across a
line break, and in a streamed answer cut inside the token.

Through real HTTP: requests against the bundled policies (NIRs refused), answers against
policies that mask them (the official SDK, whole and streamed in 5 or 17 deltas). Each
reached the provider or the employee before its fix.
"""

from __future__ import annotations

import base64
import itertools
from typing import Any

import httpx
import pytest

from tests.conftest import Gateway
from tests.fakes.scripted import ScriptedProvider
from tests.hardening._helpers import post_fresh

NIR = "269054958815780"
_SENDERS = itertools.count()


def _b64url(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


# 50 characters, then the NIR: its digits straddle the first line break (57 bytes a line).
_WRAPPED = base64.encodebytes(
    f"Dossier de l'assuré transmis par la caisse : NIR {NIR}, à traiter.".encode()).decode()
TOKENS = {
    "a part of a dotted token": f"v1.{_b64url('assuré ' + NIR)}.x9",
    "the claims of a signed token": ".".join(
        (_b64url('{"alg":"none"}'), _b64url('{"nir":"' + NIR + '"}'), "")),
    "over 4,096 characters": base64.b64encode(
        ("Compte rendu. " * 400 + f"NIR {NIR}.").encode()).decode(),
    "wrapped at 76 columns": _WRAPPED,
}


def _post(gw: Gateway, http: httpx.Client, text: str) -> httpx.Response:
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": f"Pièce :\n{text}"}]}
    return post_fresh(gw, http, "/v1/chat/completions", body, sender="jetons")


@pytest.mark.parametrize("case", list(TOKENS))
def test_a_nir_in_base64_is_refused_wherever_the_token_is(
    gw: Gateway, http: httpx.Client, case: str,
) -> None:
    assert len(TOKENS[case]) > 4096 or case != "over 4,096 characters"
    response = _post(gw, http, TOKENS[case])
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


ANSWERS: dict[str, Any] = {
    "bare base64": base64.b64encode(f"NIR {NIR}".encode()).decode(),
    "a part of a dotted token": TOKENS["a part of a dotted token"],
}


@pytest.mark.parametrize("pieces", [1, 5, 17])
@pytest.mark.parametrize("case", list(ANSWERS))
def test_a_nir_in_base64_the_model_streams_is_masked(
    masking: Gateway, scripted: ScriptedProvider, case: str, pieces: int,
) -> None:
    token = ANSWERS[case]
    scripted.reset()
    scripted.chat = {"content": f"Voici la pièce encodée pour le dossier : {token} (fin du dossier, rien d'autre à signaler ce jour)."}
    scripted.pieces = pieces
    sdk = masking.openai(user=f"jetons.reponse.{next(_SENDERS)}@exemple.fr")
    asked = [{"role": "user", "content": "La pièce ?"}]
    if pieces == 1:
        reply = sdk.chat.completions.create(model="gpt-test", messages=asked)
        text = reply.choices[0].message.content or ""
    else:
        chunks = sdk.chat.completions.create(model="gpt-test", messages=asked, stream=True)
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Voici la pièce encodée pour le dossier : <FR_NIR> (fin du dossier, rien d'autre à signaler ce jour).", text

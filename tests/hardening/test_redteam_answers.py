"""Red team, the answer side: a NIR the model writes in an encoding a reader decodes
(HTML character references, percent-encoding, ``\\u`` escapes, keycaps), whole and
streamed, in text and in tool-call arguments, is masked before the employee reads it; so
is a NIR or a card number spelled with separators a reader skips (tabs, line breaks, the
cells of a markdown table, bold markup between digits) or a card glued after a word.

Run against a gateway whose policies mask NIRs in answers (the bundled ones block them),
with a provider that answers what the test wrote. Before ``gateway.text.normalize``
decoded escapes, each of these reached the employee as written.
"""

from __future__ import annotations

import json

import pytest

from tests.conftest import Gateway
from tests.fakes.scripted import ScriptedProvider

NIR = "269054958815780"
SPACED = "2 69 05 49 588 157 80"
WRITTEN = {
    "HTML references": "".join(f"&#{ord(c)};" if c.isdigit() else c for c in SPACED),
    "percent-encoded": "".join(f"%{ord(c):02X}" for c in NIR),
    "keycaps": "".join(c + "\ufe0f\u20e3" if c.isdigit() else c for c in SPACED),
    "escapes": "".join(f"\\u{ord(c):04x}" for c in NIR),
}
ASKED = [{"role": "user", "content": "Un exemple de fiche ?"}]
SPELLED = {
    "NIR with tabs": "2\t69\t05\t49\t588\t157\t80",
    "NIR with line breaks": "2\n69\n05\n49\n588\n157\n80",
    "NIR in table cells": "\n| 2 | 69 | 05 | 49 | 588 | 157 | 80 |\n",
    "NIR in bold": "**2 69 05** 49 588 157 80",
    "NIR in italics, one digit at a time": "_2_ 6 9 0 5 4 9 5 8 8 1 5 7 8 0",
    "card with tabs": "4970\t1012\t3456\t7893",
    "card with line breaks": "4970\n1012\n3456\n7893",
    "card in bold": "**4970 1012** 3456 7893",
    "card glued after a word": "ref_4970101234567893",
    "card glued after letters": "CB4970101234567893",
}


@pytest.fixture
def gw(masking: Gateway, scripted: ScriptedProvider) -> Gateway:
    scripted.reset()
    return masking


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("spelling", list(WRITTEN))
def test_a_nir_the_model_writes_encoded_is_masked(
    gw: Gateway, scripted: ScriptedProvider, spelling: str, stream: bool,
) -> None:
    written = WRITTEN[spelling]
    scripted.chat = {"content": f"Fiche remplie : NIR {written}, dossier complet."}
    sdk = gw.openai()
    if stream:
        chunks = list(sdk.chat.completions.create(model="gpt-test", messages=ASKED,
                                                  stream=True))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    else:
        reply = sdk.chat.completions.create(model="gpt-test", messages=ASKED)
        text = reply.choices[0].message.content or ""
    assert text == "Fiche remplie : NIR <FR_NIR>, dossier complet."


@pytest.mark.parametrize("stream", [False, True])
def test_a_nir_in_tool_call_arguments_as_escapes_is_masked(
    gw: Gateway, scripted: ScriptedProvider, stream: bool,
) -> None:
    arguments = json.dumps({"nir": "".join(chr(0xFF10 + int(c)) for c in NIR)})
    assert "\\uff12" in arguments  # as json.dumps writes full-width digits
    scripted.chat = {"tool_calls": [{"id": "call_1", "type": "function",
                                     "function": {"name": "fill", "arguments": arguments}}]}
    tools = [{"type": "function", "function": {"name": "fill", "parameters": {
        "type": "object", "properties": {}}}}]
    sdk = gw.openai()
    if stream:
        chunks = list(sdk.chat.completions.create(model="gpt-test", messages=ASKED,
                                                  tools=tools, stream=True))
        got = "".join(c.choices[0].delta.tool_calls[0].function.arguments or ""
                      for c in chunks if c.choices and c.choices[0].delta.tool_calls
                      and c.choices[0].delta.tool_calls[0].function)
    else:
        reply = sdk.chat.completions.create(model="gpt-test", messages=ASKED, tools=tools)
        calls = reply.choices[0].message.tool_calls
        assert calls is not None
        got = calls[0].function.arguments  # type: ignore[union-attr]
    assert json.loads(got) == {"nir": "<FR_NIR>"}


@pytest.mark.parametrize("pieces", [1, 5, 17])
@pytest.mark.parametrize("spelling", list(SPELLED))
def test_an_identifier_the_model_spells_with_other_separators_is_masked(
    gw: Gateway, scripted: ScriptedProvider, spelling: str, pieces: int,
) -> None:
    written = SPELLED[spelling]
    kind = "FR_NIR" if spelling.startswith("NIR") else "CREDIT_CARD"
    scripted.chat = {"content": f"Fiche : {written} (fin)."}
    scripted.pieces = pieces  # the stream cut in that many deltas, anywhere
    sdk = gw.openai(user=f"epele.{len(spelling)}.{pieces}@exemple.fr")  # 30 a minute each
    if pieces == 1:
        reply = sdk.chat.completions.create(model="gpt-test", messages=ASKED)
        text = reply.choices[0].message.content or ""
    else:
        chunks = list(sdk.chat.completions.create(model="gpt-test", messages=ASKED,
                                                  stream=True))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert f"<{kind}>" in text, text
    assert not any(group in text for group in ("588", "157", "1012", "7893")), text

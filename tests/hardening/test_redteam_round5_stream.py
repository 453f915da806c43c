"""Red team, fifth round, the answer side: how long a streamed answer holds a card back.

A card number the model prints in groups is held back until the line below it is there:
that line tells whether the card's line is the first row of a table of figures
(card_place.py). An answer that never writes a line break after the card was held back
whole, to its last token: the employee's stream stood still. The hold-back now ends where
the card's line (or the line under it) is longer than a table row; the whole answer reads
the same bound, so both mask the same cards.

Run against a gateway whose policies mask cards in answers (the bundled ones block them),
with a provider that answers what the test wrote, through the openai SDK.
"""

from __future__ import annotations

import itertools

import pytest

from tests.conftest import Gateway
from tests.fakes.scripted import ScriptedProvider
from tests.hardening._helpers import scripted_answer

_SENDERS = itertools.count()
CARD = "4532 0151 1283 0366"
PROSE = "la suite du compte rendu sans aucun retour à la ligne, " * 40  # 2,200 characters


def _deltas(gw: Gateway, scripted: ScriptedProvider, content: str, pieces: int) -> list[str]:
    """The content deltas the employee receives, in order, for a streamed answer."""
    scripted.reset()
    scripted.chat = {"content": content}
    scripted.pieces = pieces
    sdk = gw.openai(user=f"round5.flux.{next(_SENDERS)}@exemple.fr")
    chunks = sdk.chat.completions.create(
        model="gpt-test", messages=[{"role": "user", "content": "La fiche ?"}], stream=True)
    return [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]


def test_a_card_followed_by_no_line_break_is_not_held_to_the_end(
    masking: Gateway, scripted: ScriptedProvider,
) -> None:
    deltas = _deltas(masking, scripted, f"Carte {CARD} puis {PROSE}fin.", 60)
    answer = "".join(deltas)
    assert "<CREDIT_CARD>" in answer and "0366" not in answer, answer
    masked_at = next(i for i, d in enumerate("".join(deltas[:n + 1]) for n in range(len(deltas)))
                     if "<CREDIT_CARD>" in d)
    # Before: the card and all after it came in the last delta, at the end of the stream.
    assert len(deltas) - masked_at > 20, (masked_at, len(deltas))


@pytest.mark.parametrize("pieces", [1, 7, 60])
@pytest.mark.parametrize("content", [
    f"{PROSE}et la carte {CARD}",
    f"{PROSE}\n{CARD}",
    f"{CARD} {PROSE}\n1200 3400 5600 7800\n",
    f"{CARD}\n1200 3400 5600 7800 {PROSE}",
    f"{CARD}\n" + "1200 3400 5600 7800 " * 20 + "total",
], ids=["a card at the end of a long line", "a card on the last line",
        "a long line, then a row of figures", "a row of figures, then prose on its line",
        "a long row of figures, then a word"])
def test_a_card_in_a_long_answer_is_masked_whole_and_streamed(
    masking: Gateway, scripted: ScriptedProvider, content: str, pieces: int,
) -> None:
    answer = scripted_answer(masking, scripted, content, pieces,
                             f"round5.flux.{next(_SENDERS)}@exemple.fr")
    assert "<CREDIT_CARD>" in answer and "0366" not in answer, answer


@pytest.mark.parametrize("pieces", [1, 7, 60])
def test_a_table_of_figures_under_a_short_line_is_left_as_written(
    masking: Gateway, scripted: ScriptedProvider, pieces: int,
) -> None:
    table = "2408 8104 7851 2144\n1200 3400 5600 7800\n" + PROSE
    answer = scripted_answer(masking, scripted, table, pieces,
                             f"round5.flux.{next(_SENDERS)}@exemple.fr")
    assert answer == table

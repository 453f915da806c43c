"""Streaming restorer: any split of the answer restores like the whole text."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.redaction import PlaceholderRestorer, Pseudonymizer, StreamingRestorer

MAPPING = {
    "<PERSON_1>": "Jean Dupont",
    "<PERSON_12>": "Zoé Martin",
    "<EMAIL_ADDRESS_1>": "jean@exemple.fr",
    "<FR_NIR_1>": "1 85 05 78 006 084 91",
}
PIECES = [
    *MAPPING,
    "<PERSON_",
    "<",
    ">",
    "<PERS",
    "<PERSON_2>",
    "x",
    " ",
    "é",
    "\\u003c",
    "\n",
    "<<",
    "abc",
]


def _split(text: str, cuts: list[int]) -> list[str]:
    points = sorted({c % (len(text) + 1) for c in cuts})
    bounds = [0, *points, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _check(text: str, cuts: list[int], json_mode: bool) -> None:
    expected = PlaceholderRestorer(MAPPING, json_mode).restore(text)
    restorer = StreamingRestorer(MAPPING, json_mode)
    longest = max(len(p) for p in MAPPING) * (1 if not json_mode else 2)
    out = []
    for chunk in _split(text, cuts):
        out.append(restorer.feed(chunk))
        # Never hold back more than a possible placeholder prefix.
        assert len(restorer.pending) < longest
        assert restorer.pending == "" or restorer.pending[0] in "<\\"
    out.append(restorer.flush())
    assert "".join(out) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.lists(st.integers(0, 500), max_size=40))
def test_any_split_restores_like_whole(pieces: list[str], cuts: list[int]) -> None:
    _check("".join(pieces), cuts, json_mode=False)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.lists(st.integers(0, 500), max_size=40))
def test_any_split_restores_like_whole_json(pieces: list[str], cuts: list[int]) -> None:
    _check("".join(pieces), cuts, json_mode=True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60), st.lists(st.integers(0, 100), max_size=20))
def test_arbitrary_text(text: str, cuts: list[int]) -> None:
    _check(text, cuts, json_mode=False)


def test_char_by_char_and_minimal_holdback() -> None:
    restorer = StreamingRestorer({"<PERSON_1>": "Ana"})
    assert restorer.feed("Bonjour ") == "Bonjour "
    assert restorer.feed("<PER") == ""
    assert restorer.pending == "<PER"
    assert restorer.feed("SON_") == ""
    assert restorer.feed("1") == ""
    assert restorer.feed(">, ça va ?") == "Ana, ça va ?"
    # Text that cannot start a placeholder is emitted immediately.
    assert restorer.feed("a < b") == "a < b"
    assert restorer.feed("<X") == "<X"
    assert restorer.flush() == ""


def test_flush_emits_incomplete_prefix() -> None:
    restorer = StreamingRestorer({"<PERSON_1>": "Ana"})
    assert restorer.feed("fin <PERSON_") == "fin "
    assert restorer.flush() == "<PERSON_"


def test_json_tool_call_fragments() -> None:
    restorer = StreamingRestorer({"<EMAIL_ADDRESS_1>": 'a"b@x.fr'}, json_mode=True)
    fragments = ['{"to": "\\u00', "3cEMAIL_ADD", 'RESS_1\\u003e", "n": 1}']
    out = "".join(restorer.feed(f) for f in fragments) + restorer.flush()
    assert out == '{"to": "a\\"b@x.fr", "n": 1}'


def test_pseudonymizer_streaming_matches_restore() -> None:
    pseudo = Pseudonymizer()
    name = pseudo.placeholder_for("PERSON", "Zoé Martin")
    answer = f"Merci {name}, à bientôt {name}!"
    restorer = pseudo.streaming_restorer()
    out = "".join(restorer.feed(c) for c in answer) + restorer.flush()
    assert out == pseudo.restore(answer) == "Merci Zoé Martin, à bientôt Zoé Martin!"

"""gateway.text.normalize: the canonical text matchers see, and offsets back to the original."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.text.normalize import normalize


def _back(original: str, start: int, end: int) -> str:
    """The original text behind normalized[start:end]."""
    result = normalize(original)
    s, e = result.span(start, end)
    return original[s:e]


def test_plain_ascii_and_french_text_are_unchanged_and_mapped_one_to_one() -> None:
    for text in ["Bonjour, merci pour le devis.", "Réunion à 14h avec l’équipe « achats » — ok ✅"]:
        result = normalize(text)
        assert result.text == text
        assert not result.changed
        assert result.span(3, 9) == (3, 9)


@pytest.mark.parametrize("text, normalized, word, behind", [
    ("Code : PRO\u200bJET AU\u2060RO\u202bRE fin", "Code : PROJET AURORE fin", "PROJET AURORE",
     "PRO\u200bJET AU\u2060RO\u202bRE"),
    # The screen shows « 269 » where the text holds « 962 »; the model reads « 962 ».
    ("NIR \u202e962\u202c fin", "NIR 962 ; 269 fin", "269", "\u202e962\u202c"),
    ("re\u0301sume\u0301 de Ame\u0301lie", "résumé de Amélie", "Amélie", "Ame\u0301lie"),
], ids=["zero-width and bidi controls removed, the span covers them",
        "a right-to-left override read in both orders", "decomposed accents composed"])
def test_what_is_read_otherwise_maps_back_to_what_was_written(
    text: str, normalized: str, word: str, behind: str,
) -> None:
    result = normalize(text)
    assert result.text == normalized
    start = result.text.index(word)
    assert _back(text, start, start + len(word)) == behind


def test_overrides_one_after_another_cost_linear_time() -> None:
    # An override inside what another reverses was read again at each level, the text
    # doubling each time: two overrides in one line never came back (a request that hung
    # its worker). Each override now reverses up to the next one.
    text = "ab \u202e12 " * 200 + "\u202e\u202e&#8238;x"
    result = normalize(text)
    assert result.text.count("21") == 200
    both = normalize("a \u202e12 \u202e34 b").text
    assert "21" in both and "b 43" in both


def test_cyrillic_and_greek_look_alikes_inside_latin_words_are_folded() -> None:
    # Cyrillic О (U+041E), Greek Ρ (U+03A1), Cyrillic е (U+0435)
    text = "dossier PR\u041eJET AU\u03a1ORE, r\u0435union"
    result = normalize(text)
    assert result.text == "dossier PROJET AUPORE, reunion"
    assert _back(text, 8, 14) == "PR\u041eJET"


def test_words_of_another_script_are_left_as_written() -> None:
    text = "Bureau de Москва et d'Αθήνα"
    assert normalize(text).text == text


def test_a_word_made_only_of_look_alikes_is_folded() -> None:
    # All Cyrillic, but every letter has a Latin twin: a disguised Latin word.
    assert normalize("\u0421\u041e\u0420\u0415").text == "COPE"


def test_space_variants_become_ascii_spaces_and_separators_newlines() -> None:
    text = "Tél\u00a0: 06\u202f48\u200921\u300077\u168003\u2028suite"
    result = normalize(text)
    assert result.text == "Tél : 06 48 21 77 03\nsuite"
    assert result.span(6, 20) == (6, 20)


def test_full_width_and_other_script_digits_become_ascii() -> None:
    text = "NIR ２ ８５ ٠٣ ७५"
    assert normalize(text).text == "NIR 2 85 03 75"


def test_hyphen_variants_become_ascii_but_dashes_stay() -> None:
    text = "06\u201148\u221221 – fin — ok"
    assert normalize(text).text == "06-48-21 – fin — ok"


def test_a_character_that_expands_maps_back_to_itself_as_a_whole() -> None:
    text = "la ﬁche… de paie"
    result = normalize(text)
    assert result.text == "la fiche... de paie"
    # "fi" comes from one character: any part of it maps to the ligature.
    assert result.span(3, 4) == (3, 4)
    assert result.span(4, 8) == (3, 7)
    assert _back(text, 8, 11) == "…"
    assert _back(text, 9, 10) == "…"


def test_empty_spans_and_text_ends() -> None:
    text = "\u200bab\u200b"
    result = normalize(text)
    assert result.text == "ab"
    assert result.span(0, 2) == (1, 3)
    assert result.span(2, 2) == (4, 4)
    assert normalize("").text == ""


def test_span_outside_the_text_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        normalize("abc").span(2, 5)


_TRICKY = st.sampled_from(
    [
        *"aeO0 -é«»’",
        *("\u200b", "\u200d", "\u202e", "\u00a0", "\u202f", "\u041e", "\u0435", "\u03bf"),
        *("\uff10", "\uff21", "\ufb01", "\u2026", "\u0301", "\u2011", "\u0663", "Ж", "\u2028"),
    ]
)


@given(st.lists(_TRICKY, max_size=40).map("".join))
def test_spans_are_ordered_and_inside_the_original(text: str) -> None:
    result = normalize(text)
    previous = (0, 0)
    for index in range(len(result.text)):
        start, end = result.span(index, index + 1)
        assert 0 <= start < end <= len(text)
        assert start >= previous[0] and end >= previous[1]
        previous = (start, end)
    assert result.span(0, len(result.text))[1] <= len(text)


@given(st.lists(_TRICKY, max_size=40).map("".join))
def test_normalizing_twice_changes_nothing_more(text: str) -> None:
    once = normalize(text).text
    assert normalize(once).text == once


@given(st.text(max_size=60))
def test_any_text_gives_nfkc_stable_output_without_invisible_controls(text: str) -> None:
    result = normalize(text)
    assert "\u200b" not in result.text and "\u202e" not in result.text
    assert all(not c.isdigit() or c.isascii() or not c.isdecimal() for c in result.text)
    start, end = result.span(0, len(result.text))
    assert 0 <= start <= end <= len(text)
    assert unicodedata.is_normalized("NFKC", result.text) or "\u0301" in text


@pytest.mark.parametrize("text, expected", [
    ("NIR &#50;&#x36;9", "NIR 269"),
    ("PROJET&nbsp;AURORE", "PROJET AURORE"),
    ("PROJET%20AURORE %C3%A9t%C3%A9", "PROJET AURORE été"),
    ("\\u0032\\u0036", "26"),
    ("&#xFF12;&#8203;3", "23"),  # decoded, then normalized as if typed
    ("2\u0301 6\u0332 7\ufe0f\u20e3", "2 6 7"),  # marks on digits dropped
])
def test_escapes_are_decoded_and_marks_on_digits_dropped(text: str, expected: str) -> None:
    assert normalize(text).text == expected


@pytest.mark.parametrize("text, expected", [
    ("NIR &amp;#50;&amp;amp;#54;9", "NIR 269"),
    ("PROJET%2520AURORE", "PROJET AURORE"),
    ("\\\\u0032\\u0036", "26"),
    ("&#37;32&#x25;36", "26"),
])
def test_escapes_inside_escapes_are_decoded(text: str, expected: str) -> None:
    result = normalize(text)
    assert result.text == expected
    assert result.span(len(expected) - 2, len(expected)) [1] == len(text)


@pytest.mark.parametrize("token, decoded", [
    ("MjY5MDU0OTU4ODE1Nzgw", "269054958815780"),  # base64
    ("amVhbm5lQGV4ZW1wbGUuZnI", "jeanne@exemple.fr"),  # base64, padding dropped
    ("amVhbm5lQGV4ZW1wbGUuZnI=", "jeanne@exemple.fr"),
    ("SMOpbMOobmUgRHVwb250", "Hélène Dupont"),  # UTF-8
    ("323639303534393538383135373830", "269054958815780"),  # hex
])
def test_a_bare_base64_or_hex_token_of_text_is_read_beside_its_text(
    token: str, decoded: str,
) -> None:
    text = f"voir {token}."
    result = normalize(text)
    assert result.text == f"voir {token} ; {decoded}."
    found = result.text.index(decoded)
    assert _back(text, found, found + len(decoded)) == token
    assert normalize(result.text).text == result.text


@pytest.mark.parametrize("text", [
    "anticonstitutionnellement internationalisation get_customer_by_identifier",
    "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "uuid 123e4567-e89b-12d3-a456-426614174000 carte 4970101234567893",
    "clé sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56 https://exemple.fr/a/b/c/defghijklmnop",
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB",  # base64 of bytes that are not text (a PNG)
])
def test_tokens_that_are_not_text_are_left_alone(text: str) -> None:
    assert normalize(text).text == text


def test_a_decoded_escape_maps_back_to_the_escape_as_written() -> None:
    text = "n° &#50;%36\\u0039 fin"
    result = normalize(text)
    assert result.text == "n° 269 fin"
    assert _back(text, 3, 6) == "&#50;%36\\u0039"
    assert _back(text, 4, 5) == "%36"


@pytest.mark.parametrize("text", [
    "50% de remise, R&D", "tom&jerry; &copy 2026", "%E9t%E9 (latin-1)", "\\ud800 seul",
])
def test_what_is_no_escape_is_left_as_written(text: str) -> None:
    result = normalize(text)
    assert result.text == text and not result.changed

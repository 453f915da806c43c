"""Numbers written in words, read as the digits a reader hears.

« zéro six, douze, trente-quatre, cinquante-six, soixante-dix-huit » is a phone number to
the model and to anyone reading it; « deux six neuf zéro cinq … » a NIR dictated digit by
digit. ``spoken_numbers`` finds a run of French (or English) number words, read digit by
digit, by pairs or by groups up to 999 (« cinq cent quatre-vingt-huit »), digits among them
allowed (« 06 douze 34 … »), and gives the digits they stand for; ``normalize`` reads
those digits beside the words, so the recognizers of phones, NIRs and card numbers find
them and a finding covers the words as written.

What is read, and why not more: a run must stand for at least nine digits (a phone has
ten, a NIR fifteen, a card sixteen; « vingt-cinq ou trente » in prose is not read) and
hold two number words or more; words are joined by spaces, line breaks, hyphens, commas, dots,
slashes or « et ». Thousands are read up to 9,999 (« quatre mille cinq cent trente-deux »,
a card's group of four; « two thousand twenty-five »): a year or an amount alone stands for
four digits, below the nine a run needs. « double » or « triple » before a digit says it
twice or three times (« double seven »). Millions, ordinals and amounts are not
identifiers and are not read; neither is a number spelled letter by letter.
"""

from __future__ import annotations

import itertools
import re
import unicodedata

__all__ = ["spoken_numbers"]

_UNITS = {
    "zero": 0, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6,
    "sept": 7, "huit": 8, "neuf": 9,
    "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
    "eight": 8, "nine": 9,
}
_TEENS = {
    "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14, "quinze": 15,
    "seize": 16,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
_TENS = {
    "vingt": 20, "vingts": 20, "trente": 30, "quarante": 40, "cinquante": 50,
    "soixante": 60, "septante": 70, "huitante": 80, "octante": 80, "nonante": 90,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
_HUNDREDS = {"cent", "cents", "hundred"}
_THOUSANDS = {"mille", "thousand"}
# « double seven », « triple zéro »: a digit said twice or three times (a phone dictated).
_REPEATS = {"double": 2, "triple": 3}
_WORDS = {*_UNITS, *_TEENS, *_TENS, *_HUNDREDS, *_THOUSANDS, *_REPEATS}


def _trie(words: set[str]) -> str:
    """One regex for ``words`` as a tree of their letters: tried at every word start of
    every text, a flat alternation of 60 words cost ~27 µs per 200-character prompt."""
    heads: dict[str, set[str]] = {}
    for word in words:
        heads.setdefault(word[:1], set()).add(word[1:])
    branches = []
    for head, tails in sorted(heads.items()):
        if not head:
            continue
        rest = _trie({t for t in tails if t})
        optional = "" in tails
        branches.append(re.escape(head) + (f"(?:{rest})?" if optional and rest
                                           else rest if rest else ""))
    return "|".join(branches) if len(branches) < 2 else f"(?:{'|'.join(branches)})"


# Every spelling of a number word (accents optional) and a group of digits.
_WORD = rf"(?:{_trie(_WORDS | {'zéro'})}|\d{{1,4}})"
_JOIN = r"(?:[ \t\r\n,.;/\u2013\u2014-]+(?:et[ -]+|and[ -]+)?)"
# A run of two tokens or more, bounded by what is not a letter or a digit.
_RUN = re.compile(rf"(?<![\w]){_WORD}(?:{_JOIN}{_WORD})+(?![\w])", re.IGNORECASE)
_TOKEN = re.compile(rf"{_WORD}(?![\w])", re.IGNORECASE)
_MIN_DIGITS = 9
_GATE = frozenset(_WORDS | {"zéro"})


def _plain(word: str) -> str:
    return unicodedata.normalize("NFKD", word.lower()).encode("ascii", "ignore").decode()


def _below_hundred(tokens: list[str], i: int) -> tuple[int, int] | None:
    """The number 0-99 that starts at ``tokens[i]``, and the index after it."""
    word = tokens[i]
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if word == "quatre" and nxt in ("vingt", "vingts"):  # quatre-vingt(s)
        value, i = 80, i + 2
    elif word in _TENS:
        value, i = _TENS[word], i + 1
    elif word in _TEENS:
        if word == "dix" and nxt in ("sept", "huit", "neuf"):
            return 10 + _UNITS[nxt], i + 2
        return _TEENS[word], i + 1
    elif word in _UNITS:
        return _UNITS[word], i + 1
    else:
        return None
    nxt = tokens[i] if i < len(tokens) else ""
    if value in (60, 80) and nxt in _TEENS and _TEENS[nxt] < 20:  # soixante-dix(-huit)
        rest = _below_hundred(tokens, i)
        if rest is not None and rest[0] < 20:
            return value + rest[0], rest[1]
    if nxt in _UNITS and _UNITS[nxt] > 0:
        return value + _UNITS[nxt], i + 1
    return value, i


def _below_thousand(tokens: list[str], i: int) -> tuple[int, int] | None:
    """The number 0-999 in words at ``tokens[i]``, and the index after it."""
    hundreds = 0
    if tokens[i] in _HUNDREDS:
        hundreds, i = 1, i + 1
    elif (tokens[i] in _UNITS and i + 1 < len(tokens) and tokens[i + 1] in _HUNDREDS
          and (_UNITS[tokens[i]] > 1 or tokens[i] == "one")):  # « one hundred », not « un cent »
        hundreds, i = _UNITS[tokens[i]], i + 2
    rest = _below_hundred(tokens, i) if i < len(tokens) and tokens[i] not in _THOUSANDS else None
    if hundreds:
        return (hundreds * 100, i) if rest is None else (hundreds * 100 + rest[0], rest[1])
    return rest


def _number(tokens: list[str], i: int) -> tuple[str, int] | None:
    """The digits of the number (0-9999, or a group of digits) at ``tokens[i]``: a card
    read by groups of four says « quatre mille cinq cent trente-deux »."""
    if tokens[i].isdigit():
        return tokens[i], i + 1
    if tokens[i] in _REPEATS:
        said = _number(tokens, i + 1) if i + 1 < len(tokens) else None
        return None if said is None or len(said[0]) != 1 else (
            said[0] * _REPEATS[tokens[i]], said[1])
    if tokens[i] in _THOUSANDS:  # « mille deux cent … »
        value, i = 1000, i + 1
    else:
        found = _below_thousand(tokens, i)
        if found is None:
            return None
        value, i = found
        if not (i < len(tokens) and tokens[i] in _THOUSANDS and 0 < value < 10):
            return str(value), i
        value, i = value * 1000, i + 1
    rest = _below_thousand(tokens, i) if i < len(tokens) else None
    return (str(value), i) if rest is None else (str(value + rest[0]), rest[1])


def _digits(run: str) -> str | None:
    """The digits ``run`` stands for, or None (fewer than nine, one word or less)."""
    tokens = [_plain(t) for t in _TOKEN.findall(run)]
    if sum(not t.isdigit() for t in tokens) < 2:
        return None
    out, i = [], 0
    while i < len(tokens):
        found = _number(tokens, i)
        if found is None:  # « cent » where none can be: the run is no number
            return None
        out.append(found[0])
        i = found[1]
    digits = "".join(out)
    return digits if len(digits) >= _MIN_DIGITS else None


def _may_hold(text: str) -> bool:
    """Two number words in a row somewhere in ``text``: the cheap test before the search
    (1-2 µs per 200-character prompt; the search costs ~10 µs)."""
    words = text.lower().replace("-", " ").replace(",", " ").replace(".", " ").split()
    return any(a in _GATE and b in _GATE for a, b in itertools.pairwise(words))


def spoken_numbers(text: str) -> list[tuple[int, int, str]]:
    """Each run of number words in ``text`` that stands for nine digits or more:
    (start, end, the digits)."""
    found: list[tuple[int, int, str]] = []
    if not _may_hold(text):
        return found
    for match in _RUN.finditer(text):
        digits = _digits(match.group())
        if digits is not None:
            found.append((match.start(), match.end(), digits))
    return found

"""Whether a card number spread over several groups stands where a card stands.

Sixteen digits pass Luhn one time in ten and start like an issuer's about four times in
ten: four 4-digit figures of a table (« | T1 | 4970 | 1012 | 3456 | 7893 | », a TSV row,
a CSV line) read as a card about once in twenty-five rows. A card spread over groups is
taken as one where a card is printed (a line of prose, a form: « Fiche : 4970 1012 3456
7893 »), and among figures only with evidence that a card column is there:

- **among figures**: its groups are cells (a tab, a table bar, a comma, a semicolon, a
  line break or a quote between them) and the run starts its line or shares it with other
  cells; or the line above holds figures too (a grid of numbers, whatever the separator);
- **evidence**: a card word (« carte », « CB », « visa », « PAN », « card »…) in the lines
  above (a table's header) or on the same line, or another card number on the line above
  (a table of cards: each row passes the checksum, a table of figures does not).

An answer reads only the text before the card and its own line, so a streamed answer
(which holds back only the end of what it has read) judges a card the same way as the
whole answer (``before`` is the answer's text already gone out); a request reads the line
below too (the first row of a table of cards without a header).
A card in one group of digits is not judged here (no figure of a table has sixteen).
"""

from __future__ import annotations

import re

from .checksums import luhn_valid

__all__ = ["card_in_place", "card_issuer"]

_CUE = re.compile(
    r"(?<!\w)(?:cartes?|cb|visa|master\s?card|amex|american\s+express|cards?|pan|"
    r"cr[ée]dit|credit|paiements?|payments?|cvv|cvc|cryptogramme|expir\w*|"
    r"n°\s*carte|card\s*number|cc)(?!\w)",
    re.IGNORECASE,
)
# How far back a card word may be (a table's header above its rows).
_CUE_BEFORE = 600
# Between two groups: a cell's separator (escaped in JSON, or as printed).
_CELL_GAP = re.compile(r"[\t\n\r|,;:+\"'()\[\]{}]|\\[nrt]")
# What may open a line before a row's first cell: a bullet, a number, a bar, markup.
_ROW_LEAD = re.compile(r"[ \t*_`>~]*(?:[-+\u2022|]|\d{1,2}[.)])?[ \t*_`~]*")
_CELL_EDGE = "\t|;,"
_FIGURE = re.compile(r"\d{3,}")
_DIGITS = re.compile(r"\d+")


def card_issuer(digits: str) -> bool:
    """The length and first digits of a card (Visa, Mastercard, Amex, CB, JCB, Discover)."""
    if len(digits) == 13:
        return digits[0] == "4"
    if len(digits) == 15:
        return digits[:2] in {"34", "37"}
    if len(digits) in (16, 19):
        return digits[0] in "456" or digits[:2] in {"22", "23", "24", "25", "26", "27", "35"}
    return False


def _line_around(text: str, start: int, end: int) -> tuple[int, int]:
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    return first, len(text) if last < 0 else last


def _in_cells(text: str, start: int, end: int) -> bool:
    """The groups are cells of a row or a column (see the module docstring)."""
    value = text[start:end]
    gaps = _DIGITS.split(value)[1:-1]
    if not any(_CELL_GAP.search(gap) for gap in gaps):
        return False
    first, last = _line_around(text, start, end)
    lead, tail = text[first:start], text[end:last]
    if _ROW_LEAD.fullmatch(lead):
        return True  # the run opens its line: a row or a column of figures
    return (lead.rstrip(" *_`")[-1:] or "x") in _CELL_EDGE or (
        tail.lstrip(" *_`")[:1] or "x") in _CELL_EDGE


def _previous_line(text: str, first: int, before: str) -> str:
    """The last line with something on it before offset ``first`` (``before`` first)."""
    above = (before + text[:first]).rstrip()
    return above[above.rfind("\n") + 1:]


def _holds_card(line: str) -> bool:
    """A card number on ``line``: one group, or four groups of four (Luhn and issuer)."""
    groups = _DIGITS.findall(line)
    for index, group in enumerate(groups):
        candidates = [group]
        if len(group) == 4:
            candidates.append("".join(groups[index:index + 4]))
        if any(card_issuer(c) and luhn_valid(c) for c in candidates if len(c) >= 13):
            return True
    return False


def card_in_place(text: str, start: int, end: int, before: str = "",
                  below: bool = False) -> bool:
    """Whether the card at ``text[start:end]`` (in groups) is taken as one: see above.
    With ``below`` (a whole text, not a stream), a card on the line below counts too."""
    first, last = _line_around(text, start, end)
    above = _previous_line(text, first, before)
    if not _in_cells(text, start, end) and len(_FIGURE.findall(above)) < 3:
        return True  # printed where a card is printed
    region = (before + text[:start])[-_CUE_BEFORE:] + text[end:last]
    if _CUE.search(region) is not None or _holds_card(above):
        return True
    return below and _holds_card(text[last + 1:].lstrip().partition("\n")[0])

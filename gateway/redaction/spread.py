"""Checksummed identifiers (NIR, payment card) spelled the way a reader still reads them.

A reader skips what stands between the digits of a number: a tab, a line break, an
underscore, a comma, a dash of any length, markdown emphasis (« **1 85 07** 75 … »), a
table cell's bar, the JSON escapes ``\\n`` / ``\\t`` of a tool argument read raw; and reads
a card number glued after a word (« ref_4970… », « CB4970… »). The recognizers of
``recognizers/identifiers.py`` want the separators a form prints (a space, a dot, a dash);
these patterns take the others, on evidence strong enough without them:

- the checksum (a NIR's key, a card's Luhn and issuer prefix), always;
- and the layout: a NIR in its printed groups (1 2 2 2 3 3 2) or its body and key apart;
  a card in groups of four (4 4 4 4, 4 4 4 4 3; Amex 4 6 5), set apart from the numbers
  around it (a date, a quantity: another separator or another length; a fifth 4-digit
  group with the same separator makes a row of figures), or glued whole after letters;
  either with one separator between every digit;
- and for a card in groups, its place (``card_place.py``): among the cells of a table,
  where four 4-digit figures pass Luhn and an issuer's prefix once in twenty-five rows,
  only with a card word above or on its line, or a card on the line above.

Used by the request's recognizers (rules of :class:`FrNirRecognizer` and
:class:`CreditCardRecognizer`) and by the answer screen (``answers.py``), so both read the
same spellings. The patterns open with a digit (or look behind one letter): a text
without digits costs one failed search each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .card_place import card_in_place, card_issuer
from .checksums import luhn_valid, nir_valid

__all__ = [
    "CARD_GLUED",
    "CARD_SPREAD",
    "DIGITWISE",
    "FIGURES",
    "GAP",
    "NIR_SPREAD",
    "card_glued_validate",
    "card_issuer",
    "card_spread_validate",
    "digitwise_validate",
    "figures_validate",
    "identifiers",
    "nir_spread_validate",
]

# One gap between two digits: one to four characters a reader skips (an apostrophe: the
# Swiss thousands separator; quotes, brackets, a colon or a plus between the groups of a
# NIR, « "1","84","03"… », « (1)(84)(03)… », still read as its groups).
_GAP_CHARS = r" \t\r\n\u00a0\u202f_,;.\-\u2013\u2014/|*~`'’\"():+\[\]{}"
GAP = rf"(?:[{_GAP_CHARS}]|\\[nrt]){{1,4}}"
# Between a card's groups the same, what a row's cells hold too (quotes, brackets, a
# colon): such a card is judged by where it stands (card_place.py).
_CARD_GAP = GAP
# Markup around digits (bold, italic, code, strike): not a separator of its own.
_MARKUP = re.compile(r"[*_~`]")

NIR_SPREAD = re.compile(
    rf"(?<!\d)[12]{GAP}\d\d{GAP}(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d){GAP}(?:\d\d|2[AB])"
    rf"{GAP}\d{{3}}{GAP}\d{{3}}{GAP}\d\d(?!\d)"
    # The body whole, its key apart.
    rf"|(?<!\d)[12]\d\d(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d)(?:\d\d|2[AB])\d{{6}}{GAP}\d\d(?!\d)",
    re.IGNORECASE,
)
# A run of three groups of digits or more; the validator finds a card's layout in it.
CARD_SPREAD = re.compile(rf"(?<!\d)\d+(?:{_CARD_GAP}\d+){{2,}}")
# A card number glued after a letter, an underscore or a comma (as the recognizer reads it).
CARD_GLUED = re.compile(r"(?<=[^\W\d]|,)\d{13,19}(?!\d)")
# One digit, then one separator and one digit, again and again.
DIGITWISE = re.compile(rf"(?<!\d)\d(?!\d)(?:{GAP}\d(?!\d)){{12,}}")

# A number as a spreadsheet shows it: by thousands (« 184 036 912 304 581 », « 184,036,… »,
# « 184.036.… », the Swiss « 184'036'… »), or in scientific notation with every digit
# (« 1,84036912304581E+14 »): a NIR or card column formatted as a number, pasted.
FIGURES = re.compile(
    r"(?<!\d)(?<!\d[.,'’])\d{1,3}(?P<sep>[ ,.'’\u00a0\u202f])\d{3}(?:(?P=sep)\d{3}){3,5}(?!\d)"
    r"|(?<!\d)(?<!\d[.,])\d[.,]\d{12,18}[Ee]\+?\d\d(?!\d)"
)

_CARD_LAYOUTS = ((4, 4, 4, 4, 3), (4, 4, 4, 4), (4, 6, 5))
_DIGIT_GROUP = re.compile(r"\d+")


def _digits(value: str) -> str:
    return "".join(_DIGIT_GROUP.findall(value))


def nir_spread_validate(value: str) -> tuple[int, float] | None:
    """A NIR in its groups: its key must be right (the separators prove nothing)."""
    compact = re.sub(r"[^0-9ABab]", "", value.replace("\\n", "").replace("\\t", "")
                     .replace("\\r", ""))
    return (len(value), 1.0) if nir_valid(compact) else None


def _gap(value: str) -> str:
    """A separator as a reader tells it apart: markup aside, JSON escapes as what they are."""
    return _MARKUP.sub("", value).replace("\\t", "\t").replace("\\n", "\n") or "_"


def _in_row(lengths: list[int], gaps: list[str], inside: set[str], index: int,
            side: int) -> bool:
    """Whether the group at ``index``, beside a card's groups, makes them a row of
    figures: four digits after the same separator, and not part of something else (the
    year of « 17/05/2024 » is the date's: « / » joins it to its other side)."""
    if not 0 <= index < len(lengths) or lengths[index] != 4:
        return False
    near, far = (index, index - 1) if side < 0 else (index - 1, index)
    if gaps[near] not in inside:
        return False
    return not 0 <= far < len(gaps) or gaps[far] in inside


def card_spread_validate(value: str) -> tuple[int, int, float] | None:
    """A card's groups (4 4 4 4, 4 4 4 4 3, 4 6 5) in a run of groups, Luhn and issuer.

    The run may hold more (a date, a quantity, an expiry): the card's groups are set apart
    from them by another separator or another length; a fifth 4-digit group with the same
    separator makes a row of figures, not a card. Separators may differ inside the card
    (« 4970 1012-3456.7893 », « 4970\t1012 3456 7893 »).
    """
    spans = [m.span() for m in _DIGIT_GROUP.finditer(value)]
    lengths = [stop - start for start, stop in spans]
    gaps = [_gap(value[spans[i][1]:spans[i + 1][0]]) for i in range(len(spans) - 1)]
    for layout in _CARD_LAYOUTS:
        size = len(layout)
        for first in range(len(spans) - size + 1):
            last = first + size - 1
            if tuple(lengths[first:last + 1]) != layout:
                continue
            inside = set(gaps[first:last])
            if _in_row(lengths, gaps, inside, first - 1, -1) or _in_row(
                    lengths, gaps, inside, last + 1, 0):
                continue
            start, stop = spans[first][0], spans[last][1]
            digits = _digits(value[start:stop])
            if card_issuer(digits) and luhn_valid(digits):
                return start, stop - start, 0.95
    return None


def card_glued_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 0.95) if card_issuer(value) and luhn_valid(value) else None


def digitwise_validate(value: str) -> str | None:
    """The kind of an identifier written one digit at a time, or None."""
    digits = _digits(value)
    if len(digits) == 15 and nir_valid(digits):
        return "FR_NIR"
    if card_issuer(digits) and luhn_valid(digits):
        return "CREDIT_CARD"
    return None


def figures_validate(value: str) -> str | None:
    """The kind of an identifier written as a spreadsheet shows a number, or None."""
    mantissa, e, exponent = value.upper().partition("E")
    if e:
        decimals = mantissa[2:]
        if int(exponent.lstrip("+")) != len(decimals):
            return None  # not an integer, or not all its digits
        return digitwise_validate(mantissa[0] + decimals)
    return digitwise_validate(value)


def identifiers(text: str, before: str = "",
                figures_below: bool = False) -> Iterator[tuple[int, int, str]]:
    """Every identifier spelled as above in ``text``: (start, end, kind), in no order; a
    card in groups only where a card stands (card_place.py: ``before`` is the text that
    came before ``text``; ``figures_below``: the first row of a table of figures is no
    card)."""
    if not any(c.isdigit() for c in text):
        return
    for match in NIR_SPREAD.finditer(text):
        if nir_spread_validate(match.group()):
            yield match.start(), match.end(), "FR_NIR"
    for match in CARD_SPREAD.finditer(text):
        verdict = card_spread_validate(match.group())
        if verdict is not None:
            start = match.start() + verdict[0]
            if card_in_place(text, start, start + verdict[1], before,
                             figures_below=figures_below):
                yield start, start + verdict[1], "CREDIT_CARD"
    for match in CARD_GLUED.finditer(text):
        if card_glued_validate(match.group()):
            yield match.start(), match.end(), "CREDIT_CARD"
    for match in [*DIGITWISE.finditer(text), *FIGURES.finditer(text)]:
        kind = (digitwise_validate if match.re is DIGITWISE else figures_validate)(match.group())
        if kind is not None:
            yield match.start(), match.end(), kind

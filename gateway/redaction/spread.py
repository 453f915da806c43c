"""Checksummed identifiers (NIR, payment card) spelled the way a reader still reads them.

A reader skips what stands between the digits of a number: a tab, a line break, an
underscore, a comma, a dash of any length, markdown emphasis (« **1 85 07** 75 … »), a
table cell's bar, the JSON escapes ``\\n`` / ``\\t`` of a tool argument read raw; and reads
a card number glued after a word (« ref_4970… », « CB4970… »). The recognizers of
``recognizers/identifiers.py`` want the separators a form prints (a space, a dot, a dash);
these patterns take the others, on evidence strong enough without them:

- the checksum (a NIR's key, a card's Luhn and issuer prefix), always;
- and the layout: a NIR in its printed groups (1 2 2 2 3 3 2) or its body and key apart;
  a card in groups of four (4 4 4 4, 4 4 4 4 3; Amex 4 6 5) with one separator throughout
  (markup aside), or glued whole after letters; either with one separator between every
  digit. A card's groups are the whole run of numbers (a fifth group makes it a row of
  figures, not a card), and never across table cells: four 4-digit cells of a table pass
  Luhn one time in ten.

Used by the request's recognizers (rules of :class:`FrNirRecognizer` and
:class:`CreditCardRecognizer`) and by the answer screen (``answers.py``), so both read the
same spellings. The patterns open with a digit (or look behind one letter): a text
without digits costs one failed search each.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .checksums import luhn_valid, nir_valid

__all__ = [
    "CARD_GLUED",
    "CARD_SPREAD",
    "DIGITWISE",
    "GAP",
    "NIR_SPREAD",
    "card_glued_validate",
    "card_issuer",
    "card_spread_validate",
    "digitwise_validate",
    "identifiers",
    "nir_spread_validate",
]

# One gap between two digits: one to four characters a reader skips.
_GAP_CHARS = r" \t\r\n\u00a0\u202f_,.\-\u2013\u2014/|*~`"
GAP = rf"(?:[{_GAP_CHARS}]|\\[nrt]){{1,4}}"
_CARD_GAP = rf"(?:[{_GAP_CHARS.replace('|', '')}]|\\[nrt]){{1,4}}"
# Markup around digits (bold, italic, code, strike): not a separator of its own.
_MARKUP = re.compile(r"[*_~`]")

NIR_SPREAD = re.compile(
    rf"(?<!\d)[12]{GAP}\d\d{GAP}(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d){GAP}(?:\d\d|2[AB])"
    rf"{GAP}\d{{3}}{GAP}\d{{3}}{GAP}\d\d(?!\d)"
    # The body whole, its key apart.
    rf"|(?<!\d)[12]\d\d(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d)(?:\d\d|2[AB])\d{{6}}{GAP}\d\d(?!\d)",
    re.IGNORECASE,
)
# A run of 4-digit-led groups; the validator reads its layout.
CARD_SPREAD = re.compile(rf"(?<!\d)\d{{4}}(?:{_CARD_GAP}\d+)+")
# A card number glued after a letter, an underscore or a comma (as the recognizer reads it).
CARD_GLUED = re.compile(r"(?<=[^\W\d]|,)\d{13,19}(?!\d)")
# One digit, then one separator and one digit, again and again.
DIGITWISE = re.compile(rf"(?<!\d)\d(?!\d)(?:{GAP}\d(?!\d)){{12,}}")

_CARD_LAYOUTS = ((4, 4, 4, 4), (4, 4, 4, 4, 3), (4, 6, 5))
_DIGIT_GROUP = re.compile(r"\d+")


def card_issuer(digits: str) -> bool:
    """The length and first digits of a card (Visa, Mastercard, Amex, CB, JCB, Discover)."""
    if len(digits) == 13:
        return digits[0] == "4"
    if len(digits) == 15:
        return digits[:2] in {"34", "37"}
    if len(digits) in (16, 19):
        return digits[0] in "456" or digits[:2] in {"22", "23", "24", "25", "26", "27", "35"}
    return False


def _digits(value: str) -> str:
    return "".join(_DIGIT_GROUP.findall(value))


def nir_spread_validate(value: str) -> tuple[int, float] | None:
    """A NIR in its groups: its key must be right (the separators prove nothing)."""
    compact = re.sub(r"[^0-9ABab]", "", value.replace("\\n", "").replace("\\t", "")
                     .replace("\\r", ""))
    return (len(value), 1.0) if nir_valid(compact) else None


def card_spread_validate(value: str) -> tuple[int, float] | None:
    """A card in groups of four, one separator throughout (markup aside)."""
    groups = _DIGIT_GROUP.findall(value)
    if tuple(len(g) for g in groups) not in _CARD_LAYOUTS:
        return None
    gaps = {_MARKUP.sub("", gap) or "_" for gap in re.split(r"\d+", value)[1:-1]}
    digits = "".join(groups)
    if len(gaps) != 1 or not card_issuer(digits) or not luhn_valid(digits):
        return None
    return len(value), 0.95


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


def identifiers(text: str) -> Iterator[tuple[int, int, str]]:
    """Every identifier spelled as above in ``text``: (start, end, kind), in no order."""
    if not any(c.isdigit() for c in text):
        return
    for match in NIR_SPREAD.finditer(text):
        if nir_spread_validate(match.group()):
            yield match.start(), match.end(), "FR_NIR"
    for match in CARD_SPREAD.finditer(text):
        if card_spread_validate(match.group()):
            yield match.start(), match.end(), "CREDIT_CARD"
    for match in CARD_GLUED.finditer(text):
        if card_glued_validate(match.group()):
            yield match.start(), match.end(), "CREDIT_CARD"
    for match in DIGITWISE.finditer(text):
        kind = digitwise_validate(match.group())
        if kind is not None:
            yield match.start(), match.end(), kind

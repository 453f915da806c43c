"""IBAN of any country, mod-97 validated: spaced by four, compact, or parted otherwise.

A bank export or a spreadsheet pasted as text puts an IBAN's groups in cells (« FR12<TAB>1751
<TAB>9000 … », « FR12;1751;… »), a form prints them with dots or underscores, a mail wraps
them over two lines. The model reads the IBAN whatever parts its groups. The mod-97 key
(one random run in 97 passes) and the country's exact length are the evidence; where the
groups are parted by anything but a space or a dash, the account part must be mostly
digits too (four letters at most, as a British bank code), so that prose after a
country-like word (« de 12 ; la … ») is never read as one.
"""

from __future__ import annotations

import re

from ..checksums import IBAN_LENGTHS, iban_valid
from .base import Rule, RuleRecognizer

__all__ = ["IbanRecognizer"]

# Letters an IBAN parted by cells may hold after its country code.
_SPREAD_LETTERS = 4


def _longest_valid(value: str, max_letters: int | None = None) -> tuple[int, float] | None:
    """The longest prefix of ``value`` (at a character of the IBAN) that is a valid IBAN."""
    expected = IBAN_LENGTHS.get(value[:2].upper())
    if expected is None:
        return None  # not a country that issues IBANs we know ("au 12 rue ...")
    compact: list[str] = []
    for index, char in enumerate(value):
        if not char.isalnum():
            continue
        compact.append(char)
        if len(compact) == expected:
            body = "".join(compact)
            if max_letters is not None and sum(c.isalpha() for c in body[2:]) > max_letters:
                return None
            return (index + 1, 1.0) if iban_valid(body) else None
    return None


def _iban_validate(value: str) -> tuple[int, float] | None:
    return _longest_valid(value)


def _spread_validate(value: str) -> tuple[int, float] | None:
    return _longest_valid(value, _SPREAD_LETTERS)


# "FR76 3000...", "FR 76 30006 00001 ...", "fr7630006...": any grouping.
_IBAN = re.compile(
    r"(?<![\w])(?:[A-Z]{2} ?|(?i:[a-z]{2}))\d{2}(?:[ -]?(?i:[A-Z0-9])){11,30}(?![\w])"
)
# Groups parted by a cell's separator, a dot, an underscore, several spaces, a line break
# (a JSON escape too); never « ; », which joins a text and its reading (gateway/text).
_SEP = r"(?:(?! ; )[ \t._;|/,\-]{1,3}|[ \t]*\r?\n[ \t]*|\\[nt])"
_IBAN_SPREAD = re.compile(
    rf"(?<![^\W_])(?i:[a-z]{{2}}){_SEP}?\d{{2}}(?:{_SEP}?(?i:[A-Z0-9])){{11,30}}(?![^\W_])"
)


class IbanRecognizer(RuleRecognizer):
    """IBAN of any country, mod-97 validated, spaced by 4 or compact, or parted otherwise."""

    def __init__(self) -> None:
        super().__init__(
            "IBAN_CODE",
            "IbanRecognizer",
            [Rule("iban", _IBAN, _iban_validate, score=1.0),
             Rule("iban_spread", _IBAN_SPREAD, _spread_validate, score=1.0)],
            context=["iban", "rib", "virement", "bancaire", "compte", "bank", "account"],
        )

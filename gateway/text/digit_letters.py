"""Letters typed for digits inside a number: « 184O369l23O4581 », « O6 48 21 77 O3 ».

A capital O for a zero, an l or an I for a one, an S for a five: the model and any reader
read the number, a regex for digits does not. ``letters_for_digits`` finds the runs of
groups that stand for a number with such letters in it and gives each group the digits it
reads as; ``normalize`` reads those digits in place of the group as written (a finding
then covers the group as typed).

Product codes mix letters and digits too (« SO-2O24-l5 », « ISO 9OO1 », « 4O1O-B »): a
run is read only when it holds nine digits or more once read (a phone has ten, a NIR
fifteen, a card sixteen), no more letters than digits, and each group in it holds a digit
or is one lone letter between two that do; a word with any other letter (« COVID19 »,
« OL1001 ») is no group. What a run stands for is then judged by the recognizers, with
their checksums and shapes: reading « 4O1O » as 4010 alone finds nothing.

Speed: one search per text for a letter of the set touching a digit; nothing else runs
on text without one.
"""

from __future__ import annotations

import re

__all__ = ["letters_for_digits"]

# The letters read as digits: Latin, and the Cyrillic and Greek ones that look the same.
_AS_DIGIT = {
    "O": "0", "o": "0", "О": "0", "о": "0", "Ο": "0", "ο": "0",
    "I": "1", "l": "1", "І": "1", "Ι": "1", "ӏ": "1",
    "S": "5", "Ѕ": "5",
    # Full-width, among full-width digits.
    "Ｏ": "0", "ｏ": "0", "Ｉ": "1", "ｌ": "1", "Ｓ": "5",
}
_LETTERS = "".join(_AS_DIGIT)
_GATE = re.compile(rf"\d[{_LETTERS}]|[{_LETTERS}]\d")
# A Corsican department in a NIR (« 2A », « 2B »; the A or B Latin, Cyrillic, Greek or
# full-width): a letter of its own right after a 2, read as written.
_DEPARTMENT = {"А": "A", "а": "a", "В": "B", "в": "b", "Α": "A", "Β": "B",
               "Ａ": "A", "ａ": "a", "Ｂ": "B", "ｂ": "b", "A": "A", "a": "a", "B": "B", "b": "b"}
_CORSICA = "".join(_DEPARTMENT)
# A group: digits (of any script: full-width too) and those letters, glued to no other
# letter or digit.
_GROUP = (rf"(?<![^\W_])(?:[\d{_LETTERS}]|(?<=[2２])[{_CORSICA}](?=[\d{_LETTERS}]|[^\w]|$))+"
          rf"(?![^\W_])")
# Between groups: what a number's groups are parted by (spread.py reads the same).
_SEP = r"(?:[ \t\r\n\u00a0\u202f_,;.\-\u2013\u2014/|\u00b7\u2022]{1,4}|\\[nt])"
_RUN = re.compile(rf"{_GROUP}(?:{_SEP}{_GROUP})*")
_GROUP_RE = re.compile(_GROUP)
_MIN_DIGITS = 9
_TABLE = str.maketrans({**_AS_DIGIT, **_DEPARTMENT})
# An IBAN's country and key right before a run: read with it.
_IBAN_HEAD = re.compile(rf"(?<![^\W_])[A-Za-z]{{2}}[0-9]{{2}}{_SEP}$")


def _read(groups: list[str]) -> list[bool] | None:
    """Which groups of a run to read as digits (None: the run is no number)."""
    digits = sum(c.isdigit() for g in groups for c in g)
    letters = sum(c in _AS_DIGIT for g in groups for c in g)
    if letters == 0 or letters > digits or digits + letters < _MIN_DIGITS:
        return None
    has_digit = [any(c.isdigit() for c in g) for g in groups]
    for index, group in enumerate(groups):
        # A group of letters only: one lone letter beside a group with digits.
        beside = (index > 0 and has_digit[index - 1]) or (
            index + 1 < len(groups) and has_digit[index + 1])
        if not has_digit[index] and (len(group) > 1 or not beside):
            return None
    return [any(not c.isdigit() for c in g) for g in groups]


def letters_for_digits(text: str) -> list[tuple[int, int, str]]:
    """Each run of ``text`` with letters for digits: (start, end, the run read as digits,
    separators kept). An IBAN's country and key before the run (« FR12 ») are part of it."""
    found: list[tuple[int, int, str]] = []
    if _GATE.search(text) is None:
        return found
    for run in _RUN.finditer(text):
        groups = [g.group() for g in _GROUP_RE.finditer(run.group())]
        if _read(groups) is None:
            continue
        start = run.start()
        prefix = _IBAN_HEAD.search(text, max(0, start - 8), start)
        if prefix is not None:
            start = prefix.start()
        reading = text[start:run.start()] + run.group().translate(_TABLE)
        found.append((start, run.end(), reading))
    return found

"""Whether a number spread over the cells of a row is one value of that row.

A phone or a card pasted from a spreadsheet whose cells cut it into groups
(« dupont<TAB>06<TAB>48<TAB>21<TAB>77<TAB>03<TAB>lyon ») reads, to a regex, like a row of
figures. The row itself tells them apart where nothing else does (no phone or card word
near it, no header naming its column):

- **a header above** (the first line of the block, every cell a label): the number is one
  value only if the row has as many cells more than the header as the number has groups
  less one (« Nom<TAB>Contact<TAB>Ville » above a row of seven cells); with as many cells
  as the header, each group is its own column, a figure;
- **no header**: the row holds a word besides the number (a name, a town), not a label
  of figures (« Total », « T1 », « Q3 »): a row of figures is labelled so, a record is not.
  Where the number's checksum passes by chance on a row of figures (a card: Luhn and an
  issuer's prefix, one row of four 4-digit figures in twenty-five), the row must also
  stand alone: no other row of figures in its block, above or below.
"""

from __future__ import annotations

import re

__all__ = ["cell_separator", "row_value"]

_LETTER = re.compile(r"[^\W\d_]")
_FIGURE = re.compile(r"\d{2,}")
# A word that labels figures, not a record: totals, a period or a column's code.
_FIGURE_LABEL = re.compile(
    r"(?i)(?:sous-)?totale?s?|sum|subtotal|cumul|somme|moyenne|average|mean|médiane|median|"
    r"[A-Za-z]{1,2}\d{1,2}|semaine|week|mois|month|trimestre|quarter|année|year"
)


def cell_separator(value: str) -> str | None:
    """The one cell separator (a tab, a semicolon, a comma, a bar) between all the groups
    of digits of ``value``, spaces around it aside; None if they are parted otherwise."""
    gaps = {gap.strip(" ") for gap in re.split(r"\d+", value)[1:-1]}
    sep = gaps.pop() if len(gaps) == 1 else None
    return sep if sep is not None and sep in ("\t", ";", ",", "|") else None


def _cells(line: str, sep: str) -> list[str]:
    if sep == "|":
        return [c.strip() for c in line.strip().strip("|").split("|")]
    return [c.strip(" \"'") for c in line.split(sep)]


def _is_header(line: str, sep: str) -> bool:
    cells = [c for c in _cells(line, sep) if c]
    return len(cells) >= 2 and all(_LETTER.search(c) for c in cells)


def _block(text: str, first: int, last: int) -> tuple[list[str], str]:
    """The lines of the row's block above it (no blank line between), and the line below."""
    above = text[:first].rstrip("\n").split("\n") if first else []
    block: list[str] = []
    for line in reversed(above):
        if not line.strip():
            break
        block.insert(0, line)
    below = text[last + 1:].partition("\n")[0] if last < len(text) else ""
    return block, below


def _labelled(cells: list[str]) -> bool:
    """A cell with a word that is not a label of figures."""
    return any(_LETTER.search(c) and not _FIGURE_LABEL.fullmatch(c.strip("*_` ")) for c in cells)


def row_value(text: str, start: int, end: int, sep: str, alone: bool = False) -> bool:
    """Whether ``text[start:end]``, groups parted by the cell separator ``sep``, is one
    value of its row (see the module docstring); ``alone``: no other row of figures may
    share its block."""
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", end)
    last = len(text) if last < 0 else last
    line = text[first:last]
    groups = len(re.findall(r"\d+", text[start:end]))
    block, below = _block(text, first, last)
    if block and _is_header(block[0], sep):
        return len(_cells(line, sep)) - len(_cells(block[0], sep)) == groups - 1
    others = _cells(text[first:start], sep) + _cells(text[end:last], sep)
    if not _labelled(others):
        return False
    if not alone:
        return True
    rows = [*block, below]
    return not any(len(_FIGURE.findall(row)) >= 3 for row in rows)

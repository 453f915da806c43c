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
  (a table of cards: each row passes the checksum, a table of figures does not), or a
  row with as many cells more than its header as the card has groups less one (the
  header has one column for the four cells: « Nom<TAB>Référence » above
  « Morel<TAB>4532<TAB>0151<TAB>1283<TAB>0366 »); in a request, a row alone in its block,
  without a header, that holds a word besides the card (« Morel<TAB>4532<TAB>0151… »
  pasted alone: ``rows.py``).

An answer reads only the text before the card and its own line, so a streamed answer
(which holds back only the end of what it has read) judges a card the same way as the
whole answer (``before`` is the answer's text already gone out); a request reads the line
below too (the first row of a table of cards without a header; and the first row of a
table of figures spaced like a card, « 2408 8104 7851 2144 » above « 1200 3400 5600 7800 »,
taken among figures).
A card in one group of digits is not judged here (no figure of a table has sixteen).
"""

from __future__ import annotations

import re

from .checksums import luhn_valid
from .rows import cell_separator, row_value

__all__ = ["below_settled", "card_in_place", "card_issuer"]

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
# A line of figures only (their separators, a sign, a bar).
_FIGURE_ROW = re.compile(r"[\d \t.,;:|/+\-]*")
_DIGITS = re.compile(r"\d+")
# Past this many characters, a line is prose, no row of a table: a card's line so long (or
# the line under it) heads no table of figures, and a stream holds the card no longer.
_ROW_TAIL = 200


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


def _block_head(text: str, first: int, before: str) -> str:
    """The first line of the block of lines (no blank line between) that ends above
    offset ``first``: a table's header."""
    above = (before + text[:first]).rstrip("\n")
    blank = above.rfind("\n\n")
    head = above[blank + 2:] if blank >= 0 else above
    return head.lstrip("\n").partition("\n")[0]


def _cells_of(line: str, sep: str) -> int:
    return len(line.strip().strip("|").split(sep)) if sep == "|" else line.count(sep) + 1


def _one_column(text: str, start: int, end: int, before: str) -> bool:
    """The groups fill one column of the table's header: the row has as many cells more
    than its header as the card has groups less one (« Nom<TAB>Référence » above
    « Morel<TAB>4532<TAB>0151<TAB>1283<TAB>0366 »: one reference cut in four cells)."""
    gaps = set(_DIGITS.split(text[start:end])[1:-1])
    if len(gaps) != 1 or (sep := gaps.pop().strip(" ")) not in ("\t", ";", ",", "|"):
        return False
    first, last = _line_around(text, start, end)
    head = _block_head(text, first, before)
    columns = _cells_of(head, sep)
    groups = len(_DIGITS.findall(text[start:end]))
    return columns >= 2 and _cells_of(text[first:last], sep) - columns == groups - 1


def _heads_figures(text: str, end: int, last: int) -> bool:
    """The line below is a row of four figures or more (figures only), none a card: the
    card's line is the first row of a table of figures (« 2408 8104 7851 2144 » above
    « 1200 3400 … »). A line longer than a table row (the card's, past the card, or the
    one below) is prose: no table there."""
    below = text[last + 1:].lstrip().partition("\n")[0]
    return (last - end <= _ROW_TAIL and len(below) <= _ROW_TAIL
            and _FIGURE_ROW.fullmatch(below) is not None and len(_FIGURE.findall(below)) >= 4
            and not _holds_card(below))


def below_settled(text: str, end: int) -> bool:
    """Whether the line below the one ending the card at ``end`` is all there, or can no
    longer be a row of figures (a stream holds the card back until then): the card's line
    or the one below grew longer than a table row, or the line below holds a word."""
    last = text.find("\n", end)
    if last < 0:
        return len(text) - end > _ROW_TAIL
    line, newline, _ = text[last + 1:].lstrip().partition("\n")
    return (bool(newline) or last - end > _ROW_TAIL or len(line) > _ROW_TAIL
            or _FIGURE_ROW.fullmatch(line) is None)


def card_in_place(text: str, start: int, end: int, before: str = "",
                  below: bool = False, figures_below: bool = False) -> bool:
    """Whether the card at ``text[start:end]`` (in groups) is taken as one: see above.
    With ``below`` (a whole text, not a stream), the line below counts too: a card on it,
    or a row of figures under a line printed like a card; with ``figures_below`` only the
    row of figures (an answer, whose stream holds such a card back until that line is
    there: ``below_settled``)."""
    first, last = _line_around(text, start, end)
    above = _previous_line(text, first, before)
    if (not _in_cells(text, start, end) and len(_FIGURE.findall(above)) < 3
            and not ((below or figures_below) and _heads_figures(text, end, last))):
        return True  # printed where a card is printed
    region = (before + text[:start])[-_CUE_BEFORE:] + text[end:last]
    if (_CUE.search(region) is not None or _holds_card(above)
            or _one_column(text, start, end, before)):
        return True
    if not below:
        return False
    sep = cell_separator(text[start:end])
    return _holds_card(text[last + 1:].lstrip().partition("\n")[0]) or (
        sep is not None and row_value(text, start, end, sep, alone=True))

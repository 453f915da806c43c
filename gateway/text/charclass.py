"""A regex character class written from a list of code points, as ranges.

Python's ``re`` has no Unicode properties (``\\p{Lu}``): classes that follow Unicode
(letters of every Latin script, characters normalization leaves alone) are built once at
import from the code points they hold.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def char_class(codes: Iterable[int]) -> str:
    """The inside of ``[...]`` matching exactly ``codes`` (ascending), runs as ranges."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )

"""Regex classes of Latin capital and small letters, accents of every language included.

``[A-ZÀ-Þ]`` stops at Latin-1: « Wiśniewski », « Petrović », « Nguyễn Thị »,
« Yılmaz », « KOVAČ » fell apart at their first letter beyond it. Python's
``re`` has no ``\\p{Lu}``; these classes list Latin Extended-A/B and Latin
Extended Additional by case, built once at import.
"""

from __future__ import annotations

import re

__all__ = ["LOW", "UP"]


def _letters(upper: bool) -> str:
    blocks = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    codes = [
        c
        for low, high in blocks
        for c in range(low, high + 1)
        if chr(c).isalpha() and (chr(c).isupper() if upper else chr(c).islower())
    ]
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


# Contents of a character class (use as f"[{UP}]").
UP = "A-Z" + _letters(upper=True)
LOW = "a-z" + _letters(upper=False)

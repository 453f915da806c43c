"""Regex classes of Latin capital and small letters, accents of every language included.

``[A-ZÀ-Þ]`` stops at Latin-1: « Wiśniewski », « Petrović », « Nguyễn Thị »,
« Yılmaz », « KOVAČ » fell apart at their first letter beyond it. Python's
``re`` has no ``\\p{Lu}``; these classes list Latin Extended-A/B and Latin
Extended Additional by case, built once at import.
"""

from __future__ import annotations

from gateway.text.charclass import char_class

__all__ = ["LOW", "UP"]


def _letters(upper: bool) -> str:
    blocks = [(0x00C0, 0x024F), (0x1E00, 0x1EFF)]
    codes = [
        c
        for low, high in blocks
        for c in range(low, high + 1)
        if chr(c).isalpha() and (chr(c).isupper() if upper else chr(c).islower())
    ]
    return char_class(codes)


# Contents of a character class (use as f"[{UP}]").
UP = "A-Z" + _letters(upper=True)
LOW = "a-z" + _letters(upper=False)

"""Input sanitation that keeps offsets stable."""

from __future__ import annotations

import re

__all__ = ["sanitize"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitize(text: str) -> str:
    """Replace lone surrogates by U+FFFD, one character for one.

    A Python ``str`` may carry lone surrogates (e.g. from a JSON ``\\ud800``
    escape); spaCy and UTF-8 encoding choke on them. Replacing 1:1 keeps every
    offset valid for the original string, so findings still apply to it.
    """
    if not isinstance(text, str):
        raise TypeError("text must be str")
    return _LONE_SURROGATE.sub("\ufffd", text)

"""Where a JSON text stands: inside a string literal or not, read as it goes.

Tool-call arguments are JSON text. A value replaced inside a string literal stays a
string; one replaced outside (a bare number: ``{"n": 185057800608436}``) must become a
string literal itself, or the arguments no longer parse. A stream is screened piece by
piece, so the cursor keeps its state between pieces instead of re-reading the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["JsonCursor"]

_STRING_STOP = re.compile(r'["\\]')


@dataclass(slots=True)
class JsonCursor:
    """The lexical state after the text read so far (only strings and escapes matter)."""

    in_string: bool = False
    escaped: bool = False

    def copy(self) -> JsonCursor:
        return JsonCursor(self.in_string, self.escaped)

    def advance(self, text: str, start: int = 0, stop: int | None = None) -> None:
        """Read ``text[start:stop]``: jumps from quote to quote, not character by character."""
        end = len(text) if stop is None else stop
        i = start
        while i < end:
            if self.escaped:
                self.escaped = False
                i += 1
            elif not self.in_string:
                quote = text.find('"', i, end)
                if quote < 0:
                    return
                self.in_string, i = True, quote + 1
            else:
                found = _STRING_STOP.search(text, i, end)
                if found is None:
                    return
                if found.group() == "\\":
                    self.escaped = True
                else:
                    self.in_string = False
                i = found.end()

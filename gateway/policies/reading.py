"""A stamp or a code name as a reader reads it, for the policies' content rules.

The normalized text (``gateway.text.normalize``) already reads full-width, look-alike and
escaped letters. A reader, and the model, also read a word whose letters are spaced out
or stacked one a line (« C O N F I D E N T I E L », « C.O.N.F… »), cut by emphasis
markup (« **CONFI**DENTIEL »), struck through or underlined with combining marks, in
small capitals, in letters of the enclosed-alphanumerics block (« 🅲🅾🅽… », regional
indicators), and two words parted by a line break, a tab, an underscore or two spaces
(« PROJET\\nAURORE »). A content rule written for « CONFIDENTIEL » or
« PROJET[- ]AURORE » missed each of them: the hold was stepped around.

:func:`as_read` gives that reading; the content rules search it beside the text as
written and normalized (:class:`gateway.policies.context.ContentScan`). It is read for
the policies only: the recognizers and what the provider receives are unchanged.
"""

from __future__ import annotations

import re

__all__ = ["as_read"]

_LETTER = r"[^\W\d_]"
_SEPARATORS = "[ .\\-_/|*·\\n]"
# A word spelled letter by letter: three letters or more, one same separator between each.
_SPACED = re.compile(
    rf"\b{_LETTER}(?P<sep>{_SEPARATORS}{{1,3}}){_LETTER}(?:(?P=sep){_LETTER})+\b")
# Emphasis markup (« **CONFI**DENTIEL ») or an underscore (« PROJET_AURORE ») before a
# letter: dropped, or read as a space, where a letter stands before it too.
_MARKUP = re.compile(rf"[*~`_]+(?={_LETTER})")
# Combining marks that draw a line over, through or under a letter (strikethrough and
# underline « generators »): decoration, not a letter of another word.
_LINES = re.compile("[\u0305\u0332\u0333\u0334\u0335\u0336\u0337\u0338\u033f"
                    "\u20d2\u20d3\u20e5\u20e6\u20eb]")
_SMALL_CAPITALS = dict(zip(
    "ᴀʙᴄᴅᴇꜰɢʜɪᴊᴋʟᴍɴᴏᴘǫʀꜱᴛᴜᴠᴡʏᴢ", "ABCDEFGHIJKLMNOPQRSTUVWYZ", strict=True))
# Enclosed letters NFKC leaves alone: negative circled, negative squared, regional
# indicators (A to Z each).
_ENCLOSED = {chr(base + i): chr(ord("A") + i)
             for base in (0x1F150, 0x1F170, 0x1F1E6) for i in range(26)}
_LETTERS = str.maketrans({**_SMALL_CAPITALS, **_ENCLOSED})
_DRESSED = re.compile("[" + "".join(_SMALL_CAPITALS) + "\U0001f150-\U0001f1ff]|"
                      + _LINES.pattern)


def _joined(match: re.Match[str]) -> str:
    return match.group().replace(match.group("sep"), "")


def _unmarked(text: str) -> str:
    def one(match: re.Match[str]) -> str:
        start = match.start()
        if start == 0 or not text[start - 1].isalpha():
            return match.group()
        return " " if "_" in match.group() else ""
    return _MARKUP.sub(one, text)


def as_read(text: str) -> str:
    """``text`` (normalized) as a reader reads its words: see the module docstring."""
    if not text.isascii() and _DRESSED.search(text):
        text = _LINES.sub("", text.translate(_LETTERS))
    text = _SPACED.sub(_joined, text)
    if "*" in text or "_" in text or "~" in text or "`" in text:
        text = _unmarked(text)
    # Blank space of any length or kind (a line break, a tab, two spaces) read as one space.
    return " ".join(text.split())

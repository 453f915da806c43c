"""Text hidden in a token a reader decodes: bare base64 or hex, a right-to-left override.

``normalize`` reads each of these as the text it stands for, beside the token as written
(a finding in either covers the whole token):

- **base64 and hex.** A token of the base64 alphabet (standard or URL-safe, padding
  optional) or of hex digits decodes to a NIR, a card number or an e-mail address that a
  model reads as readily as the clear text (« MjY5MDU0OTU4ODE1Nzgw »). The rule is
  bounded and cheap: only tokens of 16 to 4,096 characters (a NIR is 20 in base64, 30 in
  hex; shorter tokens are words; a longer one is a file pasted inline, left unread here:
  documents sent as files or data URLs are decoded by ``proxy``), and only when they
  decode to UTF-8 text that is all printable (a random token does so about once in a
  million for 12 bytes; a word, a hash, an id or a key decodes to bytes that are not
  text). One search per text for a run of 16 such
  characters; nothing is decoded in prose. A part of a dotted token (a JWT) is left to
  the secret rules, which read the token whole.
- **HTML markup touching a digit** (« <b>06</b> <b>12</b> … »): read as what a page
  shows in its place (nothing, a cell, a line break).
- **numbers in words** (``spoken.py``): « zéro six douze trente-quatre … » read as the
  digits it stands for, nine or more.
- **a right-to-left override** (U+202E) shows what follows it reversed until a « pop »
  (U+202C) or the end of the line: U+202E then « 087518859450962 » shows a NIR on
  screen while its digits are stored backwards. Both orders are read.
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import unicodedata

from gateway.text.spoken import spoken_numbers

__all__ = ["OVERRIDE", "Escape", "encoded_tokens", "escapes_in"]

_MIN, _MAX = 16, 4096
_TOKEN = re.compile(rf"[A-Za-z0-9+/_-]{{{_MIN},{_MAX}}}={{0,2}}")
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_OVERRIDE = re.compile("\u202e[^\u202e\u202c\n\u2029]*\u202c?")
# What joins the token as written and the text it stands for: no separator a number
# spans (gateway.redaction.spread), so the two never read as one number.
_JOIN = " ; "
#: The right-to-left override: an escape that decodes to it is kept for the next pass.
OVERRIDE = "\u202e"


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if not text or not all(c.isprintable() or c in "\t\n\r" for c in text):
        return None
    return text


def _decode(token: str) -> str | None:
    """The text a base64 or hex token stands for, or None."""
    if _HEX.fullmatch(token) and (text := _printable(bytes.fromhex(token))) is not None:
        return text
    body = token.rstrip("=")
    if len(body) % 4 == 1:
        return None
    body = body.replace("-", "+").replace("_", "/")
    try:
        data = base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    return _printable(data)


def _bounded(text: str, start: int, end: int) -> bool:
    """The token is whole: nothing of the alphabet glued to it, and no part of a dotted
    token (a JWT, « sk.eyJ… »: its parts are read whole by the secret rules)."""
    before = text[start - 2:start] if start else ""
    after = text[end:end + 2]
    if before[-1:] and (before[-1].isalnum() or before[-1] in "+/=_-"):
        return False
    if after[:1] and (after[0].isalnum() or after[0] in "+/_-"):
        return False
    return not ((before[-1:] == "." and before[:1].isalnum())
                or (after[:1] == "." and after[1:2].isalnum()))


def encoded_tokens(text: str, tokens: bool = True,
                   overrides: bool = True) -> list[tuple[int, int, str]]:
    """Each override (``overrides``) and token (``tokens``) of ``text`` that stands for
    other text: (start, end, what a reader reads: as written, then what it stands for)."""
    found: list[tuple[int, int, str]] = []
    if overrides and OVERRIDE in text:
        for match in _OVERRIDE.finditer(text):
            # Every override and pop out: the two readings hold none to read again.
            inner = match.group().replace(OVERRIDE, "").replace("\u202c", "")
            # Marks first would compose with what precedes on a second reading.
            inner = inner.lstrip("".join(c for c in inner[:8]
                                         if unicodedata.category(c)[0] == "M"))
            found.append((match.start(), match.end(), inner + _JOIN + inner[::-1]))
    if not tokens:
        return found
    for start, end, digits in spoken_numbers(text):
        if not text.startswith(_JOIN + digits, end):  # not already read beside its words
            found.append((start, end, text[start:end] + _JOIN + digits))
    for match in _TOKEN.finditer(text):
        start, end = match.span()
        if not _bounded(text, start, end):
            continue
        value = _decode(match.group())
        # Already read beside its text (the text normalized again): left as it is.
        if value is not None and not text.startswith(_JOIN + value, end):
            found.append((start, end, match.group() + _JOIN + value))
    return found


# HTML markup a page shows as nothing (inline) or as a cell or a line break, where it
# touches a digit: « <b>4970</b> <b>1012</b> … », « <td>06</td><td>12</td> ». Elsewhere
# markup is left to the rules (a secret in an XML element, a name in a heading).
_INLINE = ("a|abbr|b|bdi|bdo|big|cite|code|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|"
           "span|strike|strong|sub|sup|tt|u|var|wbr")
_CELLS = "td|th"
_LINES = "br|p|div|li|tr|h[1-6]|hr|ul|ol|table|tbody|thead|pre|blockquote"
_TAG = (rf"</?(?:{_INLINE}|{_CELLS}|{_LINES})\b(?:\s[^<>]{{0,200}})?/?>")
_TAG_NAME = re.compile(r"</?([A-Za-z0-9]+)")
_CELL_TAG = re.compile(rf"(?:{_CELLS})", re.IGNORECASE)
_INLINE_TAG = re.compile(rf"(?:{_INLINE})", re.IGNORECASE)

# Escapes a reader decodes (see the module docstring), each found by its own pattern (a
# literal first character keeps the search fast). A character reference needs its « ; »
# (« &copy » in prose is left); a run of ``%XX`` is decoded only when it is UTF-8; a
# ``\\u`` escape may have its backslash escaped too (« \\\\u0032 », JSON in JSON).
_ESCAPES = (
    ("&", re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")),
    ("%", re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")),
    ("\\u", re.compile(r"\\{1,4}u[0-9A-Fa-f]{4}")),
    ("<", re.compile(rf"(?<=\d){_TAG}|{_TAG}(?=\d)", re.IGNORECASE)),
)
# An escape found: where it is, and what it stands for (None: nothing, left as written).
Escape = tuple[int, int, "str | None"]


def escapes_in(text: str, tokens: bool = True, overrides: bool = True) -> list[Escape]:
    """The escapes in ``text`` (HTML references, ``%XX``, ``\\u``; see ``normalize``), the
    overrides and (``tokens``) the encoded tokens, in order, none overlapping another
    (the first wins)."""
    found: list[Escape] = [
        (m.start(), m.end(), _unescape(m.group()))
        for mark, pattern in _ESCAPES if mark in text for m in pattern.finditer(text)
    ]
    found += encoded_tokens(text, tokens, overrides)
    if len(found) < 2:
        return found
    found.sort(key=lambda e: e[0])
    kept = [found[0]]
    for escape in found[1:]:
        if escape[0] >= kept[-1][1]:
            kept.append(escape)
    return kept


def _unescape(escape: str) -> str | None:
    """What an escape stands for, or None when it stands for nothing (left as written)."""
    if escape[0] == "<":  # markup: what a page shows in its place
        name = _TAG_NAME.match(escape)
        tag = name.group(1) if name else ""
        if _INLINE_TAG.fullmatch(tag):
            return ""
        return "\t" if _CELL_TAG.fullmatch(tag) else "\n"
    if escape[0] == "&":
        value = html.unescape(escape)
        return None if value == escape else value
    if escape[0] == "%":
        try:
            return bytes.fromhex(escape.replace("%", "")).decode("utf-8")
        except UnicodeDecodeError:
            return None
    value = chr(int(escape.lstrip("\\")[1:], 16))
    return None if "\ud800" <= value <= "\udfff" else value

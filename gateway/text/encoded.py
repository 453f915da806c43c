"""Text hidden in a token a reader decodes: bare base64 or hex, a right-to-left override.

``normalize`` reads each of these as the text it stands for, beside the token as written
(a finding in either covers the whole token):

- **base64 and hex.** A token of the base64 alphabet (standard or URL-safe, padding
  optional) or of hex digits decodes to a NIR, a card number or an e-mail address that a
  model reads as readily as the clear text (« MjY5MDU0OTU4ODE1Nzgw »). The rule is
  bounded and cheap: only tokens of 16 characters or more (a NIR is 20 in base64, 30 in
  hex; shorter tokens are words), and only when they decode to UTF-8 text that is all
  printable (a random token does so about once in a million for 12 bytes; a word, a hash,
  an id or a key decodes to bytes that are not text; a token over 4,096 characters is
  first tried on its first 4,096, so a picture pasted inline costs one short decode). One
  search per text for a run of 16 such characters; nothing is decoded in prose. A dotted
  token (a JWT, « v1.<base64>.x ») is read whole: each part that decodes is read beside
  the token, which stays one (the secret rules read it whole); base64 wrapped at a fixed
  width (MIME, PEM) is read as one token, lines joined. Up to 4 Mi characters.
- **HTML markup touching a digit** (« <b>06</b> <b>12</b> … »): read as what a page
  shows in its place (nothing, a cell, a line break).
- **numbers in words** (``spoken.py``): « zéro six douze trente-quatre … » read as the
  digits it stands for, nine or more.
- **letters for digits** (``digit_letters.py``): « 184O369l23O4581 » read as its digits.
- **a right-to-left override** (U+202E) shows what follows it reversed until a « pop »
  (U+202C) or the end of the line: U+202E then « 087518859450962 » shows a NIR on
  screen while its digits are stored backwards. Both orders are read.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import html
import re
import unicodedata

from gateway.text.digit_letters import letters_for_digits
from gateway.text.spoken import spoken_numbers

__all__ = ["OVERRIDE", "Escape", "encoded_tokens", "escapes_in"]

_MIN, _MAX = 16, 1 << 22
_TOKEN = re.compile(rf"[A-Za-z0-9+/_-]{{{_MIN},}}={{0,2}}")
_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=")
# Base64 wrapped at a fixed width (MIME 76, PEM 64): lines of 40 to 100 characters.
_WRAPPED = re.compile(r"(?:[A-Za-z0-9+/]{40,100}={0,2}\r?\n)+[A-Za-z0-9+/]{4,100}={0,2}")
# Decoded first, to tell a long token of text from a picture or a key without decoding all.
_PROBE = 4096
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
_OVERRIDE = re.compile("\u202e[^\u202e\u202c\n\u2029]*\u202c?")
# What joins the token as written and the text it stands for: no separator a number
# spans (gateway.redaction.spread), so the two never read as one number.
_JOIN = " ; "
#: The right-to-left override: an escape that decodes to it is kept for the next pass.
OVERRIDE = "\u202e"


def _printable(data: bytes) -> str | None:
    """``data`` as printable UTF-8 text, or None. A character cut at either edge is left
    out: a stream lets a long token go in parts, each decoded on its own."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        lead = 0
        while lead < min(3, len(data)) and data[lead] & 0xC0 == 0x80:
            lead += 1  # continuation bytes of a character begun in the part before
        try:
            text = codecs.getincrementaldecoder("utf-8")().decode(data[lead:], final=False)
        except UnicodeDecodeError:
            return None
    if not text or not all(c.isprintable() or c in "\t\n\r" for c in text):
        return None
    return text


def _b64(body: str) -> bytes | None:
    try:
        return base64.b64decode(body + "=" * (-len(body) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None


def _decode(token: str) -> str | None:
    """The text a base64 or hex token stands for, or None."""
    if _HEX.fullmatch(token) and (text := _printable(bytes.fromhex(token))) is not None:
        return text
    body = token.rstrip("=")
    if len(body) % 4 == 1:  # a part of a token cut anywhere: its last character is the next's
        body = body[:-1]
    body = body.replace("-", "+").replace("_", "/")
    if len(body) > _PROBE:  # a picture or a key fails on its first bytes
        probe = _b64(body[:_PROBE])
        try:
            codecs.getincrementaldecoder("utf-8")().decode(probe or b"\xff", final=False)
        except UnicodeDecodeError:
            return None
    data = _b64(body)
    return None if data is None else _printable(data)


def _extent(text: str, start: int, end: int) -> tuple[int, int]:
    """The whole token around a run of the alphabet: with the other parts of a dotted
    token (a JWT, « ref.<base64>.x ») and the lines of a wrapped one."""
    while start > 1 and text[start - 1] == "." and text[start - 2] in _ALPHABET:
        start -= 1
        while start > 0 and text[start - 1] in _ALPHABET:
            start -= 1
    while end + 1 < len(text) and text[end] == "." and text[end + 1] in _ALPHABET:
        end += 1
        while end < len(text) and text[end] in _ALPHABET:
            end += 1
    if text[end:end + 1] in ("\n", "\r") and (wrapped := _WRAPPED.match(text, start)):
        end = max(end, wrapped.end())
    return start, end


def _read(token: str) -> str | None:
    """What a whole token stands for: each part of a dotted token that decodes (a JWT's
    header and claims), or the lines of a wrapped one read as one; None if nothing."""
    if "." in token:
        parts = [_decode(part) for part in token.split(".") if len(part) >= _MIN]
        values = [part for part in parts if part is not None]
        return _JOIN.join(values) if values else None
    return _decode(token.replace("\r", "").replace("\n", ""))


def _bounded(text: str, start: int, end: int) -> bool:
    """The token is whole (nothing of the alphabet glued to it) and not too long."""
    if end - start > _MAX:
        return False
    if start and (text[start - 1].isalnum() or text[start - 1] in "+/=_-"):
        return False
    return not (end < len(text) and (text[end].isalnum() or text[end] in "+/_-"))


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
    for start, end, digits in [*spoken_numbers(text), *letters_for_digits(text)]:
        if not text.startswith(_JOIN + digits, end):  # not already read beside its words
            found.append((start, end, text[start:end] + _JOIN + digits))
    position = 0
    while (token := _TOKEN.search(text, position)) is not None:
        start, end = _extent(text, *token.span())
        position = end
        if not _bounded(text, start, end):
            continue
        value = _read(text[start:end])
        # Already read beside its text (the text normalized again): left as it is.
        if value is not None and not text.startswith(_JOIN + value, end):
            found.append((start, end, text[start:end] + _JOIN + value))
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
# ``\\u`` escape may have its backslash escaped too (« \\\\u0032 », JSON in JSON); the
# escapes of source code read the same: ``\\u{32}`` (JavaScript, Rust, Swift), ``\\U00000032``
# (Python, C), a run of ``\\xNN`` bytes that is UTF-8 (« "\\x31\\x38\\x34…" »).
_ESCAPES = (
    ("&", re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")),
    ("%", re.compile(r"%[0-9A-Fa-f]{2}(?:%[0-9A-Fa-f]{2})*")),
    ("\\u", re.compile(r"\\{1,4}u(?:[0-9A-Fa-f]{4}|\{[0-9A-Fa-f]{1,6}\})")),
    ("\\U", re.compile(r"\\{1,4}U[0-9A-Fa-f]{8}")),
    ("\\x", re.compile(r"(?:\\{1,4}x[0-9A-Fa-f]{2})+")),
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
    body = escape.lstrip("\\")
    if body[0] == "x":
        try:
            return bytes.fromhex(re.sub(r"\\+x", "", escape)).decode("utf-8")
        except UnicodeDecodeError:
            return None
    code = int(body[1:].strip("{}"), 16)
    if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)

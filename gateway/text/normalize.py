"""Text as a matcher should see it, with a map back to the text as written.

A rule that looks for « PROJET AURORE » or a NIR is bypassed by a zero-width
space, a Cyrillic « О », a non-breaking space or full-width digits: the text
reads the same to a person and to the model, not to a regex. ``normalize``
gives the matchers (policy content rules, recognizers) one canonical form:

- NFKC (full-width letters and digits, ligatures, superscripts, math letters);
- zero-width, invisible and bidirectional control characters removed;
- every space variant made an ASCII space, line and paragraph separators a
  newline, hyphen variants an ASCII hyphen, decimal digits of any script
  ASCII digits;
- Cyrillic, Greek and a few other letters that look Latin folded to Latin,
  inside words that could be Latin words in disguise (mixed with Latin
  letters, or made only of look-alikes): « PRОJET » with a Cyrillic « О »
  becomes « PROJET », while a Russian word like « Москва » stays as it is;
- marks on a digit dropped (« 2́ », a keycap « 2️⃣ »: the digit is what reads);
- escapes a model decodes as it reads them decoded: HTML character references
  (« &#50; », « &#x32; », « &nbsp; »), percent-encoding (« PROJET%20AURORE »,
  a run of ``%XX`` that is UTF-8) and JSON/Python ``\\uXXXX`` escapes. A NIR
  written « &#50;&#54;&#57;… » or a « CONFIDENTIE&#76; » stamp read as text
  by the model was another string to a matcher. Escapes inside escapes
  (« &amp;#50; », « %2532 », « \\\\u0032 ») are decoded again, three passes at most;
- what ``encoded.py`` finds read beside the text as written: a bare base64 or
  hex token that decodes to text, a right-to-left override read in both orders.

``Normalized.span`` maps a span of the normalized text back to the text as
written, so a finding replaces exactly what the user typed (a full-width
NIR, a phone number with zero-width spaces inside).

Speed: this runs on every request. ASCII text without « & », « % » or « \\u »
returns after one search for a run of 16 base64 characters; other text is
scanned by one regex for characters that may change (French accents, « » and
’ are not among them), and only those go through Python code. Measured in
``bench/normalize_bench.py``.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, replace

from gateway.text.charclass import char_class
from gateway.text.encoded import OVERRIDE, Escape, escapes_in

__all__ = ["Normalized", "normalize"]

# Invisible characters: zero-width (space, joiners, word joiner, BOM), soft
# hyphen, invisible operators, Hangul fillers that render blank, Mongolian
# vowel separator, combining grapheme joiner, variation selectors, tags; and
# the bidirectional marks, embeddings, overrides and isolates.
_REMOVED = frozenset(
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b\u200c\u200d\u200e\u200f"
    "\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068"
    "\u2069\u3164\ufeff\uffa0"
    + "".join(chr(c) for c in range(0xFE00, 0xFE10))
    + "".join(chr(c) for c in range(0xE0000, 0xE0080))
)
# Spaces NFKC leaves alone (it already maps no-break, thin, em... spaces to " ").
# The blank Braille pattern renders as a space (a favourite to slip between digits).
_SPACES = {"\u1680": " ", "\u2800": " ", "\u2028": "\n", "\u2029": "\n", "\u0085": "\n"}
# Hyphens that NFKC keeps distinct from "-" (en and em dashes stay: they are
# punctuation in French prose, not parts of numbers).
_HYPHENS = dict.fromkeys("\u2010\u2011\u2012\u2043\u2212\ufe63", "-")

# Letters that render like a Latin letter (after Unicode's confusables.txt,
# the ones that matter in Latin-script text).
_CONFUSABLE_PAIRS = (
    # Cyrillic
    "АA ВB ЕE ЅS ІI ЈJ КK МM НH ОO РP СC ТT УY ХX ҮY ҺH ӀI ԚQ ԜW "
    "аa еe оo рp сc уy хx ѕs іi јj ԁd ԛq ԝw һh үy ӏl ѵv ѡw ɡg "
    # Greek
    "ΑA ΒB ΕE ΖZ ΗH ΙI ΚK ΜM ΝN ΟO ΡP ΤT ΥY ΧX οo ιi νv ρp υu κk αa "
    # Armenian, Latin IPA and dotless i
    "օo սu ցg ոn հh ıi ɑa ʏy ɩi"
)
_CONFUSABLES = {pair[0]: pair[1] for pair in _CONFUSABLE_PAIRS.split()}

_TABLE = {**_SPACES, **_HYPHENS}


def _is_latin_letter(char: str) -> bool:
    # Basic Latin to Latin Extended-B, and Latin Extended Additional (ẞ, ạ...).
    code = ord(char)
    return code < 0x250 or 0x1E00 <= code <= 0x1EFF


def _latin_like(char: str) -> bool:
    """A letter that reads as Latin: Latin, a look-alike, or Latin after NFKC (full-width)."""
    if _is_latin_letter(char) or char in _CONFUSABLES:
        return True
    return all(
        _is_latin_letter(c) or c in _CONFUSABLES for c in unicodedata.normalize("NFKC", char)
    )


def _safe_chars() -> str:
    """A regex class of the non-ASCII characters ``normalize`` leaves unchanged.

    Built once at import from the blocks French text uses (Latin letters with
    accents, typographic punctuation, currency, arrows, box drawing, emoji):
    each is kept only if NFKC leaves it alone and no table above touches it.
    """
    blocks = [
        (0x00A0, 0x024F),
        (0x1E00, 0x1EFF),
        (0x2000, 0x206F),
        (0x20A0, 0x20CF),
        (0x2100, 0x214F),
        (0x2190, 0x23FF),
        (0x2500, 0x27BF),
        (0x1F300, 0x1FAFF),
    ]
    safe = [
        code
        for low, high in blocks
        for code in range(low, high + 1)
        if (char := chr(code)) not in _REMOVED
        and char not in _TABLE
        and char not in _CONFUSABLES
        and not unicodedata.combining(char)
        and unicodedata.category(char) != "Nd"
        and unicodedata.normalize("NFKC", char) == char
    ]
    return char_class(safe)


# A run of characters that may change. A combining diacritic after a safe
# character starts a run too: the run then takes that character back, as
# NFKC composes them ("e" + U+0301 -> "é").
_UNSAFE_RUN = re.compile(rf"[^\x00-\x7f{_safe_chars()}]+")
# Marks of combining class 0, which ``unicodedata.combining`` does not report: enclosing
# ones (the keycap U+20E3, circles) and spacing ones.
_CLASS0_MARKS = frozenset(
    chr(code) for code in range(0x300, 0x1F000)
    if unicodedata.category(chr(code))[0] == "M" and not unicodedata.combining(chr(code))
)


def _is_mark(char: str) -> bool:
    """A combining mark of any kind: nonspacing, enclosing (a keycap) or spacing."""
    return bool(unicodedata.combining(char)) or char in _CLASS0_MARKS


@dataclass(frozen=True, slots=True)
class Normalized:
    """A normalized text and the map from its offsets to the original's.

    The map is a list of pieces, each starting at ``_norm[i]`` in the
    normalized text and ``_orig[i]`` in the original. Within a piece offsets
    move together; a piece whose length changed (a ligature, "…" -> "...",
    a decomposed accent composed) is atomic: any offset inside it maps to
    its whole original extent. Removed characters belong to no piece.
    """

    text: str
    original: str
    _norm: tuple[int, ...] = ()
    _orig: tuple[int, ...] = ()
    _orig_end: tuple[int, ...] = ()
    _atomic: tuple[bool, ...] = ()
    # A text normalized again (escapes inside escapes): ``_norm``/``_orig`` map to the
    # text of ``_base``, which maps to the original.
    _base: Normalized | None = None

    @property
    def changed(self) -> bool:
        """False when the normalized text is the original (offsets are identical)."""
        return bool(self._norm)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that ``text[start:end]`` came from."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span ({start}, {end}) outside 0..{len(self.text)}")
        if self._base is not None:
            return self._base.span(*self._own_span(start, end))
        return self._own_span(start, end)

    def _own_span(self, start: int, end: int) -> tuple[int, int]:
        if not self._norm:
            return start, end
        if start == end:
            return self._position(start), self._position(start)
        i = bisect.bisect_right(self._norm, start) - 1
        o_start = self._orig[i] if self._atomic[i] else self._orig[i] + (start - self._norm[i])
        j = bisect.bisect_left(self._norm, end) - 1
        o_end = self._orig_end[j] if self._atomic[j] else self._orig[j] + (end - self._norm[j])
        return o_start, o_end

    def _position(self, offset: int) -> int:
        if offset == len(self.text):
            return len(self._base.text if self._base is not None else self.original)
        i = bisect.bisect_right(self._norm, offset) - 1
        return self._orig[i] if self._atomic[i] else self._orig[i] + (offset - self._norm[i])


# Escapes inside escapes (« &amp;#50; », « %2532 »): decoded again, this many times at most.
_PASSES = 3


def normalize(text: str) -> Normalized:
    """Normalize ``text`` for matching (see the module docstring); pure and thread-safe."""
    return _normalize(text, top=True)


def _normalize(text: str, top: bool) -> Normalized:
    """``top``: the text as given; else what a token or an override stands for, read
    once (no token, no override read again in it: the readings never grow)."""
    escapes = escapes_in(text, tokens=top, overrides=top)
    if not escapes:
        if text.isascii():
            return Normalized(text, text)
        if _UNSAFE_RUN.search(text) is None:
            return Normalized(text, text)
    done = _Builder(text, keep_override=top).build(escapes)
    for _ in range(_PASSES - 1):
        # What an escape stood for may be an escape again: « &amp;#50; » is « &#50; ».
        # (A token decoded is kept beside its text: it is not decoded twice.)
        again = (escapes_in(done.text, tokens=False, overrides=top)
                 if escapes and done.changed else [])
        if not again:
            break
        outer = _Builder(done.text, keep_override=False).build(again)
        if not outer.changed:
            break
        done, escapes = replace(outer, original=text, _base=done), again
    return done


class _Builder:
    """Builds the normalized text and its piece map, run by run."""

    def __init__(self, original: str, keep_override: bool) -> None:
        self.keep_override = keep_override
        self.original = original
        self.out: list[str] = []
        self.length = 0  # length of the normalized text so far
        self.norm: list[int] = []
        self.orig: list[int] = []
        self.orig_end: list[int] = []
        self.atomic: list[bool] = []
        self._fold_cache: dict[int, bool] = {}

    def build(self, escapes: list[Escape]) -> Normalized:
        original, cursor = self.original, 0
        for escape in [*escapes, None]:
            stop = len(original) if escape is None else escape[0]
            # The runs of characters that may change before this escape (escapes are ASCII:
            # a run never crosses one).
            match = _UNSAFE_RUN.search(original, cursor, stop)
            while match is not None:
                start = match.start()
                if start > cursor and _is_mark(original[start]):
                    start -= 1
                self._copy(cursor, start)
                self._run(start, match.end())
                cursor = match.end()
                match = _UNSAFE_RUN.search(original, cursor, stop)
            if escape is not None:
                start, end, value = escape
                self._copy(cursor, start)
                self._escape(value, start, end)
                cursor = end
        self._copy(cursor, len(original))
        text = "".join(self.out)
        if text == original and self.norm == [0] and self.orig == [0]:
            return Normalized(text, original)
        return Normalized(
            text,
            original,
            tuple(self.norm),
            tuple(self.orig),
            tuple(self.orig_end),
            tuple(self.atomic),
        )

    def _copy(self, start: int, end: int) -> None:
        """Append original[start:end] unchanged (a linear piece)."""
        if start < end:
            self._emit(self.original[start:end], start, end, atomic=False)

    def _emit(self, value: str, o_start: int, o_end: int, *, atomic: bool) -> None:
        if not value:
            return  # removed: belongs to no piece
        if (
            not atomic
            and self.norm
            and not self.atomic[-1]
            and self.orig_end[-1] == o_start  # nothing removed in between
        ):
            # Offsets still move together: extend the previous linear piece.
            self.orig_end[-1] = o_end
            self.out.append(value)
            self.length += len(value)
            return
        self.norm.append(self.length)
        self.orig.append(o_start)
        self.orig_end.append(o_end)
        self.atomic.append(atomic)
        self.out.append(value)
        self.length += len(value)

    def _escape(self, value: str | None, start: int, end: int) -> None:
        """An escape decoded and normalized as if typed, one atomic piece: a finding
        inside it covers the whole escape as written."""
        if value is None:
            self._copy(start, end)
            return
        if value == OVERRIDE and self.keep_override:  # « \\u202e »: read on the next pass
            out = value
        elif len(value) > 1:  # a text of its own (a token decoded, a reversed line)
            out = _normalize(value, top=False).text
        else:
            out = "".join(self._cluster(cluster, start) for cluster in _clusters(value))
        if out or not value:
            self._emit(out, start, end, atomic=True)

    def _run(self, start: int, end: int) -> None:
        """Normalize original[start:end] cluster by cluster (a base and its marks)."""
        original, index = self.original, start
        while index < end:
            stop = index + 1
            while stop < end and _is_mark(original[stop]):
                stop += 1
            cluster = original[index:stop]
            value = self._cluster(cluster, index)
            self._emit(value, index, stop, atomic=len(value) != len(cluster))
            index = stop

    def _cluster(self, cluster: str, at: int) -> str:
        if cluster[0] in _REMOVED:
            return ""  # with any marks on it: an accent over nothing shows nothing
        if len(cluster) > 1 and unicodedata.category(cluster[0]) == "Nd":
            cluster = cluster[0]  # « 2́ », a keycap: the digit is what reads
        out = []
        for char in unicodedata.normalize("NFKC", cluster):
            if char in _REMOVED:
                continue
            mapped = _TABLE.get(char)
            if mapped is None and char in _CONFUSABLES and self._fold_word(at):
                mapped = _CONFUSABLES[char]
            if mapped is None and not char.isascii() and unicodedata.category(char) == "Nd":
                mapped = str(unicodedata.decimal(char))
            out.append(char if mapped is None else mapped)
        result = "".join(out)
        # A folded letter may compose with its marks now ("О" + U+0301 -> "Ó").
        return unicodedata.normalize("NFC", result) if len(result) > 1 else result

    def _fold_word(self, at: int) -> bool:
        """Fold the look-alikes of the word around ``at``? (see module docstring)."""
        original = self.original
        start = at
        while start > 0 and (original[start - 1].isalpha() or original[start - 1] in _REMOVED):
            start -= 1
        cached = self._fold_cache.get(start)
        if cached is not None:
            return cached
        end = at + 1
        while end < len(original) and (original[end].isalpha() or original[end] in _REMOVED):
            end += 1
        verdict = all(_latin_like(c) for c in original[start:end] if c.isalpha())
        self._fold_cache[start] = verdict
        return verdict


def _clusters(text: str) -> list[str]:
    """``text`` cut into clusters: a base character and the marks after it."""
    out: list[str] = []
    for char in text:
        if out and _is_mark(char):
            out[-1] += char
        else:
            out.append(char)
    return out

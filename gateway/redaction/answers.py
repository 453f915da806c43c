"""Identifiers a model writes in its answer that the prompt did not hold.

Values from the prompt reach the model as placeholders and come back restored; a NIR or a
card number in the answer is the model's own (remembered from training, invented, or read
by a hosted tool). The policies decide, through the redaction action of the same type:
``block`` refuses the answer (a stream is cut with an error event), ``mask`` or
``pseudonymize`` replace the value by ``<TYPE>`` before the employee and the record see it.

Checksummed identifiers only (NIR key, Luhn): cheap to find exactly, in a stream as it
goes. Found on the text as matchers see it (gateway/text/normalize.py), so full-width digits
or zero-width spaces between them hide nothing; what is replaced is the text as written.
Spelled as the request's recognizers read them too (``spread.py``): tabs, line breaks,
table cells or markup between the groups, one digit at a time, a card glued after a word.
A stream keeps a small hold-back buffer (never more than the digits a value could still
grow by) instead of waiting for the whole answer.

Tool-call arguments are JSON: there (``json``), a value masked outside a string literal (a
bare number) becomes the string ``"<TYPE>"``, its sign with it, so the arguments still parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gateway.text.normalize import normalize
from gateway.text.offsets import OffsetMap

from .card_place import below_settled, card_in_place
from .checksums import digits_only, luhn_valid, nir_valid
from .json_cursor import JsonCursor
from .spread import GAP, identifiers

__all__ = ["ANSWER_ENTITIES", "AnswerBlocked", "AnswerPolicy", "StreamingAnswerFilter"]

ANSWER_ENTITIES = ("FR_NIR", "CREDIT_CARD")
# A run of digits, single separators allowed between them (« 1 85 05 78 006 084 42 »).
_RUN = re.compile(r"(?<![\w])\d(?:[ .\-/]?\d)*(?![\w])")
# Digits and what a reader skips between them: a value may still be growing in there.
_DIGITS = re.compile(rf"\d(?:(?:{GAP})?\d)*")
_GAP_ONLY = re.compile(GAP)
# Longer than any identifier: text this far back cannot be part of one still growing.
HOLD_BACK = 32
# A token of the base64 alphabet (dots of a JWT with it) is held back whole up to this.
_TOKEN_CHARS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=.")
_TOKEN_HOLD = 256
# What a stream keeps of the text gone out: a card's place reads the lines above it.
_BEFORE = 2000


class AnswerBlocked(Exception):
    """The answer holds an identifier the policies block."""

    def __init__(self, entity: str) -> None:
        super().__init__(entity)
        self.entity = entity


_CARD_LENGTHS = frozenset({13, 15, 16, 19})


def _kind(digits: str) -> str | None:
    if len(digits) == 15 and nir_valid(digits):
        return "FR_NIR"
    # As the request's recognizer: a card length and an issuer's prefix (a SIRET, 14
    # digits passing Luhn by design, is not a card).
    issuer = digits[:1] in ("3", "4", "5", "6") or digits[:2] in {"22", "23", "24", "25", "26",
                                                                   "27"}
    if len(digits) in _CARD_LENGTHS and issuer and luhn_valid(digits):
        return "CREDIT_CARD"
    return None


def _found(text: str, before: str = "", figures: bool = True) -> list[tuple[int, int, str]]:
    """The identifiers in ``text``: (start, end, kind), in order, none overlapping; a card
    in groups only where a card stands (``before``: the answer's text before ``text``;
    ``figures``: the first row of a table of figures is no card, card_place.py)."""
    found = [(m.start(), m.end(), kind) for m in _RUN.finditer(text)
             if (kind := _kind(digits_only(m.group()))) is not None
             and (kind != "CREDIT_CARD" or card_in_place(text, m.start(), m.end(), before,
                                                         figures_below=figures))]
    found += identifiers(text, before, figures_below=figures)
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, str]] = []
    for item in found:
        if not kept or item[0] >= kept[-1][1]:
            kept.append(item)
    return kept


@dataclass(slots=True)
class AnswerPolicy:
    """What to do with identifiers in an answer: entity type → ``mask`` or ``block``;
    ``known`` are the digits of values the prompt itself held (an echo is not new)."""

    actions: Mapping[str, str]
    known: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_redaction(
        cls, action_for: Mapping[str, str | None], known: Iterable[str]
    ) -> AnswerPolicy | None:
        actions = {
            entity: "block" if action == "block" else "mask"
            for entity in ANSWER_ENTITIES
            if (action := action_for.get(entity)) in ("block", "mask", "pseudonymize")
        }
        return cls(actions, frozenset(digits_only(v) for v in known)) if actions else None

    def apply(self, text: str, limit: int | None = None, json: JsonCursor | None = None,
              offsets: OffsetMap | None = None, base: int = 0, before: str = "") -> str:
        """``text`` (its first ``limit`` characters) with new identifiers masked; raises
        :class:`AnswerBlocked`. Runs are judged on the whole text, so what follows the
        limit still tells whether a run ends there. With ``json`` (the state where ``text``
        starts; not changed), ``text`` is JSON and stays valid JSON. Each replacement is
        added to ``offsets`` (``text`` starting at ``base`` of what it maps). ``before``
        is the text that came before ``text``, read for a card's place (card_place.py)."""
        end = len(text) if limit is None else limit
        if not any(ch.isdigit() for ch in text[:end]):  # full-width digits are digits too
            return text[:end]
        view = normalize(text)
        cursor = json.copy() if json is not None else None
        out: list[str] = []
        done = read = 0  # what is copied to ``out``; what the cursor has read
        for found_start, found_end, kind in _found(view.text, before):
            start, stop = view.span(found_start, found_end)
            if stop > end:
                break
            digits = digits_only(view.text[found_start:found_end])
            if kind not in self.actions or digits in self.known:
                continue
            if self.actions[kind] == "block":
                raise AnswerBlocked(kind)
            mask = f"<{kind}>"
            if cursor is not None:
                cursor.advance(text, read, start)
                read = stop  # a run holds no quote: nothing in it changes the state
                if not cursor.in_string:  # a bare number: a string in its place
                    mask = f'"{mask}"'
                    if start > done and text[start - 1] == "-":
                        start -= 1
            out += [text[done:start], mask]
            done = stop
            if offsets is not None:
                offsets.add(base + start, base + stop, len(mask))
        out.append(text[done:end])
        return "".join(out)

    def apply_json(self, text: str) -> str:
        """:meth:`apply` to a whole JSON text (tool-call arguments)."""
        return self.apply(text, json=JsonCursor())

    def rewrite(self, text: str, json: bool = False) -> tuple[str, OffsetMap]:
        """:meth:`apply` (``json``: to a JSON text), and where the positions of ``text``
        are in what it returns."""
        offsets = OffsetMap()
        return self.apply(text, None, JsonCursor() if json else None, offsets), offsets


def _before_token(text: str, cut: int) -> int:
    """Where to cut ``text`` so as not to split a token of the base64 alphabet (a dotted
    one too): a NIR in base64 is read from the whole token (normalize decodes it). A token
    longer than :data:`_TOKEN_HOLD` is let go in parts: the hold-back stays small; each
    part is cut at a multiple of four characters from the token's start (or from the last
    cut), so that what is held back decodes on its own to the bytes it stands for."""
    if not 0 < cut < len(text) or not (text[cut - 1] in _TOKEN_CHARS
                                       and text[cut] in _TOKEN_CHARS):
        return cut
    start = cut
    while start > 0 and text[start - 1] in _TOKEN_CHARS:
        start -= 1
    if cut - start <= _TOKEN_HOLD:
        return start
    segment = max(start, text.rfind(".", start, cut) + 1)  # a JWT's part decodes alone
    return segment + (cut - segment) // 4 * 4


def _may_go_on(between: str) -> bool:
    """Whether a run that ended ``between`` before the cut may go on after it."""
    gap = normalize(between).text
    return len(gap) <= 1 or _GAP_ONLY.fullmatch(gap) is not None


class StreamingAnswerFilter:
    """:meth:`AnswerPolicy.apply` over a stream of deltas.

    ``feed`` returns what can go out now: all but the last :data:`HOLD_BACK` characters,
    and never the start of a digit run that may still be growing into an identifier.
    ``flush`` returns the rest at the end. Outputs joined equal ``apply`` of the inputs
    joined (for any split of them). With ``json`` the deltas are JSON text, screened as
    :meth:`AnswerPolicy.apply_json`; the cursor follows what has gone out.
    """

    def __init__(self, policy: AnswerPolicy, json: bool = False) -> None:
        self._policy = policy
        self._pending = ""
        self._json = JsonCursor() if json else None
        self.offsets = OffsetMap()  # of everything fed so far, once it has gone out
        self._done = 0  # characters of the input gone out
        self._before = ""  # the end of the input gone out: where a card stands

    def feed(self, delta: str) -> str:
        self._pending += delta
        text = self._pending
        cut = len(text) - HOLD_BACK
        if cut <= 0:
            return ""
        # Never cut inside a run of digits (or just after one: it may go on), runs as the
        # matcher sees them: zero-width spaces, tabs or table bars inside do not end one.
        view = normalize(text)
        for run in _DIGITS.finditer(view.text):
            start, stop = view.span(run.start(), run.end())
            if start < cut and (cut <= stop or (cut - stop <= 64 and
                                                _may_go_on(text[stop:cut]))):
                # A long run (a table of figures): what may still grow is in its last
                # 4 x HOLD_BACK characters.
                cut = start if stop - start <= 4 * HOLD_BACK else min(cut, len(text) -
                                                                      4 * HOLD_BACK)
                break
        cut = _before_token(text, cut)
        # Never in two; a card held back until the line below tells whether it heads a
        # table of figures (read without that line: every card it may turn out to be).
        for found_start, found_end, kind in _found(view.text, self._before, figures=False):
            start, stop = view.span(found_start, found_end)
            if start < cut < stop or (start < cut and kind == "CREDIT_CARD"
                                      and not below_settled(view.text, found_end)):
                cut = start
        cut = max(cut, 0)
        if self._json is not None and cut > 0 and text[cut - 1] == "-":
            cut -= 1  # a number's sign goes with it: masked, it is part of the string
        head = self._policy.apply(text, cut, self._json, self.offsets, self._done,
                                  self._before)
        if self._json is not None:
            self._json.advance(text, 0, cut)
        self._pending = text[cut:]
        self._done += cut
        self._before = (self._before + text[:cut])[-_BEFORE:]
        return head

    def flush(self) -> str:
        rest, self._pending = self._pending, ""
        head = self._policy.apply(rest, None, self._json, self.offsets, self._done,
                                  self._before)
        if self._json is not None:
            self._json.advance(rest)
        self._done += len(rest)
        return head

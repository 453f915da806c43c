"""Values split across the parts of a conversation: the model reads them joined.

A NIR written « 2 69 05 49 » in one text part and « 588 157 80 » in the next, or a
« CONFIDEN » / « TIEL » stamp over two Anthropic text blocks, is one value to the model
(parts, blocks and messages are read in a row) and two harmless strings to a scan of each
field. Each seam between two text fields read in a row (consecutive parts of a message,
the text of one message and of the next, whatever their roles; a tool's description and
the opening of the conversation, which providers render side by side; a top-level system
prompt and the first message) is looked at through a window:
the end of the one and the start of the other, joined. The policies' content rules read
every window (under each side's role); the scan reads those with digits on both sides
(identifiers are what splitting hides from a rule), and a finding across the seam becomes
one finding on each side of it, so it is blocked, masked or pseudonymized where it is
written.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from gateway.proxy.fields.base import Field, KeyField
from gateway.redaction import Finding

# Characters on each side: longer than any identifier the scan looks for, written spaced.
WINDOW = 40
# A base64 token across a seam: read whole, this far on each side.
TOKEN_WINDOW = 4096
_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-=")
# A message's text (``messages[2].content``) or one of its text parts
# (``input[0].content[1].text``).
_TEXT_PATH = re.compile(r"(?:messages|input)\[(\d+)\]\.content(?:\[(\d+)\]\.text)?")
_TEXT_STARTS = ("messages[", "input[")
# A system prompt outside the messages: Messages ``system`` (a string or text blocks),
# Responses ``instructions``.
_PREAMBLE = re.compile(r"system(?:\[\d+\]\.text)?|instructions")
# A tool's description (chat, legacy functions, Messages and Responses tools).
_TOOL_TEXT = re.compile(r"(?:tools|functions)\[\d+\](?:\.function|\.custom)?\.description")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, slots=True)
class Seam:
    """Where field ``left`` ends and field ``right`` starts, seen through ``text``."""

    left: int
    right: int
    role: str  # the right side's
    cut: int  # where the right side starts in ``text``
    text: str
    left_role: str = ""  # the left side's, where it differs

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles a content rule reads the window under: each side's."""
        return (self.role, self.left_role) if self.left_role else (self.role,)

    @property
    def has_digits(self) -> bool:
        """Digits on both sides: a split identifier may run across."""
        return _DIGIT.search(self.text, 0, self.cut) is not None and \
            _DIGIT.search(self.text, self.cut) is not None


def seams(fields: list[Field]) -> list[Seam]:
    """The seams between the text fields of ``fields`` read in a row: consecutive parts
    and messages, whatever their roles (a template writes the next turn right after the
    last: « NIR 18403 » in the system prompt and « 6912304581 » in the user's message are
    read in a row); a top-level system prompt (Messages ``system``, Responses
    ``instructions``) before the first message; and the tools' descriptions, which
    providers render beside the opening of the conversation (before it, or after it):
    each after the one before, the last before the opening, the first after it."""
    pairs: list[tuple[int, int]] = []
    previous: tuple[int, int, int] | None = None  # field index, message, part
    messages: list[int] = []
    preamble: list[int] = []
    tools: list[int] = []
    for index, field in enumerate(fields):
        if isinstance(field, KeyField):
            continue
        if _TOOL_TEXT.fullmatch(field.path):
            tools.append(index)
            continue
        if _PREAMBLE.fullmatch(field.path):
            preamble.append(index)
            continue
        position = _position(field.path)
        if position is None:
            continue
        message, part = position
        messages.append(index)
        if previous is not None and previous[0] == index - 1 and (
                (message == previous[1] and part == previous[2] + 1)
                or (message == previous[1] + 1 and part == 0)):
            pairs.append((index - 1, index))
        previous = (index, message, part)
    pairs += itertools.pairwise(preamble)
    if preamble and messages:
        pairs.append((preamble[-1], messages[0]))
    pairs += itertools.pairwise(tools)
    opening = (preamble or messages)[:1]
    if tools and opening:
        pairs += [(tools[-1], opening[0]), (opening[0], tools[0])]
    return [_seam(fields, left, right) for left, right in pairs]


def _seam(fields: list[Field], left: int, right: int) -> Seam:
    before, after = _window(fields[left].text, fields[right].text)
    role, left_role = fields[right].role, fields[left].role
    return Seam(left, right, role, len(before), before + after,
                "" if left_role == role else left_role)


def _window(left: str, right: str) -> tuple[str, str]:
    """The end of ``left`` and the start of ``right`` a seam reads: :data:`WINDOW`
    characters each, or a token of the base64 alphabet across the seam whole (up to
    :data:`TOKEN_WINDOW` each side: it decodes only from its start, on a multiple of four)."""
    start, end = max(0, len(left) - WINDOW), min(len(right), WINDOW)
    if left[-1:] in _BASE64 and right[:1] in _BASE64:
        floor = max(0, len(left) - TOKEN_WINDOW)
        while start > floor and left[start - 1] in _BASE64:
            start -= 1
        ceiling = min(len(right), TOKEN_WINDOW)
        while end < ceiling and right[end] in _BASE64:
            end += 1
    return left[start:], right[:end]


def _position(path: str) -> tuple[int, int] | None:
    """(message, part) of a text field's path, None for any other field (a Responses
    ``input`` string is the first message)."""
    if path == "input":
        return 0, 0
    return _parsed(path) if path.startswith(_TEXT_STARTS) else None


# The same few paths come back in every request (``messages[3].content``): each is parsed
# once, not at every request (the regular expression was ~5 % of building a view).
@lru_cache(maxsize=4096)
def _parsed(path: str) -> tuple[int, int] | None:
    match = _TEXT_PATH.fullmatch(path)
    return (int(match.group(1)), int(match.group(2) or 0)) if match is not None else None


def across(seam: Seam, fields: list[Field], findings: list[Finding]) -> list[
        tuple[int, Finding]]:
    """The findings of a seam's window that run across it, as one finding on each side
    (field index, finding in that field's text)."""
    out: list[tuple[int, Finding]] = []
    left_length = len(fields[seam.left].text)
    offset = left_length - seam.cut
    for found in findings:
        if found.start < seam.cut < found.end:
            out.append((seam.left, Finding(found.entity_type, offset + found.start,
                                           left_length, found.score, found.recognizer)))
            out.append((seam.right, Finding(found.entity_type, 0, found.end - seam.cut,
                                            found.score, found.recognizer)))
    return out

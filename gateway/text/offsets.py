"""Positions in a text before and after some of its spans were replaced.

A provider's citations (``start_index``/``end_index``) point into the text it wrote; the
gateway then masks identifiers in it and puts pseudonymized values back, which moves
everything after each replacement. An :class:`OffsetMap` records the replacements and
maps a position of the written text to the rewritten one. A span that began or ended
inside a replaced value covers its replacement whole: a citation of part of a name cites
the name.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Edit", "OffsetMap"]


@dataclass(frozen=True, slots=True)
class Edit:
    """``text[start:stop]`` (of the text as written) replaced by ``length`` characters."""

    start: int
    stop: int
    length: int


class OffsetMap:
    """Replacements in increasing, non-overlapping order; appended as a stream goes."""

    def __init__(self) -> None:
        self._edits: list[Edit] = []

    def __bool__(self) -> bool:
        return bool(self._edits)

    def add(self, start: int, stop: int, length: int) -> None:
        self._edits.append(Edit(start, stop, length))

    def start(self, position: int) -> int:
        """Where a span starting at ``position`` starts now."""
        shift, inside = self._before(position)
        # Inside a replaced value: at its replacement.
        return inside.start + shift if inside is not None else position + shift

    def end(self, position: int) -> int:
        """Where a span ending at ``position`` (exclusive) ends now."""
        shift, inside = self._before(position)
        # Inside a replaced value: after its replacement.
        return inside.start + shift + inside.length if inside is not None else position + shift

    def _before(self, position: int) -> tuple[int, Edit | None]:
        """How far the replacements wholly before ``position`` moved it, and the one it
        falls inside, if any."""
        shift = 0
        for edit in self._edits:
            if edit.stop <= position:
                shift += edit.length - (edit.stop - edit.start)
            elif edit.start < position:
                return shift, edit
            else:
                break
        return shift, None

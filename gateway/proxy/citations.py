"""Citations that point into an answer's text, moved with the text the gateway rewrote.

A provider's ``url_citation`` (chat: ``message.annotations[].url_citation``; Responses:
``output_text.annotations[]``, also ``container_file_citation``) gives ``start_index`` and
``end_index`` in the text it wrote; a ``file_citation`` or ``file_path`` gives one
``index``. Masking an identifier or putting a pseudonymized value back changes lengths,
so each position is mapped through the replacements (:class:`OffsetMap`).

A stream sends its citations once the text they cite is out (chat: in a delta near the
end; Responses: ``response.output_text.annotation.added``), but the gateway may still
hold the end of that text back: :class:`HeldCitations` (chat) and
:class:`HeldAnnotationEvents` (Responses) keep them until the text is whole, then send
them shifted.

Anthropic citations point into the request's documents (``start_char_index``,
``start_page_number``, ``start_block_index``), not into the answer: nothing to move here.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from gateway.text.offsets import OffsetMap

_POINT_TYPES = frozenset({"file_citation", "file_path"})  # one ``index`` into the text


def shift(annotations: Any, offsets: OffsetMap) -> None:
    """Move the positions of ``annotations`` (a list, as the provider gave it), in place."""
    if not offsets or not isinstance(annotations, list):
        return
    for annotation in annotations:
        if not isinstance(annotation, dict):
            continue
        for target in (annotation, annotation.get("url_citation")):
            if isinstance(target, dict):
                _shift_span(target, offsets)
        if annotation.get("type") in _POINT_TYPES and _is_index(annotation.get("index")):
            annotation["index"] = offsets.start(annotation["index"])


def _shift_span(target: dict[str, Any], offsets: OffsetMap) -> None:
    if _is_index(target.get("start_index")):
        target["start_index"] = offsets.start(target["start_index"])
    if _is_index(target.get("end_index")):
        target["end_index"] = offsets.end(target["end_index"])


def _is_index(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class HeldCitations:
    """Citations of streamed texts, kept (by text) until the text is whole."""

    def __init__(self) -> None:
        self._held: dict[Hashable, list[dict[str, Any]]] = {}

    def texts(self) -> set[Any]:
        return set(self._held)

    def hold(self, text: Hashable, *annotations: dict[str, Any]) -> None:
        self._held.setdefault(text, []).extend(annotations)

    def release(self, text: Hashable) -> list[dict[str, Any]]:
        """What was held for ``text`` (to be shifted by the caller, who has the map)."""
        return self._held.pop(text, [])


class HeldAnnotationEvents:
    """Responses ``annotation.added`` events, by text: held until the text's ``.done``,
    then moved; one that comes after it is moved and sent at once; any still held when
    the response ends go out before its last event rather than be lost."""

    def __init__(self) -> None:
        self._held: dict[Hashable, list[dict[str, Any]]] = {}
        self._done: dict[Hashable, OffsetMap | None] = {}

    def take(self, text: Hashable, event: dict[str, Any]) -> list[dict[str, Any]]:
        """``event`` if its text is whole (moved), else nothing yet."""
        if text not in self._done:
            self._held.setdefault(text, []).append(event)
            return []
        offsets = self._done[text]
        if offsets is not None:
            shift([event.get("annotation")], offsets)
        return [event]

    def release(self, text: Hashable, offsets: OffsetMap | None) -> list[dict[str, Any]]:
        """The text is whole: its held events, moved by ``offsets``."""
        self._done[text] = offsets
        held = self._held.pop(text, [])
        if offsets is not None:
            shift([event.get("annotation") for event in held], offsets)
        return held

    def rest(self) -> list[dict[str, Any]]:
        held = [event for events in self._held.values() for event in events]
        self._held.clear()
        return held

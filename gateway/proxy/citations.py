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

Anthropic citations point into the request's documents, not into the answer: a
``char_location`` counts characters in a plain-text document as the provider received it,
pseudonymized; :class:`DocumentPositions` moves them into the document the employee sent.
Page and content-block locations count pages and blocks, which redaction does not change.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import Any, TypeGuard

from gateway.proxy.fields import RequestView
from gateway.proxy.fields.messages import documents
from gateway.redaction import Finding, Pseudonymizer
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


def _is_index(value: Any) -> TypeGuard[int]:
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


class DocumentPositions:
    """The redacted plain-text documents of a Messages request, by ``document_index``:
    each one's replacements, to move ``char_location`` citations into the original."""

    def __init__(self, maps: list[OffsetMap | None]) -> None:
        self._maps = maps

    @classmethod
    def of(cls, view: RequestView, texts: Sequence[str], findings: Sequence[Sequence[Finding]],
           pseudo: Pseudonymizer) -> DocumentPositions | None:
        """From the fields' texts as written and what redaction replaced in each."""
        blocks = documents(view.body)
        if not blocks:
            return None
        # A text document's string is its source's ``data`` (plain, or base64 decoded).
        number = {id(block.get("source")): n for n, block in enumerate(blocks)}
        maps: list[OffsetMap | None] = [None] * len(blocks)
        for item, text, found in zip(view.fields, texts, findings, strict=True):
            n = number.get(id(item.container))
            if found and item.key == "data" and n is not None:
                maps[n] = pseudo.written_offsets(text, found)
        return cls(maps) if any(maps) else None

    def move(self, citation: Any) -> None:
        """Move one citation in place (one of another kind, or of an untouched
        document, is left as it is)."""
        if not isinstance(citation, dict) or citation.get("type") != "char_location":
            return
        index = citation.get("document_index")
        offsets = self._maps[index] \
            if _is_index(index) and 0 <= index < len(self._maps) else None
        if not offsets:
            return
        start, end = citation.get("start_char_index"), citation.get("end_char_index")
        if _is_index(start):
            citation["start_char_index"] = offsets.start(start)
        if _is_index(end):
            citation["end_char_index"] = offsets.end(end)

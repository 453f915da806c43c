"""Putting pseudonymized values back in Anthropic answers: a message or an event stream.

The Messages counterpart of :mod:`gateway.proxy.restore` (the request side is the
canonical view, :mod:`gateway.proxy.fields`).
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.anthropic_walk import ContentBlockWalk
from gateway.proxy.citations import DocumentPositions
from gateway.redaction import Pseudonymizer, StreamingRestorer
from gateway.translation import AnthropicEvent


def _restore_leaves(value: Any, pseudo: Pseudonymizer) -> Any:
    if isinstance(value, str):
        return pseudo.restore(value)
    if isinstance(value, dict):
        # Keys too: a JSON-schema property name may have been pseudonymized.
        return {pseudo.restore(key): _restore_leaves(item, pseudo) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore_leaves(item, pseudo) for item in value]
    return value


def restore_message(message: dict[str, Any], pseudo: Pseudonymizer | None,
                    documents: DocumentPositions | None = None) -> None:
    """Restore placeholders in a complete Anthropic message, in place, and move its
    citations into the documents as the employee sent them."""
    for block in message.get("content") or ():
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            if pseudo is not None:
                block["text"] = pseudo.restore(block["text"])
            if isinstance(block.get("citations"), list):
                # They quote and count in the documents as the provider saw them
                # (redacted), not in this text.
                block["citations"] = [_restore_citation(c, pseudo, documents)
                                      for c in block["citations"]]
        elif block.get("type") == "tool_use" and pseudo is not None:
            block["input"] = _restore_leaves(block.get("input"), pseudo)


def _restore_citation(citation: Any, pseudo: Pseudonymizer | None,
                      documents: DocumentPositions | None) -> Any:
    """A citation's quoted text and titles with values back (its opaque index untouched),
    its character positions moved."""
    if not isinstance(citation, dict):
        return citation
    if pseudo is not None:
        citation = {key: value if key in ("type", "encrypted_index")
                    else _restore_leaves(value, pseudo) for key, value in citation.items()}
    if documents is not None:
        documents.move(citation)
    return citation


class _BlockRestore:
    """The restorer's :class:`~gateway.proxy.anthropic_walk.BlockStep`."""

    def __init__(self, pseudo: Pseudonymizer | None,
                 documents: DocumentPositions | None) -> None:
        self._pseudo = pseudo
        self._documents = documents

    def delta_step(self, field: str) -> StreamingRestorer | None:
        if self._pseudo is None:
            return None  # nothing to put back: only citations move
        return self._pseudo.streaming_restorer(json_mode=field == "partial_json")

    def citation(self, citation: Any) -> Any:
        return _restore_citation(citation, self._pseudo, self._documents)


class EventRestorer:
    """Restores placeholders across streamed events, one restorer per content block.

    A placeholder split over deltas is held back until it is whole; what a block still
    holds at its ``content_block_stop`` goes out as one last delta just before it.
    """

    def __init__(self, pseudo: Pseudonymizer | None,
                 documents: DocumentPositions | None = None) -> None:
        self._walk = ContentBlockWalk(_BlockRestore(pseudo, documents))

    def transform(self, events: list[AnthropicEvent]) -> list[AnthropicEvent]:
        return self._walk.transform(events)

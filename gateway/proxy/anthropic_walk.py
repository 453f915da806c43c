"""One walk of an Anthropic event stream's content blocks, for the answer screen and the
restorer alike.

Both rewrite what a block's deltas carry (the screen masks identifiers the model wrote,
the restorer puts the request's values back): each block's text or tool input goes
through its own hold-back step, whose rest goes out as one last delta just before the
block's ``content_block_stop``; a citation comes whole, in one ``citations_delta``, and is
rewritten outright. Only the rewriting differs: each brings its :class:`BlockStep`.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.proxy.responses_walk import HeldText

Event = tuple[str, dict[str, Any]]  # an Anthropic stream event: its name and data
# The delta types that carry a block's text or its tool input, and the field that holds it.
_FIELDS = {"text_delta": "text", "input_json_delta": "partial_json"}


class BlockStep(Protocol):
    """How one walker rewrites a content block."""

    def delta_step(self, field: str) -> HeldText | None:
        """A new hold-back step for a block's ``text`` or ``partial_json`` (JSON), or
        None to leave them as they are."""

    def citation(self, citation: Any) -> Any:
        """A ``citations_delta``'s citation, rewritten."""


def rest_event(index: int, field: str, rest: str) -> Event:
    """The last delta of block ``index``: what its step still held."""
    kind = "text_delta" if field == "text" else "input_json_delta"
    return ("content_block_delta", {"type": "content_block_delta", "index": index,
                                    "delta": {"type": kind, field: rest}})


class ContentBlockWalk:
    """Rewrites an Anthropic event stream batch by batch with ``step``; keeps each block's
    held-back end."""

    def __init__(self, step: BlockStep) -> None:
        self._step = step
        self._blocks: dict[int, tuple[str, HeldText]] = {}

    def transform(self, events: list[Event]) -> list[Event]:
        out: list[Event] = []
        for name, data in events:
            index, delta = data.get("index"), data.get("delta")
            if name == "content_block_delta" and isinstance(index, int) and \
                    isinstance(delta, dict):
                self._delta(index, delta)
            elif name == "content_block_stop" and index in self._blocks:
                field, held = self._blocks.pop(index)
                rest = held.flush()
                if rest:
                    out.append(rest_event(index, field, rest))
            out.append((name, data))
        return out

    def drain(self) -> list[tuple[int, str, HeldText]]:
        """The blocks still holding text (a stream cut short), in order, forgotten here."""
        held = [(index, field, step) for index, (field, step) in sorted(self._blocks.items())]
        self._blocks.clear()
        return held

    def _delta(self, index: int, delta: dict[str, Any]) -> None:
        kind = delta.get("type")
        if kind == "citations_delta":  # one whole citation: rewritten outright
            delta["citation"] = self._step.citation(delta.get("citation"))
            return
        field = _FIELDS.get(str(kind))
        if field is None or not isinstance(delta.get(field), str):
            return
        if index not in self._blocks:
            held = self._step.delta_step(field)
            if held is None:
                return
            self._blocks[index] = (field, held)
        delta[field] = self._blocks[index][1].feed(delta[field])

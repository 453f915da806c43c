"""One walk of a Responses event stream, for the answer screen and the restorer alike.

Both rewrite the texts the typed events carry (the screen masks identifiers the model
wrote, the restorer puts the request's values back) and both meet the same stream: each
delta stream (an output text, a function call's arguments, a reasoning summary…) goes
through its own hold-back step, whose rest goes out as one last delta just before that
stream's ``.done`` event; the whole texts, parts, items and ``response`` objects the
events repeat are rewritten outright; a citation (``annotation.added``) points into its
text, whose end may still be held back, so it waits for that text's ``.done`` and moves
with it. Only the rewriting differs: each brings its :class:`TextStep`.
"""

from __future__ import annotations

from typing import Any, Protocol

from gateway.proxy import citations
from gateway.text.offsets import OffsetMap

Event = dict[str, Any]
Key = tuple[Any, ...]  # a delta stream: its type before ``.delta``, then its EVENT_IDS
OUTPUT_TEXT = "response.output_text"
ANNOTATION_ADDED = "response.output_text.annotation.added"
TERMINAL = frozenset({"response.completed", "response.incomplete", "response.failed"})
EVENT_IDS = ("item_id", "output_index", "content_index", "summary_index")


class HeldText(Protocol):
    """A delta stream's hold-back step: what it lets out of each delta, what it still
    holds, and how its output's positions moved (citations follow them)."""

    offsets: OffsetMap

    def feed(self, delta: str) -> str: ...

    def flush(self) -> str: ...


class TextStep(Protocol):
    """How one walker rewrites text."""

    def delta_step(self, stream: str) -> HeldText:
        """A new hold-back step for the delta stream ``stream`` (``response.output_text``…)."""

    def whole(self, event: Event, stream: str) -> None:
        """The event's whole texts, parts, items and ``response``, rewritten in place."""


def split_type(event: Event) -> tuple[str, str]:
    """An event's stream and step: ``response.output_text`` and ``delta``."""
    stream, _, step = str(event.get("type") or "").rpartition(".")
    return stream, step


class ResponsesEventWalk:
    """Rewrites a Responses stream event by event with ``step``; keeps the held-back ends."""

    def __init__(self, step: TextStep) -> None:
        self._step = step
        self._held: dict[Key, HeldText] = {}
        self._citations = citations.HeldAnnotationEvents()

    def transform(self, event: Event) -> list[Event]:
        """The event rewritten, and any held-back text due before it."""
        stream, step = split_type(event)
        key = (stream, *(event.get(name) for name in EVENT_IDS))
        out: list[Event] = []
        if step == "delta" and isinstance(event.get("delta"), str):
            held = self._held.get(key)
            if held is None:
                held = self._held[key] = self._step.delta_step(stream)
            event["delta"] = held.feed(event["delta"])
        elif step == "done":
            out += self._rest(stream, key, event)
        self._step.whole(event, stream)
        if event.get("type") == ANNOTATION_ADDED:
            # It points into the text, whose end may still be held back: it goes out,
            # moved with the text, just before the text's .done event.
            return out + self._citations.take((OUTPUT_TEXT, *key[1:]), event)
        if event.get("type") in TERMINAL:
            out += self._citations.rest()
        out.append(event)
        return out

    def _rest(self, stream: str, key: Key, event: Event) -> list[Event]:
        """Before a text's ``.done`` event: a last delta with what its step still holds,
        then the text's citations, moved with it."""
        out: list[Event] = []
        held = self._held.pop(key, None)
        rest = held.flush() if held is not None else ""
        if rest:
            delta = {"type": f"{stream}.delta",
                     **{name: event[name] for name in EVENT_IDS if name in event}, "delta": rest}
            if stream == OUTPUT_TEXT:
                delta["logprobs"] = []
            out.append(delta)
        if stream != OUTPUT_TEXT:
            return out
        return out + self._citations.release(key, held.offsets if held is not None else None)

    def drain(self) -> list[tuple[Key, HeldText]]:
        """The steps still holding text (a stream cut short), forgotten here."""
        held = list(self._held.items())
        self._held.clear()
        return held

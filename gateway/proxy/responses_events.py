"""The Responses API's streamed events in the relay: record, restore, renumber, fail.

Placeholders are put back in every event the client reads: deltas through one streaming
restorer per text (a placeholder split over deltas, or over network writes at any byte, is
held back until it is whole; what is still held when the text's ``.done`` event comes goes
out as one last delta just before it), and whole texts, parts, items and the ``response``
object restored outright (the walk the answer screen shares:
:mod:`gateway.proxy.responses_walk`). Since the relay may add such a delta, it numbers the
events it writes itself (``sequence_number`` stays 0, 1, 2… for the client).
"""

from __future__ import annotations

import copy
from typing import Any

import orjson

from gateway.errors import GatewayError, UpstreamError
from gateway.proxy.answer_events import ResponsesEventScreen
from gateway.proxy.exchange import Outcome
from gateway.proxy.responses_content import (
    response_text,
    restore_item,
    restore_leaves,
    restore_part,
    restore_response,
)
from gateway.proxy.responses_walk import OUTPUT_TEXT, TERMINAL, Event, ResponsesEventWalk
from gateway.redaction import Pseudonymizer, StreamingRestorer

# Delta streams whose text is JSON (placeholders restored JSON-escaped).
_JSON_DELTAS = frozenset({"response.function_call_arguments", "response.mcp_call_arguments"})


class ResponsesStreamHandler:
    """:class:`gateway.proxy.event_relay.StreamHandler` for ``/v1/responses``.

    ``echo`` replaces the upstream's fields in the ``response`` objects the events carry:
    the client sees the gateway's id (the one ``GET /v1/responses/{id}`` answers), the
    model name it asked for, its ``previous_response_id`` and whether the gateway kept
    the answer (``store``).
    """

    def __init__(self, echo: dict[str, Any], pseudo: Pseudonymizer | None,
                 screen: ResponsesEventScreen | None = None, json_text: bool = False) -> None:
        self._echo = echo
        self._pseudo = pseudo
        self._screen = screen
        self._json_text = json_text  # the output text is JSON (``text.format``)
        self._walk = ResponsesEventWalk(_Restore(pseudo, json_text)) \
            if pseudo is not None else None
        self._sequence = 0
        self.final: dict[str, Any] | None = None  # the terminal response, as the provider said
        self._snapshot: dict[str, Any] | None = None
        self._partial = PartialOutput()
        self._error: str | None = None

    # --- recording ------------------------------------------------------------------------
    def see(self, event: Event) -> None:
        kind = event.get("type")
        response = event.get("response")
        if isinstance(response, dict):
            response.update(self._echo)
            self._snapshot = response
            if kind in TERMINAL:
                self.final = copy.deepcopy(response)
        self._partial.add(event)
        if kind == "error":
            self._error = str(event.get("message") or event.get("code") or "error")

    def complete(self) -> bool:
        return self.final is not None

    def client_view(self) -> dict[str, Any] | None:
        """The terminal response as the client read it (values put back)."""
        if self.final is None:
            return None
        view = copy.deepcopy(self.final)
        if self._pseudo is not None:
            restore_response(view, self._pseudo, self._json_text)
        return view

    def check_end(self) -> None:
        if self.final is None:
            detail = f" : {self._error}" if self._error else " avant sa fin."
            raise UpstreamError(f"Le fournisseur a interrompu le flux{detail}")

    def fill(self, outcome: Outcome) -> None:
        final = self.final
        if final is None and self._screen is not None:
            # A stream cut short (or blocked): what the screen held back belongs to the
            # record too, masked (nothing of a text holding a blocked identifier), as on chat.
            for event in self._screen.held():
                self._partial.add(event)
        outcome.response = response_text(final if final is not None else self._partial.response())
        usage = final.get("usage") if final is not None else None
        if isinstance(usage, dict):
            outcome.prompt_tokens = usage.get("input_tokens")
            outcome.completion_tokens = usage.get("output_tokens")
        if final is not None and final.get("status") == "failed" and outcome.error is None:
            error = final.get("error") or {}
            message = error.get("message") if isinstance(error, dict) else error
            outcome.status_code = 502
            outcome.error = f"upstream_error: {message}"

    # --- what the client gets ---------------------------------------------------------------
    def transform(self, events: list[Event]) -> list[Event]:
        walk = self._walk
        if walk is None:
            return list(events)
        # A copy: the record keeps what the provider said.
        return [out for event in events for out in walk.transform(copy.deepcopy(event))]

    def encode(self, event: Event) -> bytes:
        event["sequence_number"] = self._sequence
        self._sequence += 1
        return (b"event: " + str(event.get("type")).encode() + b"\ndata: "
                + orjson.dumps(event) + b"\n\n")

    def closing(self) -> bytes:
        return b""

    def failure(self, error: GatewayError) -> bytes:
        """An ``error`` event, then ``response.failed`` (the SDKs end a stream on it)."""
        out = b""
        if self._error is None:
            out += self.encode({"type": "error", "code": error.code, "message": error.message,
                                "param": None})
        failed: dict[str, Any] = copy.deepcopy(self._snapshot) if self._snapshot is not None \
            else {"object": "response", "output": [], **self._echo}
        failed.update(status="failed", error={"code": error.code, "message": error.message})
        if self._pseudo is not None:
            restore_response(failed, self._pseudo, self._json_text)
        return out + self.encode({"type": "response.failed", "response": failed})


class _Restore:
    """The restorer's :class:`~gateway.proxy.responses_walk.TextStep`: the request's
    values put back."""

    def __init__(self, pseudo: Pseudonymizer, json_text: bool) -> None:
        self._pseudo = pseudo
        self._json_text = json_text

    def delta_step(self, stream: str) -> StreamingRestorer:
        return self._pseudo.streaming_restorer(json_mode=stream in _JSON_DELTAS or (
            self._json_text and stream == OUTPUT_TEXT))

    def whole(self, event: Event, stream: str) -> None:
        pseudo, json_text = self._pseudo, self._json_text
        for key in ("text", "refusal"):
            if isinstance(event.get(key), str):
                json = json_text and stream == OUTPUT_TEXT and key == "text"
                event[key] = (pseudo.restore_json if json else pseudo.restore)(event[key])
        if isinstance(event.get("arguments"), str):
            event["arguments"] = pseudo.restore_json(event["arguments"])
        if isinstance(event.get("part"), dict):
            restore_part(event["part"], pseudo, json_text)
        if isinstance(event.get("item"), dict):
            restore_item(event["item"], pseudo, json_text)
        if isinstance(event.get("response"), dict):
            restore_response(event["response"], pseudo, json_text)
        if isinstance(event.get("annotation"), dict):
            event["annotation"] = restore_leaves(event["annotation"], pseudo)


class PartialOutput:
    """The output items of a stream as far as it went, for the record of one that never
    completed: its texts and function calls' arguments from their deltas (the whole
    ones where ``.done`` events or items came)."""

    def __init__(self) -> None:
        self._items: dict[int, dict[str, Any]] = {}

    def add(self, event: Event) -> None:
        kind, index = event.get("type"), event.get("output_index")
        if not isinstance(index, int):
            return
        if kind in ("response.output_item.added", "response.output_item.done") and \
                isinstance(event.get("item"), dict):
            self._items[index] = copy.deepcopy(event["item"])
            return
        item = self._items.setdefault(index, {})
        if kind == "response.output_text.delta" and isinstance(event.get("delta"), str):
            part = self._part(item, event.get("content_index"))
            part["text"] = str(part.get("text") or "") + event["delta"]
        elif kind == "response.output_text.done" and isinstance(event.get("text"), str):
            self._part(item, event.get("content_index"))["text"] = event["text"]
        elif kind == "response.function_call_arguments.delta" and \
                isinstance(event.get("delta"), str):
            item["arguments"] = str(item.get("arguments") or "") + event["delta"]
        elif kind == "response.function_call_arguments.done" and \
                isinstance(event.get("arguments"), str):
            item["arguments"] = event["arguments"]

    def response(self) -> dict[str, Any]:
        return {"output": [item for _, item in sorted(self._items.items())]}

    @staticmethod
    def _part(item: dict[str, Any], index: Any) -> dict[str, Any]:
        item.setdefault("type", "message")
        parts = item.get("content")
        if not isinstance(parts, list):
            parts = item["content"] = []
        position = index if isinstance(index, int) else 0
        while len(parts) <= position:
            parts.append({"type": "output_text", "text": ""})
        part = parts[position]
        return part if isinstance(part, dict) else {}

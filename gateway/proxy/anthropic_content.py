"""Where the text of an Anthropic Messages request lives, and putting values back in answers.

The Messages counterpart of :mod:`gateway.proxy.content` and :mod:`gateway.proxy.restore`:
the same :class:`Slot` for scanning and redacting (system prompt, text blocks, tool inputs,
tool results), and restoring pseudonymized values in a message or an event stream.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.content import Slot
from gateway.redaction import Pseudonymizer, StreamingRestorer
from gateway.translation import AnthropicEvent


class MessagesPrompt:
    """A request's slots and the prompt to record, which share the request's strings.

    The recorded prompt is the message list with the system prompt first (as on the chat
    route); :meth:`apply` writes a redacted string system prompt back into the body.
    """

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body
        self.slots: list[Slot] = []
        self.payload: list[Any] = list(body.get("messages") or ())
        self._system: dict[str, Any] | None = None
        system = body.get("system")
        if system:
            self._system = {"role": "system", "content": system}
            self.payload.insert(0, self._system)
            self._content(self._system, "content", "system")
        for message in body.get("messages") or ():
            if isinstance(message, dict):
                self._content(message, "content", str(message.get("role", "")))

    def apply(self) -> None:
        if self._system is not None:
            self._body["system"] = self._system["content"]

    def _content(self, container: dict[str, Any], key: str, role: str) -> None:
        value = container.get(key)
        if isinstance(value, str):
            self.slots.append(Slot(container, key, role))
            return
        for block in value if isinstance(value, list) else ():
            if not isinstance(block, dict):
                continue
            kind = block.get("type")
            if kind == "text" and isinstance(block.get("text"), str):
                self.slots.append(Slot(block, "text", role))
            elif kind == "tool_use":
                self._leaves(block.get("input"), role)
            elif kind == "tool_result":
                self._content(block, "content", "tool")

    def _leaves(self, value: Any, role: str) -> None:
        """Every string inside a tool input object (keys are the tool's schema, kept)."""
        items = value.items() if isinstance(value, dict) else enumerate(value) \
            if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(item, str):
                self.slots.append(Slot(value, key, role))
            else:
                self._leaves(item, role)


def messages_tool_names(body: dict[str, Any]) -> list[str]:
    return [
        tool["name"] for tool in body.get("tools") or ()
        if isinstance(tool, dict) and isinstance(tool.get("name"), str)
    ]


def _restore_leaves(value: Any, pseudo: Pseudonymizer) -> Any:
    if isinstance(value, str):
        return pseudo.restore(value)
    if isinstance(value, dict):
        return {key: _restore_leaves(item, pseudo) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore_leaves(item, pseudo) for item in value]
    return value


def restore_message(message: dict[str, Any], pseudo: Pseudonymizer) -> None:
    """Restore placeholders in a complete Anthropic message, in place."""
    for block in message.get("content") or ():
        if not isinstance(block, dict):
            continue
        if block.get("type") == "text" and isinstance(block.get("text"), str):
            block["text"] = pseudo.restore(block["text"])
        elif block.get("type") == "tool_use":
            block["input"] = _restore_leaves(block.get("input"), pseudo)


class EventRestorer:
    """Restores placeholders across streamed events, one restorer per content block.

    A placeholder split over deltas is held back until it is whole; what a block still
    holds at its ``content_block_stop`` goes out as one last delta just before it.
    """

    def __init__(self, pseudo: Pseudonymizer) -> None:
        self._pseudo = pseudo
        self._blocks: dict[int, tuple[str, StreamingRestorer]] = {}

    def transform(self, events: list[AnthropicEvent]) -> list[AnthropicEvent]:
        out: list[AnthropicEvent] = []
        for name, data in events:
            index = data.get("index")
            delta = data.get("delta")
            if name == "content_block_delta" and isinstance(index, int) and \
                    isinstance(delta, dict):
                self._delta(index, delta)
            elif name == "content_block_stop" and index in self._blocks:
                field, restorer = self._blocks.pop(index)
                rest = restorer.flush()
                if rest:
                    kind = "text_delta" if field == "text" else "input_json_delta"
                    out.append(("content_block_delta", {
                        "type": "content_block_delta", "index": index,
                        "delta": {"type": kind, field: rest},
                    }))
            out.append((name, data))
        return out

    def _delta(self, index: int, delta: dict[str, Any]) -> None:
        kind = delta.get("type")
        field = "text" if kind == "text_delta" else "partial_json" \
            if kind == "input_json_delta" else None
        if field is None or not isinstance(delta.get(field), str):
            return
        if index not in self._blocks:
            restorer = self._pseudo.streaming_restorer(json_mode=field == "partial_json")
            self._blocks[index] = (field, restorer)
        delta[field] = self._blocks[index][1].feed(delta[field])

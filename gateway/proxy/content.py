"""Where the text of an OpenAI-schema request lives, so it can be scanned and rewritten.

A request's text is spread over message contents (strings or text parts), tool-call
arguments and tool results; embeddings carry strings in ``input``. Each piece is a
:class:`Slot`: read once for scanning, written back once redacted, in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(slots=True)
class Slot:
    """One string inside the request body, and the message role it belongs to."""

    container: Any  # the dict or list holding the string
    key: Any  # its key or index there
    role: str

    @property
    def text(self) -> str:
        value = self.container[self.key]
        return value if isinstance(value, str) else ""

    def write(self, text: str) -> None:
        self.container[self.key] = text


def chat_slots(messages: list[Any]) -> list[Slot]:
    """Every text of a chat request: contents, text parts, tool-call arguments."""
    slots: list[Slot] = []
    for message in messages:
        if not isinstance(message, dict):
            continue
        role = str(message.get("role", ""))
        content = message.get("content")
        if isinstance(content, str):
            slots.append(Slot(message, "content", role))
        elif isinstance(content, list):
            slots.extend(
                Slot(part, "text", role) for part in content
                if isinstance(part, dict) and isinstance(part.get("text"), str)
            )
        for call in message.get("tool_calls") or ():
            function = call.get("function") if isinstance(call, dict) else None
            if isinstance(function, dict) and isinstance(function.get("arguments"), str):
                slots.append(Slot(function, "arguments", role))
    return slots


def embedding_slots(body: dict[str, Any]) -> list[Slot]:
    """The strings of an embeddings request (token-id inputs carry no text to scan)."""
    value = body.get("input")
    if isinstance(value, str):
        return [Slot(body, "input", "user")]
    if isinstance(value, list):
        return [Slot(value, i, "user") for i, item in enumerate(value) if isinstance(item, str)]
    return []


def tool_names(body: dict[str, Any]) -> list[str]:
    names = []
    for tool in body.get("tools") or ():
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and isinstance(function.get("name"), str):
            names.append(function["name"])
    return names

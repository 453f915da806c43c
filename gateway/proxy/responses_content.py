"""Where the text of a Responses or legacy Completions request lives, and putting values back.

The counterpart of :mod:`gateway.proxy.content` for ``/v1/responses`` and
``/v1/completions``: every string the model will read is a :class:`Slot` (instructions,
the input string, message parts, function-call arguments, function outputs, reasoning
summaries, and, for an item type the gateway does not know, every string it holds), so
the policies judge it and the redaction rewrites it before anything is recorded or sent.
Restoring works on ``response`` objects and output items, whole or streamed.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.content import Slot
from gateway.redaction import Pseudonymizer

# Tools the client runs itself; any other type is run by the provider ("hosted").
CLIENT_TOOLS = frozenset({"function", "custom"})
# Keys of an unknown item that identify it rather than say anything.
_ID_KEYS = frozenset({"type", "id", "status", "call_id", "role", "name", "encrypted_content"})


class ResponsesPrompt:
    """A Responses request's slots, and the prompt to record (sharing the body's strings).

    The recorded prompt is the conversation as chat shows it: the instructions as a
    ``system`` message first, then the input items (a string input is one user message).
    :meth:`apply` writes the redacted instructions and string input back into the body.
    """

    def __init__(self, body: dict[str, Any]) -> None:
        self._body = body
        self.slots: list[Slot] = []
        self.payload: list[Any] = []
        self._instructions: dict[str, Any] | None = None
        self._input: dict[str, Any] | None = None
        if isinstance(body.get("instructions"), str):
            self._instructions = {"role": "system", "content": body["instructions"]}
            self.payload.append(self._instructions)
            self.slots.append(Slot(self._instructions, "content", "system"))
        items = body.get("input")
        if isinstance(items, str):
            self._input = {"role": "user", "content": items}
            self.payload.append(self._input)
            self.slots.append(Slot(self._input, "content", "user"))
        elif isinstance(items, list):
            self.payload.extend(items)
            for item in items:
                if isinstance(item, dict):
                    self._item(item)

    def apply(self) -> None:
        if self._instructions is not None:
            self._body["instructions"] = self._instructions["content"]
        if self._input is not None:
            self._body["input"] = self._input["content"]

    def _item(self, item: dict[str, Any]) -> None:
        kind = item.get("type", "message")
        if kind == "message":
            role = str(item.get("role") or "user")
            self._parts(item, "content", "system" if role == "developer" else role)
        elif kind == "function_call":
            self._string(item, "arguments", "assistant")
        elif kind in ("function_call_output", "custom_tool_call_output"):
            self._parts(item, "output", "tool")
        elif kind == "custom_tool_call":
            self._string(item, "input", "assistant")
        elif kind == "reasoning":
            for summary in item.get("summary") or ():
                if isinstance(summary, dict):
                    self._string(summary, "text", "assistant")
        elif kind != "item_reference":
            # An item type the gateway does not know: every string it holds is judged.
            self._leaves(item, "assistant" if kind.endswith("_call") else "tool")

    def _parts(self, container: dict[str, Any], key: str, role: str) -> None:
        value = container.get(key)
        if isinstance(value, str):
            self.slots.append(Slot(container, key, role))
            return
        for part in value if isinstance(value, list) else ():
            if isinstance(part, dict):
                self._string(part, "text", role)
                self._string(part, "refusal", role)

    def _string(self, container: dict[str, Any], key: str, role: str) -> None:
        if isinstance(container.get(key), str):
            self.slots.append(Slot(container, key, role))

    def _leaves(self, value: Any, role: str) -> None:
        if isinstance(value, dict):
            items: Any = ((k, v) for k, v in value.items() if k not in _ID_KEYS)
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            return
        for key, item in items:
            if isinstance(item, str):
                self.slots.append(Slot(value, key, role))
            else:
                self._leaves(item, role)


def responses_tool_names(body: dict[str, Any]) -> list[str]:
    """What the policies see as tools: function and custom tool names, hosted tool types."""
    names: list[str] = []
    for tool in body.get("tools") or ():
        if not isinstance(tool, dict):
            continue
        kind = tool.get("type")
        if kind in CLIENT_TOOLS and isinstance(tool.get("name"), str):
            names.append(tool["name"])
        elif isinstance(kind, str) and kind not in CLIENT_TOOLS:
            names.append(kind)
    return names


def hosted_tools(body: dict[str, Any]) -> list[tuple[int, str]]:
    """The tools the provider would run itself (web search, file search, code…)."""
    return [
        (index, str(tool.get("type")))
        for index, tool in enumerate(body.get("tools") or ())
        if isinstance(tool, dict) and tool.get("type") not in CLIENT_TOOLS
    ]


def completion_slots(body: dict[str, Any]) -> list[Slot]:
    """The prompt (one string, or a list of strings) and the suffix of a completion."""
    slots: list[Slot] = []
    prompt = body.get("prompt")
    if isinstance(prompt, str):
        slots.append(Slot(body, "prompt", "user"))
    elif isinstance(prompt, list):
        slots.extend(Slot(prompt, i, "user") for i, item in enumerate(prompt)
                     if isinstance(item, str))
    if isinstance(body.get("suffix"), str):
        slots.append(Slot(body, "suffix", "user"))
    return slots


# --- restoring -------------------------------------------------------------------------------

def restore_item(item: dict[str, Any], pseudo: Pseudonymizer) -> None:
    """Restore placeholders in one output item, in place (JSON text stays valid JSON)."""
    kind = item.get("type")
    if kind == "function_call" and isinstance(item.get("arguments"), str):
        item["arguments"] = pseudo.restore_json(item["arguments"])
        return
    for key, value in item.items():
        if key in _ID_KEYS:
            continue
        item[key] = _restore(value, pseudo)


def restore_part(part: dict[str, Any], pseudo: Pseudonymizer) -> None:
    for key in ("text", "refusal"):
        if isinstance(part.get(key), str):
            part[key] = pseudo.restore(part[key])


def restore_response(response: dict[str, Any], pseudo: Pseudonymizer) -> None:
    """Restore a whole ``response`` object: its output, and the instructions it echoes."""
    for item in response.get("output") or ():
        if isinstance(item, dict):
            restore_item(item, pseudo)
    if isinstance(response.get("instructions"), str):
        response["instructions"] = pseudo.restore(response["instructions"])


def _restore(value: Any, pseudo: Pseudonymizer) -> Any:
    if isinstance(value, str):
        return pseudo.restore(value)
    if isinstance(value, list):
        return [_restore(item, pseudo) for item in value]
    if isinstance(value, dict):
        return {k: v if k in _ID_KEYS else _restore(v, pseudo) for k, v in value.items()}
    return value


def response_text(response: dict[str, Any]) -> str:
    """A ``response`` as recorded: its text, then one line per function call."""
    texts: list[str] = []
    calls: list[str] = []
    for item in response.get("output") or ():
        if not isinstance(item, dict):
            continue
        if item.get("type") == "message":
            for part in item.get("content") or ():
                if isinstance(part, dict):
                    texts.append(str(part.get("text") or part.get("refusal") or ""))
        elif item.get("type") == "function_call":
            calls.append(f"[tool_call] {item.get('name', '')} {item.get('arguments', '')}")
        elif isinstance(item.get("type"), str) and item["type"].endswith("_call"):
            calls.append(f"[{item['type']}]")
    return "\n".join(["".join(texts), *calls]) if calls else "".join(texts)

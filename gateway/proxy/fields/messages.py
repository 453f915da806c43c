"""The fields of an Anthropic Messages request (``POST /v1/messages``).

After Anthropic's API reference (create a message): ``system`` (a string or text blocks);
each message's content blocks: text, image (a URL; base64 data is binary), document (text
or base64 text sources, URL, nested content, ``title``, ``context``), search_result,
thinking (its signature is kept as sent), redacted_thinking (opaque), tool_use (name and
every string of its input), tool_result (its content read under the ``tool`` role); at the
top, ``tools`` (name, description, ``input_schema``), ``tool_choice``,
``metadata.user_id``, ``stop_sequences``, ``mcp_servers``, ``container``, and whatever else
the body holds.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.fields.base import RequestView
from gateway.proxy.fields.walker import Walker

INSTRUCTIONS = frozenset({"system", "tools", "tool_choice"})
# Tools Anthropic defines that the client runs (the model only asks for them), and a
# client tool's own type; any other typed tool is run by Anthropic (web search and fetch,
# code execution, tool search, and types not known yet).
_CLIENT_TOOL_TYPES = ("custom", "bash_", "text_editor_", "computer_", "memory_")


def messages_hosted_tools(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The tools Anthropic would run itself, each as (field, kind): server tools and the
    MCP servers its connector calls (``mcp``)."""
    hosted = [
        (f"tools[{index}]", tool["type"]) for index, tool in enumerate(body.get("tools") or ())
        if isinstance(tool, dict) and isinstance(tool.get("type"), str)
        and not tool["type"].startswith(_CLIENT_TOOL_TYPES)
    ]
    servers = body.get("mcp_servers")
    hosted += [(f"mcp_servers[{index}]", "mcp")
               for index in range(len(servers) if isinstance(servers, list) else 0)]
    return hosted


def messages_tool_names(body: dict[str, Any]) -> list[str]:
    """The tools offered to the model: client tools by name, server tools by name or type."""
    names: list[str] = []
    for tool in body.get("tools") or ():
        if isinstance(tool, dict):
            name = tool.get("name") if isinstance(tool.get("name"), str) else tool.get("type")
            if isinstance(name, str):
                names.append(name)
    return names


def messages_record(body: dict[str, Any]) -> list[Any]:
    """The message list with the system prompt first, as the chat route records it."""
    messages = list(body.get("messages") or ())
    if body.get("system"):
        messages.insert(0, {"role": "system", "content": body["system"]})
    return messages


def documents(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The request's document blocks in the order Anthropic numbers them (a citation's
    ``document_index``): across all messages, a tool result's content in its place."""
    found: list[dict[str, Any]] = []

    def walk(content: Any) -> None:
        for block in content if isinstance(content, list) else ():
            if not isinstance(block, dict):
                continue
            if block.get("type") == "document":
                found.append(block)
            elif block.get("type") == "tool_result":
                walk(block.get("content"))

    for message in body.get("messages") or ():
        if isinstance(message, dict):
            walk(message.get("content"))
    return found


def _blocks(walker: Walker, content: Any, role: str, path: str) -> None:
    """Content blocks; a tool result's content is read under the ``tool`` role."""
    if not isinstance(content, list):
        return
    for index, block in enumerate(content):
        where = f"{path}[{index}]"
        if isinstance(block, dict) and block.get("type") == "tool_result":
            walker.object(block, "tool", where, skip=("content",))
            if isinstance(block.get("content"), str):
                walker.value(block, "content", "tool", where + ".content")
            else:
                _blocks(walker, block.get("content"), "tool", where + ".content")
        else:
            walker.value(content, index, role, where)


def messages_view(body: dict[str, Any]) -> RequestView:
    walker = Walker()
    for index, message in enumerate(body.get("messages") or ()):
        if not isinstance(message, dict):
            continue
        role, where = str(message.get("role", "")), f"messages[{index}]"
        walker.object(message, role, where, skip=("role", "content"))
        if isinstance(message.get("content"), str):
            walker.value(message, "content", role, where + ".content")
        else:
            _blocks(walker, message.get("content"), role, where + ".content")
    for name in body:
        if name not in ("model", "messages"):
            walker.value(body, name, "system" if name in INSTRUCTIONS else "user", name)
    return RequestView("messages", body, walker.fields, messages_tool_names(body),
                       frozenset({"messages", "system"}), messages_record, walker.attachments)

"""The fields of an OpenAI chat completion request (``POST /v1/chat/completions``).

After OpenAI's API reference (create chat completion): each message's content (a string, or
text, image_url, input_audio, file and refusal parts), ``name``, ``refusal``, ``tool_calls``
(function name and arguments, custom tool input) and legacy ``function_call``; at the top,
``tools`` (function: name, description, JSON-schema parameters; custom: name, description,
grammar), legacy ``functions`` and ``function_call``, ``tool_choice``, ``response_format``
(its JSON schema's names and descriptions), ``prediction``, ``stop``, ``user``,
``safety_identifier``, ``prompt_cache_key``, ``metadata``, ``web_search_options`` (a user
location), and whatever else the body holds.
"""

from __future__ import annotations

from typing import Any

from gateway.proxy.fields.base import RequestView
from gateway.proxy.fields.walker import Walker

# What the developer tells the model about its tools and its output: read as the system
# prompt is (providers render tool and schema definitions into it).
INSTRUCTIONS = frozenset({"tools", "functions", "tool_choice", "function_call",
                          "response_format"})
# The roles the policies know (system, user, assistant, tool) for chat's newer and older
# names: a « developer » message is the system prompt of newer models, a « function »
# message a legacy tool result. Left as sent, a content rule on ``roles: [system, user,
# tool]`` never read them.
POLICY_ROLES = {"developer": "system", "function": "tool"}


def tool_name(tool: Any) -> str | None:
    """A chat tool's name: ``function.name``, ``custom.name``, else its type (built-in)."""
    if not isinstance(tool, dict):
        return None
    kind = tool.get("type")
    inner = tool.get(kind) if isinstance(kind, str) else None
    if isinstance(inner, dict) and isinstance(inner.get("name"), str):
        return str(inner["name"])
    return kind if isinstance(kind, str) else None


def chat_tool_names(body: dict[str, Any]) -> list[str]:
    """Every function tool the request offers the model: tools of every type and the
    legacy ``functions``."""
    names = [name for tool in body.get("tools") or () if (name := tool_name(tool))]
    names += [
        function["name"] for function in body.get("functions") or ()
        if isinstance(function, dict) and isinstance(function.get("name"), str)
    ]
    return names


def chat_hosted_tools(body: dict[str, Any]) -> list[tuple[str, str]]:
    """The tools the provider would run itself, as (field, kind): the web search of
    OpenAI's search models (``web_search_options``)."""
    if body.get("web_search_options") is not None:
        return [("web_search_options", "web_search")]
    return []


def chat_messages(body: dict[str, Any]) -> Any:
    return body.get("messages")


def chat_view(body: dict[str, Any]) -> RequestView:
    walker = Walker()
    for index, message in enumerate(body.get("messages") or ()):
        if isinstance(message, dict):
            role = str(message.get("role", ""))
            walker.object(message, POLICY_ROLES.get(role, role), f"messages[{index}]",
                          skip=("role",))
    for name in body:
        if name not in ("model", "messages"):
            walker.value(body, name, "system" if name in INSTRUCTIONS else "user", name)
    return RequestView("chat", body, walker.fields, chat_tool_names(body),
                       frozenset({"messages"}), chat_messages, walker.attachments)

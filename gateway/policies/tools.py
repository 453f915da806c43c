"""Client tool detection (which application sent the request).

Resolution order, most trustworthy first: the tool bound to the API key
(set by an admin), then the ``X-Gateway-Tool`` header (set by a
configured client), then the User-Agent family.  Note that headers and
User-Agents are chosen by the client: policies that must hold against a
determined employee should rely on keys bound to a tool.
"""

from __future__ import annotations

import re

KNOWN_TOOLS = (
    "openai-python",
    "anthropic-python",
    "langchain",
    "continue",
    "open-webui",
    "librechat",
    "claude-code",
    "curl",
    "browser",
    "unknown",
)
_HEADER_VALUE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")

# First match wins: specific applications before the SDKs they embed
# (LangChain and LibreChat send requests through the OpenAI SDK, Open WebUI
# pages come from a browser).
_UA_FAMILIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (family, re.compile(pattern, re.IGNORECASE))
    for family, pattern in (
        ("claude-code", r"\bclaude-cli/|\bclaude-code/"),
        ("langchain", r"langchain"),
        ("librechat", r"librechat"),
        ("open-webui", r"open[- ]?webui"),
        ("continue", r"^continue(?:-cli)?/|continue\.dev|\bcontinuedev\b"),
        ("anthropic-python", r"^(?:Async)?Anthropic/Python\b"),
        ("openai-python", r"^(?:Async)?OpenAI/Python\b"),
        ("curl", r"^curl/"),
        ("browser", r"^Mozilla/"),
    )
)


def detect_tool(user_agent: str | None, header: str | None, key_tool: str | None) -> str:
    """Return the client tool name used by policies' ``tools`` conditions.

    ``key_tool`` and a well-formed ``header`` are returned lower-cased as
    given; otherwise the User-Agent is mapped to one of ``KNOWN_TOOLS``.
    """
    for explicit in (key_tool, header):
        if explicit:
            value = explicit.strip().lower()
            if _HEADER_VALUE.match(value):
                return value
    if not user_agent:
        return "unknown"
    ua = user_agent.strip()
    for family, pattern in _UA_FAMILIES:
        if pattern.search(ua):
            return family
    return "unknown"

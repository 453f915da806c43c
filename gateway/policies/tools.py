"""Client tool detection (which application sent the request).

Resolution order, most trustworthy first: the tool bound to the API key
(set by an admin), then the ``X-Gateway-Tool`` header (set by a
configured client, and only heeded where IT trusts it: :func:`trusted_header`),
then the User-Agent family.  Note that headers and
User-Agents are chosen by the client: policies that must hold against a
determined employee should rely on keys bound to a tool.

``FAMILIES`` is the one table of User-Agent families: each with what it is, the pattern
that recognises it, and User-Agents recorded from the real clients (the tests check each
example, and the README's client table lists every family).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Family:
    """A User-Agent family: the tool name policies see, and how it is recognised."""

    name: str
    what: str
    pattern: re.Pattern[str]
    examples: tuple[str, ...]


def _family(name: str, what: str, pattern: str, *examples: str) -> Family:
    return Family(name, what, re.compile(pattern, re.IGNORECASE), examples)


# First match wins: applications before the SDKs and HTTP libraries they embed (LibreChat
# and Continue send through the OpenAI SDK, LangChain.js names itself beside it).
FAMILIES: tuple[Family, ...] = (
    _family("claude-code", "Claude Code (Anthropic's coding agent)",
            r"^claude-cli/|\bclaude-code/", "claude-cli/1.0.58 (external, cli)",
            "claude-cli/2.0.14 (external, sdk-ts)"),
    _family("codex-cli", "Codex CLI (OpenAI's coding agent)", r"^codex[_-]",
            "codex_cli_rs/0.20.0 (Ubuntu 24.4.0; x86_64) xterm-256color",
            "codex_exec/0.46.0 (Mac OS 15.1.0; arm64) unknown"),
    _family("langchain", "LangChain, where it names itself", r"langchain",
            "langchainjs-openai/0.6.14"),
    _family("litellm", "LiteLLM (SDK or proxy) calling the gateway", r"^litellm/",
            "litellm/1.110.2"),
    _family("librechat", "LibreChat, where it names itself", r"librechat", "LibreChat/0.8.0"),
    _family("open-webui", "Open WebUI, where it names itself", r"open[- ]?webui",
            "Open-WebUI/0.6.32"),
    _family("continue", "Continue (VS Code / JetBrains), where it names itself",
            r"^continue(?:-cli)?/|continue\.dev|\bcontinuedev\b", "Continue/1.2.8"),
    _family("cursor", "Cursor, where it names itself", r"^cursor/", "Cursor/1.7.52"),
    # Before the SDK families: the Agents SDK sends through the openai SDK under its own name.
    _family("openai-agents", "the OpenAI Agents SDK", r"^Agents/(?:Python|JS)\b",
            "Agents/Python 0.24.0"),
    _family("openai-python", "the openai Python SDK (and what embeds it)",
            r"^(?:Async)?OpenAI/Python\b", "OpenAI/Python 1.54.3", "AsyncOpenAI/Python 1.99.1"),
    _family("openai-js", "the openai JavaScript / TypeScript SDK (and what embeds it)",
            r"^OpenAI/JS\b", "OpenAI/JS 4.80.0", "OpenAI/JS 5.23.2"),
    _family("openai-go", "the openai Go SDK", r"^OpenAI/Go\b", "OpenAI/Go 1.12.0"),
    _family("openai-java", "the openai Java / Kotlin SDK", r"^OpenAI/(?:Java|Kotlin)\b",
            "OpenAI/Java 3.5.3"),
    _family("openai-dotnet", "the openai .NET SDK", r"^OpenAI/\d[\w.-]* \(\.NET",
            "OpenAI/2.1.0 (.NET 8.0.11; Microsoft Windows 10.0.22631)"),
    _family("openai-ruby", "the openai Ruby SDK", r"^OpenAI/Ruby\b", "OpenAI/Ruby 0.23.1"),
    _family("anthropic-python", "the anthropic Python SDK (and what embeds it)",
            r"^(?:Async)?Anthropic/Python\b", "Anthropic/Python 0.40.0",
            "AsyncAnthropic/Python 0.69.0"),
    _family("anthropic-js", "the anthropic JavaScript / TypeScript SDK",
            r"^Anthropic/JS\b", "Anthropic/JS 0.65.0"),
    _family("anthropic-go", "the anthropic Go SDK", r"^Anthropic/Go\b", "Anthropic/Go 1.13.0"),
    _family("anthropic-java", "the anthropic Java / Kotlin SDK",
            r"^Anthropic/(?:Java|Kotlin)\b", "Anthropic/Java 2.8.1"),
    _family("curl", "curl", r"^curl/", "curl/8.5.0"),
    _family("wget", "Wget", r"^wget/", "Wget/1.21.4"),
    _family("powershell", "PowerShell's Invoke-RestMethod / Invoke-WebRequest",
            r"PowerShell/",
            "Mozilla/5.0 (Windows NT; Windows NT 10.0; fr-FR) WindowsPowerShell/5.1.22621.4391"),
    _family("python-requests", "the requests library (Python scripts)", r"^python-requests/",
            "python-requests/2.32.3"),
    _family("python-httpx", "the httpx library (Python scripts)", r"^python-httpx/",
            "python-httpx/0.28.1"),
    _family("python-aiohttp", "the aiohttp library (Python services, Open WebUI's backend)",
            r"\baiohttp/", "Python/3.11 aiohttp/3.9.5"),
    _family("python-urllib", "Python's urllib", r"^Python-urllib/", "Python-urllib/3.12"),
    _family("node-fetch", "Node.js's fetch, undici or node-fetch", r"^(?:node-fetch|undici|node)\b",
            "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", "undici", "node"),
    _family("axios", "axios (JavaScript)", r"^axios/", "axios/1.7.9"),
    _family("go-http", "Go's net/http", r"^Go-http-client/", "Go-http-client/2.0"),
    _family("java-http", "Java HTTP clients (OkHttp, Apache, JDK)",
            r"^(?:okhttp|Apache-HttpClient|Java-http-client)/", "okhttp/4.12.0",
            "Java-http-client/21.0.5"),
    _family("browser", "a web browser (a page calling the API directly)", r"^Mozilla/",
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/124.0 Safari/537.36"),
)

UNKNOWN = "unknown"
KNOWN_TOOLS: tuple[str, ...] = (*(family.name for family in FAMILIES), UNKNOWN)
_HEADER_VALUE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
# What a refusal may quote of a User-Agent: printable, and short.
_UNPRINTABLE = re.compile(r"[^\x20-\x7e]")
CLIENT_QUOTE_MAX = 120


# A client sends the same User-Agent with every request: its family is found once (up to 40
# patterns searched in turn otherwise).
@functools.lru_cache(maxsize=1024)
def family_of(user_agent: str | None) -> str:
    """The family name of a User-Agent, ``unknown`` when none matches."""
    if not user_agent:
        return UNKNOWN
    ua = user_agent.strip()
    for family in FAMILIES:
        if family.pattern.search(ua):
            return family.name
    return UNKNOWN


#: The key tag by which IT lets a key name its client tool in ``X-Gateway-Tool``.
TOOL_HEADER_TAG = "tool-header"


def trusted_header(header: str | None, trust: str, key_tags: Collection[str]) -> str | None:
    """The ``X-Gateway-Tool`` header if IT trusts it for this key, else ``None``.

    ``trust`` is the ``GATEWAY_TOOL_HEADER_TRUST`` setting: ``none``, ``tagged`` (keys
    tagged ``tool-header``: a service such as a chat front-end that calls for several
    tools) or ``all``. Any client can set a header, so by default an employee's key cannot
    escape the tool allow-list with one.
    """
    if trust == "all" or (trust == "tagged" and TOOL_HEADER_TAG in key_tags):
        return header
    return None


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
    return family_of(user_agent)


def quote_client(user_agent: str | None) -> str:
    """The User-Agent as a refusal may show it: printable ASCII, at most 120 characters."""
    if not user_agent or not user_agent.strip():
        return "(aucun User-Agent)"
    text = _UNPRINTABLE.sub("?", user_agent.strip())
    return text if len(text) <= CLIENT_QUOTE_MAX else text[: CLIENT_QUOTE_MAX - 1] + "…"

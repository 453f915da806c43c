"""Client tool detection from real-world User-Agent strings."""

from __future__ import annotations

import pytest

from gateway.policies import KNOWN_TOOLS, detect_tool
from gateway.policies.tools import FAMILIES, quote_client
from tests.support import REPO


@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("OpenAI/Python 1.54.3", "openai-python"),
        ("AsyncOpenAI/Python 1.40.0", "openai-python"),
        ("Anthropic/Python 0.39.0", "anthropic-python"),
        ("AsyncAnthropic/Python 0.40.0", "anthropic-python"),
        ("langchain-openai/0.2.1 OpenAI/Python 1.51.0", "langchain"),
        ("Continue/1.2.10 (vscode; extension)", "continue"),
        ("Continue-CLI/1.0.3", "continue"),
        ("continue.dev-jetbrains/0.0.45", "continue"),
        ("open-webui/0.5.4", "open-webui"),
        ("Mozilla/5.0 (X11; Linux x86_64) Open WebUI", "open-webui"),
        ("LibreChat/0.7.5 OpenAI/Python 1.3", "librechat"),
        ("claude-cli/1.0.58 (external, cli)", "claude-code"),
        ("curl/8.5.0", "curl"),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
            "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
            "browser",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0",
            "browser",
        ),
        ("python-requests/2.32.3", "python-requests"),
        ("node-fetch", "node-fetch"),
        ("RapportsMaison/2.1", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_user_agent_families(user_agent: str | None, expected: str) -> None:
    assert detect_tool(user_agent, None, None) == expected
    assert expected in KNOWN_TOOLS


def test_key_tool_beats_header_beats_user_agent() -> None:
    assert detect_tool("curl/8.5.0", "Open-WebUI", "n8n") == "n8n"
    assert detect_tool("curl/8.5.0", " Open-WebUI ", None) == "open-webui"
    assert detect_tool("curl/8.5.0", None, None) == "curl"


def test_malformed_header_falls_back_to_user_agent() -> None:
    assert detect_tool("curl/8.5.0", "bad value; drop table", None) == "curl"
    assert detect_tool("curl/8.5.0", "x" * 200, None) == "curl"


# User-Agents recorded from the clients the issue tracker named, and the families they are.
@pytest.mark.parametrize(
    ("user_agent", "expected"),
    [
        ("OpenAI/JS 4.80.0", "openai-js"),
        ("litellm/1.110.2", "litellm"),
        ("python-requests/2.32.3", "python-requests"),
        ("Python/3.11 aiohttp/3.9.5", "python-aiohttp"),
        ("codex_cli_rs/0.20.0 (Mac OS 15.5.0; arm64) iTerm.app/3.5.14", "codex-cli"),
        ("python-httpx/0.27.2", "python-httpx"),
        ("OpenAI/Go 1.12.0", "openai-go"),
        ("Anthropic/JS 0.65.0", "anthropic-js"),
        ("Go-http-client/1.1", "go-http"),
    ],
)
def test_common_clients_are_recognised(user_agent: str, expected: str) -> None:
    assert detect_tool(user_agent, None, None) == expected


def test_every_family_recognises_its_recorded_examples() -> None:
    for family in FAMILIES:
        assert family.examples, family.name
        for example in family.examples:
            assert detect_tool(example, None, None) == family.name, (family.name, example)


def test_the_readme_lists_every_family() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("<!-- client-tools -->"):]
    for family in FAMILIES:
        assert f"| `{family.name}` |" in table, family.name


def test_a_refusal_quotes_the_client_safely() -> None:
    assert quote_client(None) == "(aucun User-Agent)"
    assert quote_client("curl/8.5.0") == "curl/8.5.0"
    assert quote_client("evil\x1b[31m\u202e/1.0") == "evil?[31m?/1.0"
    long = quote_client("x" * 500)
    assert len(long) == 120 and long.endswith("…")

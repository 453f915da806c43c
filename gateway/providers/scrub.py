"""Provider error text, cleaned of anything secret-shaped before it is relayed or stored.

A provider's error message is shown to the employee and kept in the interaction record. Some
providers and proxies in front of them echo the request back when they fail ("invalid
header Authorization: Bearer sk-..."), which would hand the organisation's licensed key to
every employee who triggers the error, and write it into the log. Every vendor text goes
through :func:`scrub` first: the key the adapter sent is removed by value, and anything
shaped like a credential (an Authorization header, a bearer token, a ``key=`` parameter, the
well-known key formats) is replaced, keeping the rest of the message readable.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MASK = "[secret masqué]"
# Below this length a "known secret" is not replaced by value (it would mangle the text).
_MIN_KNOWN = 8

# Header forms: "Authorization: Bearer x", '"authorization": "Basic x"', "x-api-key=x".
_HEADER = re.compile(
    r"(?i)(?P<name>\b(?:proxy-)?authorization|\bx-api-key|\bapi[-_]?key|\bapikey|"
    r"\bx-goog-api-key|\bocp-apim-subscription-key|\bsubscription[-_]?key|"
    r"\baccess[-_]?token|\brefresh[-_]?token|\bclient[-_]?secret|\bpassword|\bsecret|\btoken)"
    r"(?P<sep>[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(?:bearer|basic|token|digest)\s+)?"
    r"[^\s\"',;&}\[\]]{3,}"
)
_BEARER = re.compile(r"(?i)\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}")
# Query parameters that carry a key: "?key=AIza...", "&access_token=...", "&sig=...".
_QUERY = re.compile(
    r"(?i)(?P<name>[?&](?:key|api[-_]?key|token|access[-_]?token|sig|signature|code)=)"
    r"[^&\s\"'#]+"
)
# Key formats recognisable by their prefix, wherever they appear.
_SHAPES = re.compile(
    r"(?<![\w-])(?:"
    r"sk-[A-Za-z0-9_-]{12,}"  # OpenAI (sk-proj-, sk-svcacct-), Anthropic (sk-ant-), DeepSeek
    r"|gw-[A-Za-z0-9_-]{20,}"  # the gateway's own keys
    r"|(?:AKIA|ASIA)[0-9A-Z]{16}"
    r"|AIza[0-9A-Za-z_-]{30,}"
    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}"
    r"|glpat-[A-Za-z0-9_-]{20,}|xox[abprs]-[A-Za-z0-9-]{10,}|hf_[A-Za-z0-9]{30,}"
    r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JWT
    r")(?![\w-])"
)


def scrub(text: str, known: Iterable[str | None] = ()) -> str:
    """``text`` without the ``known`` secrets (by value) nor anything credential-shaped."""
    text = _HEADER.sub(lambda m: f"{m.group('name')}{m.group('sep')}{MASK}", text)
    text = _BEARER.sub(lambda m: f"{m.group('scheme')} {MASK}", text)
    text = _QUERY.sub(lambda m: f"{m.group('name')}{MASK}", text)
    text = _SHAPES.sub(MASK, text)
    # Last, by value: a key of no known shape, quoted anywhere in the text.
    for secret in known:
        if secret and len(secret) >= _MIN_KNOWN:
            text = text.replace(secret, MASK)
    return text

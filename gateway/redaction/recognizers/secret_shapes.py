"""Secrets of shapes the label rules miss (issue 15, seventh round).

- a provider-style token of any provider: a lower-case prefix and an
  underscore, then a long random body (« npm_… », « sntrys_… », « glsa_… »,
  « dop_v1_… »); the fixed-length patterns of ``secrets.py`` miss a new
  provider, or a token pasted one character short;
- the password ``redis-cli -a`` takes;
- a login and a password after a label with words before its colon
  (« Identifiants Pennylane du cabinet : compta.roux / Roux#Bilan26 »,
  « Compte invité : invite / Bienvenue2026 »);
- a padlock's three digits (« le cadenas du vestiaire c'est 481 »): the code
  rules want four.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["shape_secrets"]

# The body mixes upper case, lower case and digits, as generated tokens do
# (« test_UserAccountService » or « page_2 » are no token).
_PREFIXED = re.compile(
    r"(?<![\w.-])[a-z][a-z0-9]{1,9}(?:_[a-z0-9]{1,6})?_(?P<body>[A-Za-z0-9]{20,200})(?![\w-])"
)
_REDIS_A = re.compile(r"\bredis-cli\b[^\n]*?[ \t](?:-a|--pass)[ \t]+(?P<value>[^\s-]\S{2,100})")
_LABELLED_PAIR = re.compile(
    r"(?i:\b(?:identifiants?|accès|acces|credentials?|creds|compte|account)\b)"
    r"(?:[ \t]+[^\s:/]{1,30}){0,4}[ \t]*:[ \t]*[^\s/:]+[ \t]*/[ \t]*"
    r"(?P<value>[^\s,;]{4,100}?)(?=[.,;)]?(?:\s|$))"
)
_PADLOCK = re.compile(
    r"(?i:\b(?:cadenas|padlock|combinaison|combination)\b)[^\n.!;\d]{0,40}?(?<![\w/-])"
    r"(?P<value>\d{3})(?![\w/:€%-]|[ .,]\d| ?(?:€|%|h\b|min\b|ans\b|jours\b|pièces?\b|cm\b|kg\b))"
)


def _generated(body: str) -> bool:
    return (
        sum(c.isdigit() for c in body) >= 2
        and sum(c.isupper() for c in body) >= 2
        and sum(c.islower() for c in body) >= 2
    )


def _looks_secret(value: str) -> bool:
    """Digits, symbols or inner capitals: not a plain word."""
    return any(not c.isalpha() for c in value) or any(c.isupper() for c in value[1:])


def shape_secrets(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, rule) of each secret the module docstring describes."""
    for match in _PREFIXED.finditer(text):
        if _generated(match["body"]):
            yield match.start(), match.end(), "secret_prefixed_token"
    for match in _REDIS_A.finditer(text):
        yield *match.span("value"), "secret_dash_p"
    for match in _LABELLED_PAIR.finditer(text):
        if _looks_secret(match["value"]):
            yield *match.span("value"), "secret_credentials"
    for match in _PADLOCK.finditer(text):
        yield *match.span("value"), "secret_padlock"

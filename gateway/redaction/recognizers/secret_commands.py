"""Passwords that admin commands and credential files take in their own syntax
(issue 15, ninth round).

The label rules read « password=… » and « -p … » for a few tools; these
tools put the password elsewhere, where no label names it:

- ``.pgpass`` lines (« host:port:database:user:password »);
- Windows: « net use Z: \\\\srv\\share Pa$$w0rd /user:DOM\\x », PowerShell's
  « ConvertTo-SecureString "…" -AsPlainText »;
- SQL Server's ``sqlcmd`` / ``bcp`` « -P … », LDAP tools' « -w … », MongoDB
  shells' « -p … », « htpasswd -b file user password », ``keytool``'s
  « -storepass … » / « -keypass … » (« /pass:… » and OpenSSL's « pass:… »
  are the prose rule's « pass : »).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

__all__ = ["command_secrets"]

_VALUE = r"(?P<value>[^\s\"'-][^\s\"']{2,100}|\"[^\"\n]{3,100}\"|'[^'\n]{3,100}')"
_PGPASS = re.compile(r"(?m)^[\w.*-]+:(?:\d{2,5}|\*):[\w.*-]+:[\w.@*-]+:(?P<value>[^\s:]{3,100})$")
_NET_USE = re.compile(
    r"(?i:\bnet[ \t]+use\b)[^\n]*?\\\\[^\s\\]+\\\S+[ \t]+"
    r"(?P<value>[^\s/*\"'][^\s\"']{2,100}|\"[^\"\n]{3,100}\")(?=[ \t]+/)"
)
_SECURE_STRING = re.compile(
    r"(?i:ConvertTo-SecureString)[ \t]+(?:-String[ \t]+)?[\"'](?P<value>[^\"'\n]{3,100})[\"']"
    r"[ \t]+(?i:-AsPlainText)"
)
_TOOL_FLAG = re.compile(
    r"\b(?:(?:sqlcmd|bcp|osql|isql)\b[^\n]*?[ \t]-P|"
    r"(?:ldapsearch|ldapmodify|ldapadd|ldapdelete|ldappasswd|ldapwhoami)\b[^\n]*?[ \t]-w|"
    r"(?:mongo|mongosh|mongodump|mongorestore|mongoexport|mongoimport)\b[^\n]*?[ \t]-p)"
    r"[ \t]+" + _VALUE
)
_TOOL_WORDS = ("sql", "bcp", "ldap", "mongo")
# Each of keytool's password flags (« -srcstorepass X -deststorepass Y »).
_KEYTOOL = re.compile(r"(?<!\S)-(?:store|key|srcstore|deststore|srckey|destkey)pass[ \t]+" + _VALUE)
_HTPASSWD = re.compile(r"\bhtpasswd[ \t]+-[a-zA-Z]*b[a-zA-Z]*[ \t]+\S+[ \t]+\S+[ \t]+" + _VALUE)
_VARIABLE = re.compile(r"^[\"']?(?:\$\{?\w+\}?|\$\(.*\)|%\w+%|<[^>]*>)[\"']?$")


def command_secrets(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, rule) of each secret the module docstring describes; each regex
    runs only on a text holding a character or word it cannot match without."""
    low = text.lower()
    for regex, present, rule in (
        (_PGPASS, text.count(":") >= 4, "secret_pgpass"),
        (_NET_USE, "net use" in low, "secret_net_use"),
        (_SECURE_STRING, "securestring" in low, "secret_secure_string"),
        (_TOOL_FLAG, any(w in low for w in _TOOL_WORDS), "secret_flag"),
        (_KEYTOOL, "keytool" in low, "secret_flag"),
        (_HTPASSWD, "htpasswd" in low, "secret_htpasswd"),
    ):
        if not present:
            continue
        for match in regex.finditer(text):
            start, end = match.span("value")
            value = text[start:end]
            if _VARIABLE.match(value) or (rule == "secret_pgpass" and value.isdigit()):
                continue
            if text[start] in "\"'":
                start, end = start + 1, end - 1
            yield start, end, rule

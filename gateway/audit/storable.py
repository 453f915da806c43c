"""Values the interaction log can store on every backend, and how they read back.

A record carries what clients send and providers answer, and one value a database refuses
used to poison the log: PostgreSQL refuses NUL in text (« text fields cannot contain NUL
characters »), no driver encodes a lone UTF-16 surrogate, and PostgreSQL refuses a string
longer than its ``VARCHAR(n)`` where SQLite silently keeps 1 MB. One answer holding a NUL
failed the completion's group commit, which was retried every second for ten minutes while
the integrity chain stood still (issue 16).

The rule, the same on both backends, so both store (and the chain hashes) the same bytes:

- a string holding none of those is stored as it is: nearly every value, nothing to decode;
- otherwise it is stored *escaped*: :data:`MARK` (U+FDD0, a Unicode noncharacter, reserved
  for a program's internal use and never meaningful in text), then the text with ``\\``
  doubled, NUL as ``\\0`` and each lone surrogate as ``\\uXXXX``. A string that itself begins
  with the mark is escaped too, so :func:`restore` gives back exactly what was stored;
- a bounded column holds at most its declared length (:data:`LIMITS`, from the model's
  ``String(n)``), enforced here for both backends: a longer value keeps its beginning and
  ends with ``\\…`` followed by the original length and the SHA-256 of the whole, which
  :func:`restore` shows as ``…[N caractères, sha256:…]``. The door refuses such values on
  the fields clients set (model names: 400 characters), so only hostile records are cut.

JSON columns are escaped string by string (keys too): PostgreSQL's ``json`` refuses an
unpaired surrogate escape as well.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy import String, Table

from gateway.audit.models import Interaction

MARK = "\ufdd0"
_CUT = "\\…"
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPES = re.compile(r"\\(?:(\\)|(0)|u([0-9a-f]{4}))")
_TO_ESCAPE = re.compile("[\\\\\x00\ud800-\udfff]")
_UNITS = re.compile(r"\\\\|\\0|\\u[0-9a-f]{4}|[^\\]", re.DOTALL)
_CUT_TAIL = re.compile(r"\\…(\d+)?(?::([0-9a-f]{16}))?$")


def _column_limits(table: Table) -> dict[str, int]:
    return {
        column.name: int(column.type.length) for column in table.columns
        if isinstance(column.type, String) and column.type.length
    }


# The declared length of every bounded column of the interactions table.
LIMITS: dict[str, int] = _column_limits(cast(Table, Interaction.__table__))


def _unsafe(text: str) -> bool:
    if "\x00" in text:
        return True
    if text.isascii():  # the common case, answered in C without a scan
        return False
    return text.startswith(MARK) or _SURROGATE.search(text) is not None


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char == "\\":
        return "\\\\"
    if char == "\x00":
        return "\\0"
    return f"\\u{ord(char):04x}"


def storable(text: str, limit: int | None = None) -> str:
    """``text`` as the log stores it (see the module's docstring)."""
    if _unsafe(text):
        text = MARK + _TO_ESCAPE.sub(_escape_char, text)
    if limit is None or len(text) <= limit:
        return text
    return _cut(text, limit)


def _cut(stored: str, limit: int) -> str:
    original = restore(stored)
    digest = hashlib.sha256(original.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    # The longest tail that fits: columns as short as 16 characters keep at least the mark.
    for tail in (f"{_CUT}{len(original)}:{digest}", f"{_CUT}{len(original)}", _CUT):
        keep = limit - len(MARK) - len(tail)
        if keep >= 0:
            break
    body = stored[len(MARK):] if stored.startswith(MARK) else stored.replace("\\", "\\\\")
    head: list[str] = []
    size = 0
    for unit in _UNITS.finditer(body):  # whole escape sequences only, never half of one
        size += len(unit.group())
        if size > keep:
            break
        head.append(unit.group())
    return MARK + "".join(head) + tail


def _unescape(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\"
    if match.group(2):
        return "\x00"
    return chr(int(match.group(3), 16))


def restore(value: Any) -> Any:
    """A stored value as it was given (a cut value: its beginning and how it was cut)."""
    if isinstance(value, str):
        if not value.startswith(MARK):
            return value
        body = value[len(MARK):]
        suffix = ""
        cut = _CUT_TAIL.search(body)
        # The tail's backslash is its own only after an even run of escaped backslashes.
        if cut is not None and (cut.start() - len(body[: cut.start()].rstrip("\\"))) % 2 == 0:
            body = body[: cut.start()]
            suffix = "…[" + ", ".join(
                part for part in (cut.group(1) and f"{cut.group(1)} caractères",
                                  cut.group(2) and f"sha256:{cut.group(2)}") if part) + "]"
        return _ESCAPES.sub(_unescape, body) + suffix
    if isinstance(value, list):
        return [restore(item) for item in value]
    if isinstance(value, dict):
        return {restore(key): restore(item) for key, item in value.items()}
    return value



def storable_json(value: Any) -> Any:
    """A JSON value with each string (keys too) storable."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [storable_json(item) for item in value]
    if isinstance(value, dict):
        return {storable(str(key)): storable_json(item) for key, item in value.items()}
    return value


def storable_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """A row (or a completion's values) of the interactions table, ready for either backend."""
    out = dict(values)
    for name, value in values.items():
        if isinstance(value, str):
            # Nearly every value: ASCII without NUL, within its column (storable's checks,
            # inline: a call per value was most of this function's cost).
            if value.isascii() and "\x00" not in value:
                limit = LIMITS.get(name)
                if limit is None or len(value) <= limit:
                    continue
            out[name] = storable(value, LIMITS.get(name))
        elif isinstance(value, (dict, list)):
            out[name] = storable_json(value)
    return out

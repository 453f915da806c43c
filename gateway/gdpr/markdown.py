"""Markdown building blocks of the GDPR documents: escaped cells, tables, day counts."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any


def cell(value: Any) -> str:
    """A value as one table cell: no line break, no column separator, no HTML."""
    if value is None or value == "" or value == [] or value == {}:
        return "—"
    if isinstance(value, list | tuple):
        value = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        value = ", ".join(f"{key}={item}" for key, item in value.items())
    text = " ".join(str(value).split())
    for char, escaped in (("\\", "\\\\"), ("|", "\\|"), ("<", "&lt;"), (">", "&gt;")):
        text = text.replace(char, escaped)
    return text


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]], empty: str) -> str:
    lines = [list(map(cell, row)) for row in rows]
    if not lines:
        return f"_{empty}_\n"
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(line) + " |" for line in lines]
    return "\n".join(out) + "\n"


def document(parts: Iterable[str]) -> str:
    """Parts joined into one Markdown document: a blank line around every heading."""
    text = "".join(parts)
    text = re.sub(r"\n*(^#{1,6} [^\n]*)\n*", r"\n\n\1\n\n", text, flags=re.MULTILINE)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def bullets(items: Iterable[str]) -> str:
    return "".join(f"- {item}\n" for item in items)


def days(count: int) -> str:
    """A retention period as people say it: « 6 mois (180 jours) », « 1 an (365 jours) »."""
    if count % 365 == 0:
        years = count // 365
        return f"{years} an{'s' if years > 1 else ''} ({count} jours)"
    if count % 30 == 0 or count in (91, 92, 182, 183):
        return f"{round(count / 30.4)} mois ({count} jours)"
    return f"{count} jours"

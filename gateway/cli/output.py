"""Printing results for people, or as JSON for scripts (``--json``)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

import orjson


def emit(data: Any, as_json: bool, human: str) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(human.rstrip("\n") + "\n")


def table(layout: str, rows: Iterable[Mapping[str, Any]], empty: str) -> str:
    """One line per row, its values placed by ``layout`` (``str.format`` fields named after
    the row's keys, with their column widths); ``empty`` when there is no row."""
    return "\n".join(layout.format_map(row) for row in rows) or empty


def fail(message: str, code: int = 1, *, as_json: bool = False, french: bool = False) -> int:
    """Report a failure and return the exit code: on stderr for people, or as JSON on
    stdout with ``--json`` (a script reads one stream). ``french``: the message comes from
    the gateway's services, whose texts are French; the prefix follows, so a line is in one
    language."""
    if as_json:
        emit({"error": {"message": message, "exit_code": code}}, True, "")
    else:
        prefix = "erreur :" if french else "error:"
        sys.stderr.write(f"{prefix} {message}\n")
    return code

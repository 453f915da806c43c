"""Printing results for people, or as JSON for scripts (``--json``)."""

from __future__ import annotations

import sys
from typing import Any

import orjson


def emit(data: Any, as_json: bool, human: str) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(human.rstrip("\n") + "\n")


def fail(message: str, code: int = 1) -> int:
    sys.stderr.write(f"error: {message}\n")
    return code

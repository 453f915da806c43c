"""``gateway logs export``: the interaction log to stdout, streamed and journaled."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.audit.reading import service
from gateway.audit.reading.dates import instant
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.journal import CommandLine
from gateway.db.engine import build_engine
from gateway.errors import InvalidRequestError
from gateway.settings import Settings


def _option(end: bool) -> Callable[[str], datetime]:
    """An argparse type reading a date by the log's one rule (gateway.audit.reading.dates)."""

    def parse(value: str) -> datetime:
        try:
            parsed = instant(value, param="until" if end else "since", end=end)
        except InvalidRequestError as exc:
            raise argparse.ArgumentTypeError(exc.message) from exc
        if parsed is None:
            raise argparse.ArgumentTypeError("empty date")
        return parsed

    return parse


# --since and --until of every command: a date alone as --until includes that day.
since_instant = _option(end=False)
until_instant = _option(end=True)


def configure(logs: argparse.ArgumentParser) -> None:
    sub = logs.add_subparsers(dest="logs_command", required=True)
    export = sub.add_parser("export", help="export records to stdout (journaled)")
    export.add_argument("--since", type=since_instant, help="ISO 8601 date or instant, inclusive")
    export.add_argument("--until", type=until_instant,
                        help="ISO 8601, exclusive (a date alone: that whole day included)")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    filters = InteractionFilter(since=args.since, until=args.until)
    try:
        # The read is journaled, and committed, before the first record is written out.
        with Session(engine) as session, session.begin():
            body = service.export(engine, session, CommandLine.current(), filters,
                                  args.format, endpoint="cli logs export")
        out = sys.stdout.buffer
        for chunk in body:
            out.write(chunk)
        out.flush()
    finally:
        engine.dispose()
    return 0

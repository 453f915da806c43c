"""``gateway logs export``: the interaction log to stdout, streamed."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from gateway.audit.export import csv_lines, iter_records, jsonl_lines
from gateway.db.engine import build_engine
from gateway.settings import Settings


def iso_instant(value: str) -> datetime:
    """An ISO 8601 date or time for ``--since``/``--until`` (UTC when no offset)."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {value!r}") from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def configure(logs: argparse.ArgumentParser) -> None:
    sub = logs.add_subparsers(dest="logs_command", required=True)
    export = sub.add_parser("export", help="export records to stdout")
    export.add_argument("--since", type=iso_instant, help="ISO 8601, inclusive")
    export.add_argument("--until", type=iso_instant, help="ISO 8601, exclusive")
    export.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    try:
        records = iter_records(engine, args.since, args.until)
        if args.format == "csv":
            for text in csv_lines(records):
                sys.stdout.write(text)
        else:
            out = sys.stdout.buffer
            for line in jsonl_lines(records):
                out.write(line)
        sys.stdout.flush()
    finally:
        engine.dispose()
    return 0

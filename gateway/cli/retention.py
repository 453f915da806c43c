"""``gateway retention purge``: apply the retention settings to the audit trail."""

from __future__ import annotations

import argparse

from gateway.audit.retention import purge
from gateway.cli.output import emit
from gateway.db.engine import build_engine
from gateway.settings import Settings


def configure(retention: argparse.ArgumentParser) -> None:
    sub = retention.add_subparsers(dest="retention_command", required=True)
    run = sub.add_parser("purge", help="erase expired content, delete expired records")
    run.add_argument("--json", action="store_true")
    run.set_defaults(handler=cmd_purge)


def cmd_purge(args: argparse.Namespace) -> int:
    settings = Settings()
    engine = build_engine(settings)
    try:
        result = purge(engine, settings.retention_content_days, settings.retention_metadata_days)
    finally:
        engine.dispose()
    data = {
        "content_cutoff": result.content_cutoff.isoformat(),
        "metadata_cutoff": result.metadata_cutoff.isoformat(),
        "contents_erased": result.contents_erased,
        "deleted": result.deleted,
        "anchors": result.anchors,
    }
    emit(data, args.json, (
        f"Content erased from {result.contents_erased} record(s) created before "
        f"{result.content_cutoff:%Y-%m-%d}; deleted {result.deleted.get('interactions', 0)} "
        f"record(s) and {result.deleted.get('events', 0)} event(s) created before "
        f"{result.metadata_cutoff:%Y-%m-%d}."
    ))
    return 0

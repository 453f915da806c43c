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
        result = purge(engine, settings.retention_content_days, settings.retention_metadata_days,
                       raw_content_days=settings.retention_raw_content_days,
                       access_log_days=settings.retention_access_log_days)
    finally:
        engine.dispose()
    data = {
        "content_cutoff": result.content_cutoff.isoformat(),
        "metadata_cutoff": result.metadata_cutoff.isoformat(),
        "contents_erased": result.contents_erased,
        "raw_content_cutoff": result.raw_content_cutoff.isoformat(),
        "raw_contents_erased": result.raw_contents_erased,
        "access_log_cutoff": result.access_log_cutoff.isoformat(),
        "deleted": result.deleted,
        "anchors": result.anchors,
    }
    emit(data, args.json, (
        f"Sealed raw content erased from {result.raw_contents_erased} record(s) created before "
        f"{result.raw_content_cutoff:%Y-%m-%d}; content erased from {result.contents_erased} "
        f"record(s) created before {result.content_cutoff:%Y-%m-%d}; deleted "
        f"{result.deleted.get('interactions', 0)} record(s), "
        f"{result.deleted.get('events', 0)} event(s) and "
        f"{result.deleted.get('review_decisions', 0)} review decision(s) created before "
        f"{result.metadata_cutoff:%Y-%m-%d}, {result.deleted.get('access_log', 0)} "
        f"access-journal entr(ies) before {result.access_log_cutoff:%Y-%m-%d}."
    ))
    return 0

"""``gateway audit verify``: prove the interaction log is complete and untouched."""

from __future__ import annotations

import argparse

from gateway.audit.verify import Report, verify
from gateway.cli.logs import since_instant, until_instant
from gateway.cli.output import emit
from gateway.db.engine import build_engine
from gateway.settings import Settings


def configure(audit: argparse.ArgumentParser) -> None:
    sub = audit.add_subparsers(dest="audit_command", required=True)
    check = sub.add_parser("verify", help="check the hash chains; exit 1 at the first break")
    check.add_argument("--since", type=since_instant, help="ISO 8601, inclusive (records created)")
    check.add_argument("--until", type=until_instant, help="ISO 8601, exclusive")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_verify)


def _human(report: Report) -> str:
    lines = []
    for chain in report.chains:
        span = (f"seq {chain.first_seq}..{chain.last_seq}" if chain.checked else "no link")
        line = f"{chain.chain}: {chain.checked} checked ({span}), head seq {chain.head_seq}"
        if chain.anchor_seq:
            line += f", purged up to seq {chain.anchor_seq}"
        if chain.unchained:
            line += f", {chain.unchained} finished record(s) not yet chained"
        lines.append(line)
    if report.broken is not None:
        lines.append(f"BROKEN ({report.broken.reason}): {report.broken.message}")
    else:
        lines.append(f"Intact ({report.seconds:.2f} s).")
    return "\n".join(lines)


def cmd_verify(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    try:
        report = verify(engine, args.since, args.until)
    finally:
        engine.dispose()
    emit(report.as_dict(), args.json, _human(report))
    return 0 if report.intact else 1

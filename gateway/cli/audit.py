"""``gateway audit verify``: prove the interaction log is complete and untouched."""

from __future__ import annotations

import argparse
from pathlib import Path

from gateway.audit import anchors
from gateway.audit.seal import Sealer
from gateway.audit.verify import Report, verify
from gateway.cli.logs import since_instant, until_instant
from gateway.cli.output import emit, fail
from gateway.db.engine import build_engine
from gateway.settings import Settings, resolve_secret_key


def configure(audit: argparse.ArgumentParser) -> None:
    sub = audit.add_subparsers(dest="audit_command", required=True)
    check = sub.add_parser("verify", help="check the hash chains; exit 1 at the first break")
    check.add_argument("--since", type=since_instant, help="ISO 8601, inclusive (records created)")
    check.add_argument("--until", type=until_instant, help="ISO 8601, exclusive")
    check.add_argument("--anchors", type=Path, help="a file of anchors to check (default: "
                       "GATEWAY_AUDIT_ANCHOR_FILE); collected syslog or webhook copies too")
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_verify)
    anchor = sub.add_parser("anchor", help="sign the chain heads and send them to the "
                            "configured anchor file, syslog and webhook now")
    anchor.add_argument("--json", action="store_true")
    anchor.set_defaults(handler=cmd_anchor)


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
    if report.anchors:
        lines.append(f"anchors: {report.anchors} checked")
    if report.seals is not None:
        lines.append(f"seals: {report.seals} record(s) checked against the server secret")
    if report.broken is not None:
        lines.append(f"BROKEN ({report.broken.reason}): {report.broken.message}")
    else:
        lines.append(f"Intact ({report.seconds:.2f} s).")
    return "\n".join(lines)


def cmd_verify(args: argparse.Namespace) -> int:
    settings = Settings()
    if args.anchors is not None and not args.anchors.is_file():
        return fail(f"no anchor file {args.anchors}", 2, as_json=args.json)
    # A range is checked from its own first link: anchors speak of the whole log's end.
    checked = anchors.for_verify(settings, args.anchors) if args.since is None else None
    engine = build_engine(settings)
    try:
        report = verify(engine, args.since, args.until, anchors=checked,
                        sealer=Sealer(resolve_secret_key(settings)))
    finally:
        engine.dispose()
    emit(report.as_dict(), args.json, _human(report))
    return 0 if report.intact else 1


def cmd_anchor(args: argparse.Namespace) -> int:
    settings = Settings()
    config = anchors.config_from(settings)
    if not config.enabled:
        return fail("no anchor destination: set GATEWAY_AUDIT_ANCHOR_FILE, "
                    "GATEWAY_AUDIT_ANCHOR_SYSLOG or GATEWAY_AUDIT_ANCHOR_WEBHOOK", 2,
                    as_json=args.json)
    engine = build_engine(settings)
    try:
        body = anchors.take(engine, config)
    finally:
        engine.dispose()
    chains = ", ".join(f"{name} seq {link['seq']}" for name, link in body["chains"].items())
    emit(body, args.json, f"Anchored: {chains}.")
    return 0

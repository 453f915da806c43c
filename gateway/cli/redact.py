"""``gateway redact [TEXT]``: what a provider would see, to try detection before deploying."""

from __future__ import annotations

import argparse
import sys

from gateway.cli.output import emit, table
from gateway.redaction import Pseudonymizer, RedactionService


def configure(redact: argparse.ArgumentParser) -> None:
    redact.add_argument("text", nargs="?", help="the text (default: standard input)")
    redact.add_argument("--json", action="store_true")
    redact.set_defaults(handler=cmd_redact)


def cmd_redact(args: argparse.Namespace) -> int:
    text = args.text if args.text is not None else sys.stdin.read()
    service = RedactionService()
    try:
        [findings] = service.analyze_batch([text])
        # As for an external model under the bundled policies: every value pseudonymized.
        pseudo = Pseudonymizer(service.config)
        result = pseudo.redact_many([text], [findings])
    finally:
        service.close()
    found = [
        {"type": f.entity_type, "start": f.start, "end": f.end, "score": round(f.score, 2),
         "value": text[f.start:f.end], "placeholder": None}
        for f in result.findings[0]
    ]
    placeholders = {value: key for key, value in pseudo.mapping.items()}
    for item in found:
        item["placeholder"] = placeholders.get(str(item["value"]))
    listing = table(
        "  {type:<14} {value!s:<40} -> {shown}  (score {score})",
        ({**item, "shown": item["placeholder"] or "masqué"} for item in found),
        empty="  Aucune donnée personnelle détectée.",
    )
    emit({"text": result.texts[0], "findings": found, "summary": result.summary},
         args.json, f"{result.texts[0]}\n\n{listing}")
    return 0

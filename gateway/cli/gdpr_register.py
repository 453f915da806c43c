"""``gateway gdpr register``: the register entry, the DPIA starter and the staff notice."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

# The documents' names (gateway.gdpr.register.TITLES), here so --help imports nothing.
DOCUMENTS = ("register", "dpia", "notice", "all")


def configure_register(register: argparse.ArgumentParser) -> None:
    register.add_argument("--document", choices=DOCUMENTS, default="all",
                          help="which document (default: all three)")
    register.add_argument("--format", choices=("md", "pdf"), default="md")
    register.add_argument("--output", "-o", type=Path,
                          help="write to this file (PDF: required unless stdout is a pipe)")
    register.set_defaults(handler=cmd_register)


def cmd_register(args: argparse.Namespace) -> int:
    from gateway.cli.output import fail
    from gateway.gdpr import facts, register
    from gateway.settings import Settings

    text = register.render(args.document, facts.configured(Settings()))
    if args.format == "md":
        body = text.encode()
    else:
        if args.output is None and sys.stdout.isatty():
            return fail("a PDF is not for a terminal: give --output FILE or redirect stdout")
        from gateway.gdpr import pdf

        body = pdf.render(text, register.TITLES[args.document])
    if args.output is not None:
        args.output.write_bytes(body)
    else:
        sys.stdout.buffer.write(body)
    return 0

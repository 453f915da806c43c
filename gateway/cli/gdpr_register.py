"""``gateway gdpr register``: the register entry, the DPIA starter and the staff notice."""

from __future__ import annotations

import argparse
import sys


def configure_register(register: argparse.ArgumentParser) -> None:
    register.add_argument("--document", choices=("register", "dpia", "notice", "all"),
                          default="all", help="which document (default: all three)")
    register.add_argument("--format", choices=("md",), default="md")
    register.set_defaults(handler=cmd_register)


def cmd_register(args: argparse.Namespace) -> int:
    from gateway.gdpr import facts, register
    from gateway.settings import Settings

    sys.stdout.write(register.render(args.document, facts.configured(Settings())))
    return 0

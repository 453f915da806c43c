"""``gateway gdpr …``: a person's rights over the audit trail (GDPR arts. 15 and 17).

Each subcommand lives in a module of its own, listed in :data:`SUBCOMMANDS` with the name of
its ``configure_<command>(parser)`` function. Those modules import their heavy parts inside
their handlers, so configuring them all costs nothing.
"""

from __future__ import annotations

import argparse
import importlib

# subcommand -> (module, help line); the module exposes ``configure_<subcommand>(parser)``.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "export": ("gateway.cli.gdpr_export",
               "everything kept about one person, to stdout (journaled)"),
    "register": ("gateway.cli.gdpr_register",
                 "the register entry (art. 30), a DPIA starter and the staff notice"),
    "erase": ("gateway.cli.gdpr_erase",
              "erase a person (asked by one admin, confirmed by another); the chain verifies"),
    "hold": ("gateway.cli.gdpr_erase", "set or lift a legal hold on a person (no erasure)"),
}


def configure(gdpr: argparse.ArgumentParser) -> None:
    sub = gdpr.add_subparsers(dest="gdpr_command", required=True, metavar="SUBCOMMAND")
    for name, (module, help_line) in SUBCOMMANDS.items():
        parser = sub.add_parser(name, help=help_line, description=help_line)
        getattr(importlib.import_module(module), f"configure_{name}")(parser)

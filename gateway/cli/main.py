"""Entry point of the ``gateway`` command.

Each command lives in a module of its own, imported only when that command runs: the
redaction engine (spaCy, several seconds to import) and the web stack are paid for by
``serve`` and ``redact`` alone, so ``gateway --help`` or ``gateway keys list`` answer at
once. ``COMMANDS`` is the one list of commands, with the help line ``--help`` shows.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

from gateway import __version__
from gateway.errors import ConfigError

# name -> (module configuring its parser, help line)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("gateway.cli.serve", "run the gateway"),
    "keys": ("gateway.cli.keys", "issue, list and revoke gateway keys"),
    "logs": ("gateway.cli.logs", "read the interaction log"),
    "db": ("gateway.cli.db", "database schema"),
    "policy": ("gateway.cli.policy", "validate and test usage policies"),
    "audit": ("gateway.cli.audit", "integrity of the audit trail"),
    "retention": ("gateway.cli.retention", "data retention of the audit trail"),
    "review": ("gateway.cli.review", "the queue of held and blocked requests"),
    "redact": ("gateway.cli.redact", "show a text as a provider would see it, and what was found"),
    "gdpr": ("gateway.cli.gdpr", "a person's rights: export what is kept, erase it"),
}

# Libraries that narrate their start-up at INFO (presidio lists every recognizer it loads).
# presidio lists every recognizer it loads; alembic (1.17+) announces each plugin it sets up
# when imported, before ``gateway serve`` has put its own (JSON) log format in place.
QUIET_LOGGERS = ("presidio-analyzer", "alembic.runtime.plugins")


def _command_of(argv: Sequence[str]) -> str | None:
    """The command named on the line, if any (the first word that is not an option)."""
    for word in argv:
        if not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser, with the full options of the command named in ``argv`` only."""
    parser = argparse.ArgumentParser(
        prog="gateway", description="Central AI gateway: one endpoint for the company's AI tools."
    )
    parser.add_argument("--version", action="version", version=f"gateway {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _command_of(argv)
    for name, (module, help_line) in COMMANDS.items():
        command = commands.add_parser(name, help=help_line, description=help_line)
        if name == chosen:
            importlib.import_module(module).configure(command)
    return parser


def _quiet_broken_pipe() -> int:
    """``gateway logs export | head``: the reader left; end like any Unix filter would."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141  # 128 + SIGPIPE, what a shell reports for a filter cut short


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(words).parse_args(words)
    try:
        code: int = args.handler(args)
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except ConfigError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        trouble = database_trouble(exc)
        if trouble is None:
            raise
        sys.stderr.write(trouble + "\n")
        return 2
    return code


def database_trouble(exc: BaseException) -> str | None:
    """What IT should read when a command cannot use the database, instead of a traceback
    (``gateway logs export`` before the first ``gateway serve``, a PostgreSQL that is down);
    None for any other error. The URL's password is never printed."""
    from sqlalchemy import exc as db

    if not isinstance(exc, db.DBAPIError):
        return None
    detail = str(exc.orig).strip().splitlines()[0] if exc.orig is not None else ""
    if isinstance(exc, db.ProgrammingError | db.OperationalError) and (
            "no such table" in detail or "does not exist" in detail):
        return ("database error: the gateway's tables are missing from this database "
                f"({detail}). Create them with `gateway db upgrade` (`gateway serve` also "
                "does it at start), or check GATEWAY_DATABASE_URL.")
    return (f"database error: {type(exc.orig).__name__ if exc.orig is not None else 'error'}: "
            f"{detail}. Check that the database is running and GATEWAY_DATABASE_URL.")


if __name__ == "__main__":
    sys.exit(main())

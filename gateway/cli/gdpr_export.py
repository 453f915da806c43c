"""``gateway gdpr export``: everything kept about one person (the right of access)."""

from __future__ import annotations

import argparse
import sys


def configure_export(export: argparse.ArgumentParser) -> None:
    export.add_argument("--user", required=True, metavar="EMAIL")
    export.add_argument("--reason", help="why (e.g. the request's date and reference)")
    export.add_argument("--format", choices=("json", "md"), default="json",
                        help="json (everything, field by field) or md (to read)")
    export.set_defaults(handler=cmd_export)


def cmd_export(args: argparse.Namespace) -> int:
    import orjson
    from sqlalchemy.orm import Session

    from gateway.audit.reading.journal import CommandLine
    from gateway.cli.output import fail
    from gateway.db.engine import build_engine
    from gateway.errors import InvalidRequestError
    from gateway.gdpr import facts, subject, subject_text
    from gateway.settings import Settings

    settings = Settings()
    known = facts.configured(settings)
    engine = build_engine(settings)
    try:
        # The export is journaled, and committed, before anything is printed.
        with Session(engine) as session, session.begin():
            document = subject.export_person(
                session, CommandLine.current(), args.user, known,
                endpoint="cli gdpr export", reason=args.reason)
    except InvalidRequestError as exc:
        return fail(exc.message, 2, french=True)
    finally:
        engine.dispose()
    if args.format == "md":
        sys.stdout.write(subject_text.render(document))
    else:
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    return 0

"""``gateway db upgrade``."""

from __future__ import annotations

import argparse

from gateway.cli.output import emit
from gateway.db import migrate
from gateway.settings import Settings


def configure(db: argparse.ArgumentParser) -> None:
    sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = sub.add_parser("upgrade", help="apply migrations (Alembic)")
    upgrade.add_argument("--revision", default="head")
    upgrade.add_argument("--json", action="store_true")
    upgrade.set_defaults(handler=cmd_upgrade)


def cmd_upgrade(args: argparse.Namespace) -> int:
    settings = Settings()
    migrate.upgrade(settings.sqlalchemy_url, args.revision)
    emit({"upgraded_to": args.revision}, args.json, f"Database upgraded to {args.revision}.")
    return 0

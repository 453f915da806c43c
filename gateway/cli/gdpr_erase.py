"""``gateway gdpr erase`` and ``gateway gdpr hold``: the right to erasure, with four eyes.

``erase --user EMAIL --reason TEXT --by ADMIN`` records the request; a second admin carries
it out with ``erase --confirm ID --by OTHER_ADMIN`` (gateway/gdpr/erasure.py says what is
erased and how the files are scrubbed). ``hold --user EMAIL [--release]`` sets or lifts a
legal hold, under which erasure is refused.
"""

from __future__ import annotations

import argparse
from typing import Any


def configure_erase(erase: argparse.ArgumentParser) -> None:
    erase.add_argument("--user", metavar="EMAIL", help="the person to erase (a new request)")
    erase.add_argument("--reason", help="why (legal basis, request reference); no e-mail")
    erase.add_argument("--confirm", metavar="ID", help="carry out a pending request")
    erase.add_argument("--by", required=True, metavar="EMAIL",
                       help="the admin asking or confirming (two different people)")
    erase.add_argument("--vacuum", choices=("plain", "full"), default="plain",
                       help="PostgreSQL: VACUUM FULL rewrites the tables (exclusive lock) so "
                            "no old row version stays in their files")
    erase.add_argument("--json", action="store_true")
    erase.set_defaults(handler=cmd_erase)


def configure_hold(hold: argparse.ArgumentParser) -> None:
    hold.add_argument("--user", required=True, metavar="EMAIL")
    hold.add_argument("--release", action="store_true", help="lift the hold")
    hold.add_argument("--by", required=True, metavar="EMAIL")
    hold.add_argument("--json", action="store_true")
    hold.set_defaults(handler=cmd_hold)


def cmd_erase(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from gateway.cli.output import emit, fail
    from gateway.db.engine import build_engine
    from gateway.errors import GatewayError
    from gateway.gdpr import erasure
    from gateway.settings import Settings

    if bool(args.confirm) == bool(args.user):
        return fail("give either --user and --reason (a request) or --confirm ID", 2,
                    as_json=args.json)
    settings = Settings()
    engine = build_engine(settings)
    admin = erasure.Admin(user=args.by)
    try:
        with Session(engine) as session, session.begin():
            if args.user:
                row = erasure.request(session, args.user, args.reason or "", admin,
                                      legal_hold=settings.legal_hold)
            else:
                row = erasure.confirm(session, args.confirm, admin,
                                      legal_hold=settings.legal_hold)
            data: dict[str, Any] = {"id": row.id, "status": row.status, "reason": row.reason,
                    "requested_by": row.requested_by, "confirmed_by": row.confirmed_by,
                    "result": row.result}
        if args.confirm:
            data["files"] = erasure.scrub_files(engine, vacuum=args.vacuum)
    except GatewayError as exc:
        return fail(exc.message, 2 if exc.status_code == 400 else 1, as_json=args.json,
                    french=True)
    finally:
        engine.dispose()
    human = (f"Demande {data['id']} enregistrée : un autre administrateur la confirme avec "
             f"`gateway gdpr erase --confirm {data['id']} --by EMAIL`."
             if data["status"] == "pending" else
             f"Effacement {data['id']} effectué : {data['result'].get('records', 0)} "
             "enregistrement(s) anonymisé(s) ; `gateway audit verify` les compte comme effacés.")
    emit(data, args.json, human)
    return 0


def cmd_hold(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from gateway.cli.output import emit, fail
    from gateway.db.engine import build_engine
    from gateway.errors import GatewayError
    from gateway.gdpr import erasure
    from gateway.settings import Settings

    engine = build_engine(Settings())
    try:
        with Session(engine) as session, session.begin():
            person = erasure.set_hold(session, args.user, not args.release,
                                      erasure.Admin(user=args.by))
            data = {"person": person.id, "legal_hold": person.legal_hold}
    except GatewayError as exc:
        return fail(exc.message, 1, as_json=args.json, french=True)
    finally:
        engine.dispose()
    emit(data, args.json, f"Legal hold {'posé' if data['legal_hold'] else 'levé'}.")
    return 0

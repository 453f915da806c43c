"""``gateway keys create|list|revoke``."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from gateway.auth.keys import create_key, list_keys, revoke_key
from gateway.auth.models import ROLES, ApiKey
from gateway.cli.output import emit, fail, table
from gateway.db.engine import build_engine
from gateway.settings import Settings, resolve_secret_key


def configure(keys: argparse.ArgumentParser) -> None:
    sub = keys.add_subparsers(dest="keys_command", required=True)
    create = sub.add_parser("create", help="issue a key (the secret is printed once)")
    create.add_argument("--user", required=True, help="the employee's e-mail")
    create.add_argument("--department", required=True)
    create.add_argument("--role", choices=ROLES, default="employee")
    create.add_argument("--tool", help="bind the key to one client tool")
    create.add_argument("--tag", action="append", default=[], help="a tag (repeatable)")
    create.add_argument("--json", action="store_true")
    create.set_defaults(handler=cmd_create)
    listing = sub.add_parser("list", help="list keys (never their secrets)")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    revoke = sub.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")
    revoke.add_argument("--json", action="store_true")
    revoke.set_defaults(handler=cmd_revoke)


def describe(row: ApiKey) -> dict[str, Any]:
    return {
        "id": row.id,
        "prefix": row.prefix,
        "user": row.user_email,
        "department": row.department,
        "role": row.role,
        "tool": row.tool,
        "tags": list(row.tags or []),
        "created_at": row.created_at.isoformat() if row.created_at else None,
        "last_used_at": row.last_used_at.isoformat() if row.last_used_at else None,
        "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
        "person_id": row.person_id,
        "kind": row.kind,
        "name": row.name,
        "expires_at": row.expires_at.isoformat() if row.expires_at else None,
        "revoked_reason": row.revoked_reason,
    }


def cmd_create(args: argparse.Namespace) -> int:
    settings = Settings()
    secret = resolve_secret_key(settings)
    engine = build_engine(settings)
    try:
        with Session(engine) as session, session.begin():
            row, token = create_key(
                session, secret, user=args.user, department=args.department,
                role=args.role, tool=args.tool, tags=args.tag,
            )
            data = {**describe(row), "key": token}
    except ValueError as exc:
        return fail(str(exc), 2, as_json=args.json)
    finally:
        engine.dispose()
    emit(data, args.json, (
        f"Key {data['id']} for {data['user']} ({data['department']}, {data['role']}):\n"
        f"  {token}\n"
        "Shown once: hand it to its owner now, it cannot be displayed again."
    ))
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    try:
        with Session(engine) as session:
            rows = [describe(row) for row in list_keys(session)]
    finally:
        engine.dispose()
    human = table(
        "{id}  {prefix}…  {user:<30} {department:<12} {role:<9} {status}",
        ({**r, "status": "revoked" if r["revoked_at"] else "active"} for r in rows),
        empty="No keys.",
    )
    emit(rows, args.json, human)
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    try:
        with Session(engine) as session, session.begin():
            row = revoke_key(session, args.key_id)
            data = describe(row) if row else None
    finally:
        engine.dispose()
    if data is None:
        return fail(f"no key with id {args.key_id}", as_json=args.json)
    emit(data, args.json, f"Key {data['id']} revoked.")
    return 0

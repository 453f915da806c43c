"""``gateway review list|approve|reject``: the review queue, for scripts and for IT."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy.orm import Session

from gateway.audit.reading import service as reading
from gateway.audit.reading.filters import InteractionFilter
from gateway.audit.reading.journal import CommandLine
from gateway.audit.reading.records import summary
from gateway.cli.output import emit, fail, table
from gateway.db.base import utcnow
from gateway.db.engine import build_engine
from gateway.errors import GatewayError
from gateway.review import service
from gateway.review.models import APPROVED, REJECTED
from gateway.settings import Settings

_LIST_LIMIT = 500


def configure(review: argparse.ArgumentParser) -> None:
    sub = review.add_subparsers(dest="review_command", required=True)
    listing = sub.add_parser("list", help="list queued requests, newest first")
    listing.add_argument("--status", choices=tuple(service.QUEUE_DECISIONS), default="held")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(handler=cmd_list)
    for name, action, help_text in (
        ("approve", APPROVED, "approve a held request (its author may send it once more)"),
        ("reject", REJECTED, "reject a held request (final) or confirm a blocked one"),
    ):
        command = sub.add_parser(name, help=help_text)
        command.add_argument("interaction_id")
        command.add_argument("--comment", required=True, help="why (mandatory)")
        command.add_argument("--by", default="cli", help="the reviewer's e-mail")
        command.add_argument("--json", action="store_true")
        command.set_defaults(handler=cmd_decide, action=action)


def _item(row: Any) -> dict[str, Any]:
    item = summary(row)
    return {
        name: item[name]
        for name in ("id", "created_at", "user", "department", "model", "decision",
                     "rule_ids", "pii_findings")
    } | {"rule_ids": list(item["rule_ids"] or []),
         "pii_findings": dict(item["pii_findings"] or {})}


def cmd_list(args: argparse.Namespace) -> int:
    engine = build_engine(Settings())
    try:
        with Session(engine) as session, session.begin():
            filters = InteractionFilter(decisions=service.QUEUE_DECISIONS[args.status])
            # Journaled like the admin API's queue: a list of others' records.
            items, _ = reading.search(session, CommandLine.current(), filters,
                                      endpoint="cli review list", limit=_LIST_LIMIT,
                                      serialise=_item)
            for item in items:
                item["review"] = service.describe_decision(
                    service.decision_for(session, item["id"]))
    finally:
        engine.dispose()
    human = table(
        "{id}  {created_at}  {decision:<8} {user:<30} {rules}",
        ({**i, "rules": ",".join(i["rule_ids"]) or "-"} for i in items),
        empty="Nothing to review.",
    )
    emit(items, args.json, human)
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    settings = Settings()
    engine = build_engine(settings)
    try:
        with Session(engine) as session, session.begin():
            decision = service.decide(
                session, args.interaction_id, args.action,
                reviewer=service.Reviewer(user=args.by), comment=args.comment,
                now=utcnow(), approval_ttl_s=settings.approval_ttl_seconds,
            )
            data = {"id": args.interaction_id, "review": service.describe_decision(decision)}
    except GatewayError as exc:
        return fail(exc.message, 2 if exc.status_code == 400 else 1, as_json=args.json,
                    french=True)
    finally:
        engine.dispose()
    emit(data, args.json, f"Interaction {args.interaction_id}: {args.action} by {args.by}.")
    return 0

"""The active policy set: its version, each rule in words, limits, shadow-mode hits, and how
long the log keeps each kind of data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.console.deps import PoliciesViewer
from gateway.console.views import describe_action, describe_match, shadow_hits
from gateway.console.web import page
from gateway.gdpr import facts

router = APIRouter()


@router.get("/policies")
def policies(request: Request, viewer: PoliciesViewer, db: DbSession, state: State) -> Response:
    t = viewer.t
    policy_set = state.policy_set
    rules = [
        {
            "id": rule.id, "description": rule.source.description, "file": rule.file,
            "line": rule.line, "priority": rule.priority, "shadow": rule.shadow,
            "when": describe_match(rule.source.match, t),
            "unless": describe_match(rule.source.unless, t) if rule.source.unless else [],
            "then": describe_action(rule, t), "message": rule.message,
        }
        for rule in policy_set.rules
    ]
    hits = shadow_hits(db, [rule.id for rule in policy_set.rules if rule.shadow])
    return page(request, "policies.html", t, viewer=viewer, policy_set=policy_set,
                rules=rules, hits=hits, limits=policy_set.limits,
                defaults=policy_set.defaults, tools=policy_set.authorized_tools,
                retention=facts.retention(state.settings), lang_at=0 if t.lang == "fr" else 1)

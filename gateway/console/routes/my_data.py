"""« Mes données », inside « Mon activité »: what is kept about the signed-in person and
until when, the rules and limits that apply to them, where their requests go, who read
their records and why; their own export. And, on the people page, the GDPR export of one
person for auditors and admins (journaled, with its reason)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse, Response

from gateway.admin.deps import DbSession
from gateway.api.deps import State
from gateway.audit.reading.records import endpoint_of
from gateway.console.deps import ConsoleDenied, CurrentViewer, PeopleViewer
from gateway.console.views import describe_action, describe_match
from gateway.console.web import page
from gateway.gdpr import facts, subject, transparency
from gateway.identity.models import Person
from gateway.state import GatewayState

router = APIRouter()


def _facts(state: GatewayState) -> facts.Facts:
    return facts.gather(state.settings, state.catalogue, state.policy_set)


def _download(document: dict[str, object]) -> JSONResponse:
    name = "".join(c if c.isalnum() else "_" for c in str(document["subject"]))[:80]
    return JSONResponse(document, headers={
        "Content-Disposition": f"attachment; filename=mes-donnees-{name}.json",
        "Cache-Control": "no-store"})


@router.get("/me/data")
def my_data(request: Request, viewer: CurrentViewer, db: DbSession, state: State) -> Response:
    me, t = viewer.principal, viewer.t
    known = _facts(state)
    found = transparency.summary(db, me.user, me.department, me.role, known, state.policy_set)
    rules = [{"id": rule.id, "description": rule.source.description,
              "when": describe_match(rule.source.match, t),
              "unless": describe_match(rule.source.unless, t) if rule.source.unless else [],
              "then": describe_action(rule, t)} for rule in found.rules]
    return page(request, "me_data.html", t, viewer=viewer, summary=found, facts=known,
                rules=rules, lang_at=0 if t.lang == "fr" else 1,
                hosting_names=facts.HOSTING_NAMES)


@router.get("/me/data/export")
def my_export(viewer: CurrentViewer, db: DbSession, state: State) -> Response:
    """The person's own export: the right of access, so not journaled as someone's read."""
    document = subject.export_person(db, viewer.principal, viewer.principal.user,
                                     _facts(state), endpoint="console me export",
                                     journaled=False)
    return _download(document)


@router.get("/people/{person_id}/export")
def person_export(request: Request, person_id: str, viewer: PeopleViewer, db: DbSession,
                  state: State, reason: str = "") -> Response:
    person = db.get(Person, person_id)
    if person is None:
        raise ConsoleDenied(404, "error.not_found")
    document = subject.export_person(db, viewer.principal, person.email, _facts(state),
                                     endpoint=endpoint_of(request),
                                     reason=reason.strip()[:500] or None)
    return _download(document)

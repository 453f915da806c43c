"""``/admin/api/gdpr``: a person's data for their access request, the register of the
processing (auditors and admins), and erasure with legal holds (admins, four eyes).

The export is a read of someone's records: journaled with its reason, like every read of
the admin API, before the answer leaves.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import JSONResponse, Response

from gateway.admin.deps import Admin as AdminRole
from gateway.admin.deps import Auditor, DbSession
from gateway.api.deps import State
from gateway.audit.reading.records import endpoint_of
from gateway.gdpr import erasure, facts, register, subject, subject_text
from gateway.principal import Principal

router = APIRouter(prefix="/gdpr", tags=["admin: gdpr"])
Reason = Annotated[str | None, Query(max_length=500,
                                     description="why: the request's date and reference")]


@router.get("/export", response_model=None)
def export_person(
    request: Request, principal: Auditor, session: DbSession, state: State,
    user: Annotated[str | None, Query(max_length=400, description="the person's e-mail")] = None,
    reason: Reason = None,
    format: Annotated[Literal["json", "md"], Query()] = "json",
) -> dict[str, Any] | Response:
    """Everything kept about ``user``: records, reviews, keys, person, events, who read
    their records; with purposes, recipients, retention and the chain heads to check it."""
    known = facts.gather(state.settings, state.catalogue, state.policy_set)
    document = subject.export_person(session, principal, subject.subject_email(user), known,
                                     endpoint=endpoint_of(request), reason=reason)
    name = "export-" + "".join(c if c.isalnum() else "_" for c in document["subject"])[:80]
    if format == "md":
        return Response(subject_text.render(document), media_type="text/markdown; charset=utf-8",
                        headers={"Content-Disposition": f"attachment; filename={name}.md"})
    return JSONResponse(document,
                        headers={"Content-Disposition": f"attachment; filename={name}.json"})


@router.get("/register", response_model=None)
def processing_register(
    principal: Auditor, state: State,
    document: Annotated[Literal["register", "dpia", "notice", "all"], Query()] = "all",
    format: Annotated[Literal["md", "pdf", "json"], Query()] = "md",
) -> dict[str, Any] | Response:
    """The register entry (art. 30), the DPIA starter or the staff notice, in Markdown or
    PDF, from the configuration running now; ``format=json``: the facts they are written
    from."""
    known = facts.gather(state.settings, state.catalogue, state.policy_set)
    if format == "json":
        return known.as_json()
    text = register.render(document, known)
    if format == "pdf":
        # fpdf2 (and fontTools with it) is imported here, on the first PDF: 0.4 s that
        # every start of the gateway paid.
        from gateway.gdpr import pdf

        return Response(pdf.render(text, register.TITLES[document]), media_type="application/pdf",
                        headers={"Content-Disposition": f"inline; filename={document}.pdf"})
    return Response(text, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f"inline; filename={document}.md"})


class ErasureIn(BaseModel):
    """An erasure request: whose data, and why (kept after the erasure: no e-mail in it)."""

    user: str = Field(min_length=3, max_length=400)
    reason: str = Field(min_length=1, max_length=500)


class ConfirmIn(BaseModel):
    # "full": PostgreSQL rewrites each touched table (locks it meanwhile), so no old row
    # version stays in the files; "plain" marks them reusable. SQLite always rewrites.
    vacuum: Literal["plain", "full"] = "plain"


class HoldIn(BaseModel):
    user: str = Field(min_length=3, max_length=400)
    on: bool = True


def _erasure_out(row: Any) -> dict[str, Any]:
    return {"id": row.id, "status": row.status, "reason": row.reason,
            "requested_by": row.requested_by, "confirmed_by": row.confirmed_by,
            "result": row.result}


@router.post("/erasures", status_code=201)
def request_erasure(body: ErasureIn, principal: AdminRole, session: DbSession,
                    state: State) -> dict[str, Any]:
    """Ask for a person's erasure; another admin confirms it (four eyes)."""
    row = erasure.request(session, body.user, body.reason, _admin(principal),
                          legal_hold=state.settings.legal_hold)
    return _erasure_out(row)


@router.post("/erasures/{erasure_id}/confirm")
def confirm_erasure(erasure_id: str, principal: AdminRole, session: DbSession, state: State,
                    body: ConfirmIn | None = None) -> dict[str, Any]:
    """Carry out a request made by another admin, then scrub the database files."""
    row = erasure.confirm(session, erasure_id, _admin(principal),
                          legal_hold=state.settings.legal_hold)
    answer = _erasure_out(row)
    session.commit()  # VACUUM cannot run inside the erasure's transaction
    answer["files"] = erasure.scrub_files(state.engine,
                                          vacuum=(body or ConfirmIn()).vacuum)
    return answer


@router.post("/holds")
def legal_hold(body: HoldIn, principal: AdminRole, session: DbSession) -> dict[str, Any]:
    """Put a person under a legal hold (their erasure is refused), or lift it."""
    person = erasure.set_hold(session, body.user, body.on, _admin(principal))
    return {"person": person.id, "legal_hold": person.legal_hold}


def _admin(principal: Principal) -> erasure.Admin:
    # The key proves who acts here, unlike the CLI's --by.
    return erasure.Admin(user=principal.user, key_id=principal.key_id)

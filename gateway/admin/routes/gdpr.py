"""``/admin/api/gdpr``: a person's data for their access request, and the register of the
processing (auditors and admins).

The export is a read of someone's records: journaled with its reason, like every read of
the admin API, before the answer leaves.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from gateway.admin.deps import Auditor, DbSession
from gateway.api.deps import State
from gateway.audit.reading.records import endpoint_of
from gateway.gdpr import facts, pdf, register, subject, subject_text

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
        return Response(pdf.render(text, register.TITLES[document]), media_type="application/pdf",
                        headers={"Content-Disposition": f"inline; filename={document}.pdf"})
    return Response(text, media_type="text/markdown; charset=utf-8",
                    headers={"Content-Disposition": f"inline; filename={document}.md"})

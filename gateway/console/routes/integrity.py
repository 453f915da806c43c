"""Run the log's verification (``gateway audit verify``) and show its report."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from gateway.api.deps import State
from gateway.audit import anchors
from gateway.audit.seal import Sealer
from gateway.audit.verify import verify
from gateway.console.deps import IntegrityViewer, PostedForm
from gateway.console.web import page

router = APIRouter()


@router.get("/integrity")
def integrity_page(request: Request, viewer: IntegrityViewer) -> Response:
    return page(request, "integrity.html", viewer.t, viewer=viewer, report=None)


@router.post("/integrity")
def run_verification(
    request: Request, viewer: IntegrityViewer, state: State, form: PostedForm
) -> Response:
    report = verify(state.engine, anchors=anchors.for_verify(state.settings),
                    sealer=Sealer(state.server_secret))
    return page(request, "integrity.html", viewer.t, viewer=viewer, report=report.as_dict(),
                status_code=200 if report.intact else 409)

"""The gateway's front door for people: ``/`` leads to the console, and its icon.

Browsers ask for ``/favicon.ico`` at the root of the host whatever page they show; the icon
is vendored next to the console's other static files (an ICO of 16, 32 and 48 px drawn from
``favicon.svg``, which modern browsers take through the pages' ``<link rel="icon">``).
"""

from __future__ import annotations

from fastapi import APIRouter
from starlette.responses import FileResponse, RedirectResponse

from gateway.console.web import HERE

router = APIRouter()
_ICON = HERE / "static" / "favicon.ico"


@router.get("/")
def root() -> RedirectResponse:
    # 307: a temporary pointer, so a later landing page at / is not cached away.
    return RedirectResponse("/admin", status_code=307)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(_ICON, media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})

"""The console under ``/admin``: pages, static files and HTML error pages."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.staticfiles import StaticFiles

from gateway.console import web
from gateway.console.routes import (
    auth,
    company_signin,
    dashboard,
    front,
    integrity,
    interactions,
    keys,
    me,
    my_data,
    my_keys,
    people,
    policies,
    reviews,
)

router = APIRouter(include_in_schema=False)
for module in (auth, company_signin, dashboard, interactions, reviews, keys, people,
               policies, integrity, me, my_keys, my_data):
    router.include_router(module.router, prefix="/admin")
router.include_router(front.router)  # / and /favicon.ico, outside /admin


def install(app: FastAPI) -> None:
    """Serve the console: its routes, its vendored static files, its error pages."""
    app.include_router(router)
    app.mount("/admin/static", StaticFiles(directory=web.HERE / "static"), name="console-static")
    web.install(app)


__all__ = ["install", "router"]

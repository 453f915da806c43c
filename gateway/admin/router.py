"""The admin API under ``/admin/api``, and the caller's own records under ``/v1/me``."""

from fastapi import APIRouter

from gateway.admin.routes import (
    access_log,
    audit,
    content,
    gdpr,
    interactions,
    keys,
    me,
    reviews,
    stats,
)

router = APIRouter(prefix="/admin/api")
for module in (interactions, content, reviews, keys, stats, access_log, audit, gdpr):
    router.include_router(module.router)

me_router = me.router

__all__ = ["me_router", "router"]

"""Imports every model so ``Base.metadata`` is complete (Alembic and tests use it)."""

from gateway.audit.models import Interaction
from gateway.auth.models import ApiKey
from gateway.db.base import Base

__all__ = ["ApiKey", "Base", "Interaction"]

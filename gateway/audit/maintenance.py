"""Housekeeping of the interaction log that runs outside requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine, update

from gateway.audit.models import INTERRUPTED, PENDING, Interaction
from gateway.db.base import utcnow


def mark_interrupted(engine: Engine, older_than_s: float) -> int:
    """Mark as interrupted the pending records no live request can still own.

    A record stays pending only while its request runs, and no request outlives the upstream
    total timeout; older pending records belonged to a process that died (``kill -9``,
    power loss). Using age rather than "everything pending" keeps this safe when several
    replicas share the database and one of them restarts.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with engine.begin() as connection:
        result = connection.execute(
            update(Interaction)
            .where(Interaction.state == PENDING, Interaction.created_at < cutoff)
            .values(
                state=INTERRUPTED,
                decision="error",
                error="interrupted: the gateway stopped before this request completed",
            )
        )
    return result.rowcount or 0

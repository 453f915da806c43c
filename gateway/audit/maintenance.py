"""Housekeeping of the interaction log that runs outside requests."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from gateway.audit.liveness import INTERRUPTED_ERROR
from gateway.audit.models import PENDING, Interaction
from gateway.audit.seal import Sealer, interrupt
from gateway.db.base import utcnow


def mark_interrupted(engine: Engine, older_than_s: float, sealer: Sealer | None = None) -> int:
    """Mark as interrupted the pending records without a process that no live request can
    still own.

    Records stamped with the process that wrote them are swept as soon as that process is
    known dead (:mod:`gateway.audit.liveness`). This covers the others, written before
    processes were tracked: a record stays pending only while its request runs, and no
    request outlives the upstream total timeout, so older ones belonged to a process that
    died. Using age rather than "everything pending" keeps this safe when several replicas
    share the database and one of them restarts.
    """
    cutoff = utcnow() - timedelta(seconds=older_than_s)
    with engine.begin() as connection:
        # seq IS NULL (a pending record is never chained): the partial index of unchained
        # records, migration 0013.
        return interrupt(connection, (Interaction.seq.is_(None), Interaction.state == PENDING,
                                      Interaction.boot_id.is_(None),
                                      Interaction.created_at < cutoff),
                         INTERRUPTED_ERROR, sealer)

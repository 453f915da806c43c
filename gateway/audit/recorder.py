"""Writing interaction records: the rows the pipeline gives, through the audit writer.

The pipeline decides what a record says and when (:mod:`gateway.proxy.record`); this writes
it, in the states the log knows: ``open`` commits a pending record before anything is
forwarded, ``complete`` finishes it through the writer's group commit, ``amend`` corrects a
pending one, ``record`` writes the final record of a request that never reached a provider.
The writer seals every row (:mod:`gateway.audit.seal`); nothing here writes around it.
"""

from __future__ import annotations

import logging
from typing import Any

from gateway.audit.models import COMPLETE, PENDING
from gateway.audit.writer import AuditWriter
from gateway.db.base import utcnow

logger = logging.getLogger(__name__)


class Recorder:
    """Writes and completes interaction records through the audit writer."""

    def __init__(self, writer: AuditWriter) -> None:
        self._writer = writer
        # The process writing (gateway.audit.liveness), set at start: a pending record whose
        # process is gone is marked interrupted at once.
        self.boot_id: str | None = None

    async def open(self, row: dict[str, Any]) -> None:
        """Commit a pending record; raises what the writer raised if it could not.

        A :class:`gateway.audit.refusal.RecordRefused` means the record was kept in its
        minimal form, already final.
        """
        await self._writer.insert({**row, "state": PENDING, "boot_id": self.boot_id})

    def amend(self, record_id: str, values: dict[str, Any]) -> None:
        """Correct a pending record (lands before the completion that chains it)."""
        self._writer.update(record_id, values)

    def complete(self, record_id: str, values: dict[str, Any]) -> None:
        """Finish an open record with ``values`` (``state`` included), in the next commit."""
        self._writer.update(record_id, {**values, "completed_at": utcnow()})

    async def record(self, row: dict[str, Any]) -> None:
        """Write the final record of a request refused or failed before it was opened.

        Never raises: the client still gets its real error.
        """
        try:
            await self._writer.insert({
                **row, "state": COMPLETE, "completed_at": utcnow(), "boot_id": self.boot_id,
            })
        except Exception as exc:
            logger.error("could not record refused interaction %s: %s", row.get("id"), exc)

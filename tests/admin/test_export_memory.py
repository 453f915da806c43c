"""Exporting 30,000 records (about 30 MB) keeps memory flat: records are streamed in batches."""

from __future__ import annotations

import tracemalloc
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import create_engine, insert

from gateway.audit.models import Interaction
from gateway.audit.reading.export import iter_records, jsonl_lines
from gateway.db import migrate
from tests.admin._helpers import row
from tests.conftest import Databases

TOTAL = 30_000
PEAK_LIMIT = 8 * 1024 * 1024


def test_export_of_30k_records_in_bounded_memory(databases: Databases) -> None:
    url = databases.new("export_memory")
    migrate.upgrade(url)
    engine = create_engine(url)
    start = datetime(2001, 1, 1, tzinfo=UTC)
    prompt = '[{"role":"user","content":"' + "x" * 400 + '"}]'
    try:
        template = row(prompt=prompt, response="y" * 400, pii_findings={"PERSON": 1})
        with engine.begin() as connection:
            for batch in range(0, TOTAL, 10_000):
                connection.execute(insert(Interaction), [
                    {**template, "id": str(uuid.uuid4()),
                     "created_at": start + timedelta(seconds=batch + i)}
                    for i in range(10_000)
                ])
        tracemalloc.start()
        try:
            count = size = 0
            for line in jsonl_lines(iter_records(engine)):
                count += 1
                size += len(line)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert count == TOTAL
        assert size > 3 * PEAK_LIMIT  # the export itself is far larger than the peak
        assert peak < PEAK_LIMIT, f"peak {peak / 2**20:.1f} MiB"
    finally:
        engine.dispose()

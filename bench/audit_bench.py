"""Audit trail at scale: chain N synthetic records, then time verify, purge and export.

    python bench/audit_bench.py                       # 1,000,000 records, SQLite in a temp dir
    python bench/audit_bench.py --records 200000 --database-url postgresql+psycopg://...

The records are inserted in bulk, sealed and chained directly (seals and hashes computed as
the writer does), then: ``verify`` (records/s) without and with the seal checks (the server
secret), the writer's per-record chaining cost, ``retention
purge`` of half of the log, and the export (``iter_records``) throughput.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, text

from gateway.audit import integrity, subjects
from gateway.audit.integrity import INTERACTION_FIELDS, INTERACTIONS, INTERACTIONS_TABLE
from gateway.audit.reading.export import iter_records
from gateway.audit.retention import purge
from gateway.audit.seal import Sealer
from gateway.audit.verify import verify
from gateway.db import migrate
from gateway.db.engine import build_engine
from gateway.settings import Settings

START = datetime(2025, 1, 1, tzinfo=UTC)
SEALER = Sealer(b"bench-secret-" + b"x" * 40)
NOW = START + timedelta(days=730)


def _engine(url: str) -> Engine:
    # The gateway's own engine: WAL and synchronous=NORMAL on SQLite, as in production.
    return build_engine(Settings(database_url=url))


def synthetic(i: int, step: timedelta) -> dict[str, Any]:
    created = START + step * i
    prompt, response = f"Peux-tu résumer le dossier n° {i} ?", f"Voici le résumé du dossier {i}."
    return {
        "id": str(uuid.UUID(int=i + 1)), "created_at": created,
        "completed_at": created + timedelta(milliseconds=800), "state": "complete",
        "key_id": "key_bench", "user_email": f"user{i % 500}@exemple.fr",
        "department": "ventes", "role": "employee", "tool": "open-webui",
        "endpoint": "/v1/chat/completions", "model": "mistral-small", "provider": "mistral",
        "upstream_model": "mistral-small-latest", "decision": "redacted",
        "rule_ids": ["pii-redact"], "policy_version": "2026.11-ab12", "pii_findings": {"PERSON": 1},
        "prompt": prompt, "response": response, "prompt_tokens": 12, "completion_tokens": 40,
        "cost": 0.0000132, "latency_ms": 812.5, "upstream_latency_ms": 790.25,
        "status_code": 200, "error": None, "stream": True,
    }


def build(url: str, count: int, batch: int = 10_000) -> float:
    """Insert ``count`` chained records in bulk; returns seconds."""
    started = time.perf_counter()
    engine = _engine(url)
    step = (NOW - START) / count
    prev, seq = integrity.GENESIS, 0
    with engine.begin() as connection:
        people = subjects.subjects_for(connection, {f"user{i}@exemple.fr" for i in range(500)})
        for low in range(0, count, batch):
            rows = []
            for i in range(low, min(low + batch, count)):
                seq += 1
                row = SEALER.seal_insert(synthetic(i, step))
                row.update(integrity.commitments(people[row["user_email"]], row["id"],
                                                 row["user_email"], row["prompt"],
                                                 row["response"]))
                row["seq"], row["prev_hash"] = seq, prev
                # Hash exactly what the database hands back: microseconds and floats.
                row["hash"] = prev = integrity.interaction_digest(
                    [row[name] for name in INTERACTION_FIELDS])
                rows.append(row)
            connection.execute(insert(INTERACTIONS_TABLE), rows)
        integrity.set_head(connection, INTERACTIONS, seq, prev)
    engine.dispose()
    return time.perf_counter() - started


def writer_cost(url: str, count: int = 2000) -> float:
    """Seconds per record of the writer's chaining step (select, hash, update, head)."""
    engine = _engine(url)
    step = timedelta(seconds=1)
    rows = [synthetic(10_000_000 + i, step) for i in range(count)]
    for row in rows:
        row.update(created_at=NOW + step, prompt_hash=None, response_hash=None)
    with engine.begin() as connection:
        connection.execute(insert(INTERACTIONS_TABLE), rows)
    started = time.perf_counter()
    chained = 0
    while chained < count:
        with engine.begin() as connection:
            chained += integrity.chain_finished(connection, limit=64)  # a typical group commit
    elapsed = time.perf_counter() - started
    engine.dispose()
    return elapsed / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="audit-bench-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    if url.startswith("postgresql"):
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS gw_audit_bench WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE gw_audit_bench"))
        admin.dispose()
        url = url.rsplit("/", 1)[0] + "/gw_audit_bench"
    migrate.upgrade(url)
    n = args.records
    print(f"backend: {url.split(':')[0]}, records: {n:,}")
    seconds = build(url, n)
    print(f"bulk insert (chained):  {seconds:7.1f} s  {n / seconds:>10,.0f} records/s")

    engine = _engine(url)
    report = verify(engine)
    assert report.intact, report.broken
    rate = n / report.seconds
    print(f"verify (chain):         {report.seconds:7.1f} s  {rate:>10,.0f} records/s")
    report = verify(engine, sealer=SEALER)
    assert report.intact and report.seals == n, (report.broken, report.seals)
    rate = n / report.seconds
    print(f"verify (chain + seals): {report.seconds:7.1f} s  {rate:>10,.0f} records/s")

    started = time.perf_counter()
    exported = sum(1 for _ in iter_records(engine))
    seconds = time.perf_counter() - started
    print(f"export (iter_records):  {seconds:7.1f} s  {exported / seconds:>10,.0f} records/s")

    # Content kept 1/4 of the span, metadata 1/2: erases a quarter, deletes half.
    started = time.perf_counter()
    result = purge(engine, content_days=182, metadata_days=365, now=NOW)
    seconds = time.perf_counter() - started
    deleted = result.deleted["interactions"]
    print(f"retention purge:        {seconds:7.1f} s  {deleted:,} deleted, "
          f"{result.contents_erased:,} contents erased")
    report = verify(engine, sealer=SEALER)
    assert report.intact, report.broken
    print(f"verify after purge:     {report.seconds:7.1f} s  {report.chains[0].checked:,} records")
    engine.dispose()

    per_record = writer_cost(url)
    print(f"writer chaining cost:   {per_record * 1e6:7.1f} µs per record (batches of 64)")


if __name__ == "__main__":
    main()

"""The chain built by real requests: through the live gateway, and from two gateways at once."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import openai
import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.audit.integrity import INTERACTIONS_TABLE
from gateway.audit.verify import verify
from gateway.auth.keys import create_key
from gateway.db import migrate
from gateway.settings import Settings
from tests.conftest import SECRET, Databases, Gateway, gateway_env
from tests.fakes.server import ServerThread
from tests.support.processes import start_gateway, stop, wait_ready


def test_requests_through_the_gateway_are_chained(gw: Gateway) -> None:
    sdk = gw.openai()
    ids = []
    for model in ("echo", "gpt-test", "echo"):
        raw = sdk.chat.completions.with_raw_response.create(
            model=model, messages=[{"role": "user", "content": f"chaîne {model}"}])
        ids.append(raw.headers["x-gateway-interaction-id"])
    with pytest.raises(openai.NotFoundError) as refused:
        sdk.chat.completions.create(model="nope", messages=[{"role": "user", "content": "x"}])
    ids.append(refused.value.response.headers["x-gateway-interaction-id"])
    records = [gw.record(i, chained=True) for i in ids]
    assert all(r["hash"] and r["prev_hash"] for r in records)
    report = json.loads(gw.cli("audit", "verify", "--json").stdout)
    assert report["intact"], report["broken"]
    assert report["chains"][0]["checked"] >= len(ids)


@pytest.mark.postgres
def test_two_gateways_on_one_database_keep_one_chain(
    databases: Databases, tmp_path: Path
) -> None:
    if databases.backend != "postgresql":
        pytest.skip("concurrent processes sharing one database: PostgreSQL only")
    # No rate limit here: 400 requests from one key in seconds is the point of the test.
    (tmp_path / "open.yaml").write_text("description: open\ndefaults: {action: allow}\n")
    url = databases.new("two_gateways")
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        _, token = create_key(session, SECRET.encode(), user="duo@exemple.fr",
                              department="ventes")

    def settings() -> Settings:
        # Small batches so the two writers interleave many group commits.
        return Settings(database_url=url, secret_key=SECRET, policies_dir=tmp_path,
                        audit_batch_max=4, redaction_enabled=False)

    def send(base: str, n: int) -> int:
        with httpx.Client(base_url=base, timeout=30,
                          headers={"Authorization": f"Bearer {token}",
                                   "X-Gateway-Tool": "curl"}) as client:
            for i in range(n):
                reply = client.post("/v1/chat/completions", json={
                    "model": "echo", "messages": [{"role": "user", "content": f"n° {i}"}]})
                assert reply.status_code == 200, reply.text
        return n

    try:
        with (ServerThread(create_app(settings())) as one,
              ServerThread(create_app(settings())) as two, ThreadPoolExecutor(16) as pool):
            sent = sum(pool.map(send, [one.url, two.url] * 8, [25] * 16))
        with engine.connect() as connection:
            chained = connection.execute(select(func.count()).select_from(INTERACTIONS_TABLE)
                                         .where(INTERACTIONS_TABLE.c.seq.is_not(None))).scalar()
        assert chained == sent == 400
        report = verify(engine)
        assert report.intact, report.broken
        assert report.chains[0].last_seq == report.chains[0].head_seq == 400
    finally:
        engine.dispose()


def test_two_gateway_processes_keep_one_chain(databases: Databases, tmp_path: Path) -> None:
    """The same, with two real `gateway serve` processes (OS processes, separate writers)."""
    if databases.backend != "postgresql":
        pytest.skip("concurrent processes sharing one database: PostgreSQL only")
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "open.yaml").write_text(
        "description: open\ndefaults: {action: allow}\n")
    (tmp_path / "models.yaml").write_text("models:\n  - {name: echo, provider: echo}\n")
    url = databases.new("two_processes")
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session, session.begin():
        _, token = create_key(session, SECRET.encode(), user="duo-proc@exemple.fr",
                              department="ventes")
    env = gateway_env(url, tmp_path / "models.yaml")
    env.update(GATEWAY_POLICIES_DIR=str(tmp_path / "policies"), GATEWAY_AUDIT_BATCH_MAX="4")
    processes = []
    try:
        bases = []
        for _ in range(2):  # both start before either is waited for
            process, base = start_gateway(env, cwd=tmp_path, redaction=False)
            processes.append(process)
            bases.append(base)
        for process, base in zip(processes, bases, strict=True):
            wait_ready(base, "/readyz", process=process)

        def send(base: str, n: int) -> int:
            with httpx.Client(base_url=base, timeout=30, headers={
                    "Authorization": f"Bearer {token}", "X-Gateway-Tool": "curl"}) as client:
                for i in range(n):
                    reply = client.post("/v1/chat/completions", json={
                        "model": "echo", "messages": [{"role": "user", "content": f"p{i}"}]})
                    assert reply.status_code == 200, reply.text
            return n

        with ThreadPoolExecutor(8) as pool:
            sent = sum(pool.map(send, bases * 4, [25] * 8))
    finally:
        stop(*processes)  # SIGTERM: each drains its log and links it before exiting
    try:
        with engine.connect() as connection:
            chained = connection.execute(select(func.count()).select_from(INTERACTIONS_TABLE)
                                         .where(INTERACTIONS_TABLE.c.seq.is_not(None))).scalar()
        assert chained == sent == 200
        report = verify(engine)
        assert report.intact, report.broken
        assert report.chains[0].last_seq == report.chains[0].head_seq == 200
    finally:
        engine.dispose()

"""What bench/ab.py and bench/soak.py start: the fake provider and gateways as shipped.

Both load one chat request through ``gateway serve`` (one worker, the bundled policies with
limits out of reach, the scan on) against one fake provider, on SQLite or on PostgreSQL +
Redis; ab.py runs two checkouts side by side, soak.py this one for minutes. Their options
and their start-up were written out in both scripts.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from pathlib import Path

from compare import BASE_HEADERS, PROMPTS, fresh_postgres
from overhead import Processes, create_key, free_port, wait_ok

import policies

HERE = Path(__file__).resolve().parent


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options both scripts take: the database, the prompt, the servers' URLs."""
    parser.add_argument("--database", default="sqlite", choices=["sqlite", "postgres"])
    parser.add_argument("--prompt", default="plain", choices=sorted(PROMPTS))
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")


def chat_body(prompt: str) -> bytes:
    """The chat request every run sends: one user message, ``PROMPTS[prompt]``."""
    return json.dumps(
        {
            "model": "bench-model",
            "max_tokens": 64,
            "messages": [{"role": "user", "content": PROMPTS[prompt]}],
        },
        ensure_ascii=False,
    ).encode()


def start_upstream(procs: Processes, tmp: Path) -> int:
    """The fake provider (bench/fake_upstream.py), answering; returns its port."""
    port = free_port()
    log = tmp / "upstream.log"
    proc = procs.start(
        [sys.executable, str(HERE / "fake_upstream.py"), "--port", str(port)], dict(os.environ), log
    )
    wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log)
    return port


def start_gateway(
    procs: Processes, tmp: Path, name: str, checkout: Path, up_port: int, args: argparse.Namespace
) -> tuple[str, dict[str, str], int, str]:
    """``gateway serve`` with the code of ``checkout`` (PYTHONPATH; this venv's
    dependencies), answering, and a key issued: its chat URL, the request headers, its pid,
    and its PostgreSQL database's name ("" on SQLite)."""
    folder = tmp / name
    folder.mkdir()
    policies.catalogue(folder / "models.yaml", up_port, "eu")
    env = {
        **os.environ,
        "PYTHONPATH": str(checkout),
        "GATEWAY_MODELS_FILE": str(folder / "models.yaml"),
        "GATEWAY_POLICIES_DIR": str(policies.bundled(folder / "policies")),
        "GATEWAY_SECRET_KEY": secrets.token_hex(32),
        "GATEWAY_REDACTION_ENABLED": "true",
        "BENCH_UPSTREAM_KEY": "bench",
    }
    if args.database == "sqlite":
        env["GATEWAY_DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
        env.pop("GATEWAY_REDIS_URL", None)
    else:
        env["GATEWAY_DATABASE_URL"] = fresh_postgres(args.postgres_url)
        env["GATEWAY_REDIS_URL"] = args.redis_url
    gateway = str(Path(sys.executable).parent / "gateway")
    port = free_port()
    log = tmp / f"{name}.log"
    proc = procs.start([gateway, "serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=180)
    headers = {
        **BASE_HEADERS,
        "Authorization": f"Bearer {create_key(gateway, env)}",
        "X-Gateway-Tool": "openai-python",
    }
    database = "" if args.database == "sqlite" else env["GATEWAY_DATABASE_URL"].rsplit("/", 1)[1]
    return f"http://127.0.0.1:{port}/v1/chat/completions", headers, proc.pid, database

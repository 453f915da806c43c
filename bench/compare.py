"""The benchmark users would run: the gateway as shipped, the LiteLLM proxy and the direct path.

    python bench/compare.py [--duration 8] [--warmup 2] [--concurrency 1,16,64]
                            [--databases sqlite,postgres] [--modes json,stream]
                            [--no-litellm] [--scaling] [--json FILE]

One run starts the fake provider (bench/fake_upstream.py), the LiteLLM proxy (installed
from PyPI into bench/.venv-litellm on first use, one worker, no database, pointed at the same
fake provider) and the gateway with the bundled policies (limits raised out of reach: see
bench/policies.py), the personal-data scan on, on SQLite and on PostgreSQL + Redis. For each
response mode and concurrency it measures, with one load generator for every path, the
direct path, LiteLLM, and the gateway with a prompt without personal data and one with
some, and prints requests/s, p50, p99, CPU µs per request and the ratios. ``--scaling``
adds `gateway serve --workers 2` and two replicas on PostgreSQL + Redis.
See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# `python bench/compare.py` puts bench/ first on sys.path: its modules import as top-level.
from overhead import (
    MESSAGE,
    Processes,
    Result,
    create_key,
    fail,
    free_port,
    post_once,
    run_python,
    run_wrk,
    wait_ok,
)

import policies

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
LITELLM_VENV = HERE / ".venv-litellm"
# 1.107.0 was a compromised release (withdrawn); later ones need a package not on PyPI.
LITELLM_SPEC = "litellm[proxy]==1.106.12"
PII_MESSAGE = (
    "Bonjour, pourriez-vous rédiger un court courriel pour rappeler à Jean Dupont "
    "(jean.dupont@exemple.fr, 06 12 34 56 78) que la facture FAC-2025-001 de sa société "
    "arrive à échéance vendredi, en restant cordial ?"
)
PROMPTS = {"plain": MESSAGE, "pii": PII_MESSAGE}
LITELLM_YAML = """\
model_list:
  - model_name: bench-model
    litellm_params:
      model: openai/bench-model
      api_base: http://127.0.0.1:{port}/v1
      api_key: bench
litellm_settings:
  telemetry: false
"""
BASE_HEADERS = {"Content-Type": "application/json", "User-Agent": "OpenAI/Python bench"}


@dataclass
class Row:
    path: str  # direct | litellm | gateway
    database: str  # - | sqlite | postgres
    mode: str  # json | stream
    prompt: str  # plain | pii
    result: Result
    extra: dict[str, Any] = field(default_factory=dict)


def tree_cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and all its descendants (workers), from /proc."""
    children: dict[int, list[int]] = {}
    stats: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
        stats[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
    total, todo = 0.0, [pid]
    while todo:
        current = todo.pop()
        total += stats.get(current, 0.0)
        todo.extend(children.get(current, []))
    return total


def database_cpu_seconds(database: str) -> float:
    """User + system CPU of the PostgreSQL server processes serving ``database`` (its
    backends, named ``postgres: … user database host``), from /proc: on one host the
    database's work competes with the gateway for the same cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            words = (entry / "cmdline").read_bytes().replace(b"\0", b" ").split()
            if not words or words[0] != b"postgres:" or database.encode() not in words[1:5]:
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def ensure_litellm(log: Path) -> Path:
    """The LiteLLM proxy's command, installed from PyPI in its own venv on first use."""
    binary = LITELLM_VENV / "bin" / "litellm"
    if binary.exists():
        return binary
    print(f"installing {LITELLM_SPEC} into {LITELLM_VENV} (once)…", file=sys.stderr)
    with log.open("wb") as out:
        subprocess.run([sys.executable, "-m", "venv", str(LITELLM_VENV)], check=True)
        done = subprocess.run(
            [str(LITELLM_VENV / "bin" / "pip"), "install", "-q", LITELLM_SPEC],
            stdout=out, stderr=subprocess.STDOUT,
        )
    if done.returncode != 0 or not binary.exists():
        fail(f"could not install {LITELLM_SPEC}:", log)
    return binary


def versions() -> dict[str, str]:
    from importlib.metadata import version

    found = {"python": platform.python_version()}
    for name in ("fastapi", "uvicorn", "sqlalchemy", "aiohttp", "presidio-analyzer", "spacy",
                 "psycopg", "redis"):
        try:
            found[name] = version(name)
        except Exception:
            found[name] = "-"
    pip = LITELLM_VENV / "bin" / "python"
    if pip.exists():
        done = subprocess.run(
            [str(pip), "-c", "from importlib.metadata import version; print(version('litellm'))"],
            capture_output=True, text=True,
        )
        found["litellm"] = done.stdout.strip() or "-"
    for tool in ("wrk", "psql", "redis-server"):
        found[tool] = "yes" if shutil.which(tool) else "-"
    return found


def host() -> dict[str, Any]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    return {"cpus": os.cpu_count(), "cpu": cpu, "load": os.getloadavg()}


class Bench:
    """Everything one run starts, and the measures made against it."""

    def __init__(self, args: argparse.Namespace, procs: Processes, tmp: Path) -> None:
        self.args = args
        self.procs = procs
        self.tmp = tmp
        self.tool = args.tool
        if self.tool == "auto":
            self.tool = "wrk" if shutil.which("wrk") else "python"
        gateway = shutil.which("gateway") or str(Path(sys.executable).parent / "gateway")
        if not Path(gateway).exists():
            fail("gateway command not found (pip install -e .)")
        self.gateway_bin = gateway
        self.rows: list[Row] = []

    def body(self, mode: str, prompt: str) -> bytes:
        payload: dict[str, Any] = {
            "model": "bench-model",
            "messages": [{"role": "user", "content": PROMPTS[prompt]}],
            "max_tokens": 64,
        }
        if mode == "stream":
            payload["stream"] = True
            payload["stream_options"] = {"include_usage": True}
        return json.dumps(payload, ensure_ascii=False).encode()

    def load(self, url: str, body: bytes, headers: dict[str, str], conc: int, secs: float
             ) -> Result:
        if self.tool == "wrk":
            return run_wrk(url, body, headers, conc, secs, self.tmp)
        return run_python(url, body, headers, conc, secs)

    def measure(self, url: str, headers: dict[str, str], mode: str, prompt: str, conc: int,
                pid: int | None) -> Result:
        body = self.body(mode, prompt)
        status, text = post_once(url, body, headers)
        complete = "data: [DONE]" in text if mode == "stream" else '"choices"' in text
        if status != 200 or not complete:
            fail(f"{url}: a first request answered {status}: {text[:2000]}")
        if self.args.warmup > 0:
            self.load(url, body, headers, conc, self.args.warmup)
        before = tree_cpu_seconds(pid) if pid else 0.0
        result = self.load(url, body, headers, conc, self.args.duration)
        if pid and result.requests:
            result.cpu_us = round((tree_cpu_seconds(pid) - before) / result.requests * 1e6, 1)
        return result

    # -- the processes -------------------------------------------------------------------

    def start_upstream(self) -> int:
        port = free_port()
        log = self.tmp / "upstream.log"
        cmd = [sys.executable, str(HERE / "fake_upstream.py"), "--port", str(port)]
        cmd += ["--delay-ms", str(self.args.upstream_delay_ms)]
        proc = self.procs.start(cmd, dict(os.environ), log)
        wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log)
        return port

    def start_litellm(self, up_port: int) -> tuple[str, dict[str, str], int]:
        binary = ensure_litellm(self.tmp / "litellm-install.log")
        port = free_port()
        config = self.tmp / "litellm.yaml"
        config.write_text(LITELLM_YAML.format(port=up_port))
        master = "sk-bench-" + secrets.token_hex(16)
        env = {**os.environ, "LITELLM_MASTER_KEY": master, "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
        env.pop("DATABASE_URL", None)
        log = self.tmp / "litellm.log"
        cmd = [str(binary), "--config", str(config), "--host", "127.0.0.1", "--port", str(port),
               "--num_workers", "1"]
        proc = self.procs.start(cmd, env, log)
        wait_ok(f"http://127.0.0.1:{port}/health/liveliness", proc, log, timeout=300)
        headers = {**BASE_HEADERS, "Authorization": f"Bearer {master}"}
        return f"http://127.0.0.1:{port}/v1/chat/completions", headers, proc.pid

    def gateway_env(self, database: str, up_port: int, name: str) -> dict[str, str]:
        folder = self.tmp / name
        folder.mkdir(exist_ok=True)
        policies.catalogue(folder / "models.yaml", up_port, self.args.hosting)
        if self.args.policies_dir:
            policy_dir = Path(self.args.policies_dir).resolve()
        elif self.args.permissive:
            policy_dir = policies.permissive(folder / "policies")
        else:
            policy_dir = policies.bundled(folder / "policies",
                                          raise_limits=not self.args.limits_as_is)
        env = {
            **os.environ,
            "GATEWAY_MODELS_FILE": str(folder / "models.yaml"),
            "GATEWAY_POLICIES_DIR": str(policy_dir),
            "GATEWAY_SECRET_KEY": secrets.token_hex(32),
            "GATEWAY_REDACTION_ENABLED": "false" if self.args.no_redaction else "true",
            "BENCH_UPSTREAM_KEY": "bench",
        }
        if database == "sqlite":
            env["GATEWAY_DATABASE_URL"] = f"sqlite:///{folder}/bench.db"
            env.pop("GATEWAY_REDIS_URL", None)
        else:
            env["GATEWAY_DATABASE_URL"] = fresh_postgres(self.args.postgres_url)
            env["GATEWAY_REDIS_URL"] = self.args.redis_url
        return env

    def start_gateway(self, env: dict[str, str], name: str, workers: int = 1
                      ) -> tuple[str, dict[str, str], int]:
        port = free_port()
        log = self.tmp / f"{name}.log"
        cmd = [self.gateway_bin, "serve", "--host", "127.0.0.1", "--port", str(port)]
        if workers > 1:
            cmd += ["--workers", str(workers)]
        proc = self.procs.start(cmd, env, log)
        wait_ok(f"http://127.0.0.1:{port}/healthz", proc, log, timeout=180)
        key = create_key(self.gateway_bin, env)
        headers = {**BASE_HEADERS, "Authorization": f"Bearer {key}",
                   "X-Gateway-Tool": "openai-python"}
        return f"http://127.0.0.1:{port}/v1/chat/completions", headers, proc.pid


def fresh_postgres(url: str) -> str:
    """A new empty database on the server of ``url``, so runs never share a log."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"gw_bench_{secrets.token_hex(4)}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def parallel_load(bench: Bench, targets: list[tuple[str, dict[str, str]]], mode: str,
                  conc: int) -> Result:
    """Several gateways (replicas) loaded at once, ``conc`` connections split between them."""
    body = bench.body(mode, "plain")
    share = max(1, conc // len(targets))
    if bench.args.warmup > 0:
        _together(bench, targets, body, share, bench.args.warmup)
    results = _together(bench, targets, body, share, bench.args.duration)
    requests = sum(r.requests for r in results)
    seconds = max(r.seconds for r in results)
    return Result(
        target="replicas", concurrency=share * len(targets), requests=requests,
        seconds=seconds, rps=round(sum(r.rps for r in results), 1),
        p50_ms=round(sum(r.p50_ms * r.requests for r in results) / max(requests, 1), 3),
        p99_ms=max(r.p99_ms for r in results), non_2xx=sum(r.non_2xx for r in results),
        errors=sum(r.errors for r in results), tool=bench.tool,
    )


def _together(bench: Bench, targets: list[tuple[str, dict[str, str]]], body: bytes,
              conc: int, secs: float) -> list[Result]:
    results: list[Result | None] = [None] * len(targets)
    tmps = []
    for index in range(len(targets)):
        tmps.append(bench.tmp / f"load{index}")
        tmps[-1].mkdir(exist_ok=True)

    def one(index: int) -> None:
        url, headers = targets[index]
        if bench.tool == "wrk":
            results[index] = run_wrk(url, body, headers, conc, secs, tmps[index])
        else:
            results[index] = run_python(url, body, headers, conc, secs)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(targets))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [r for r in results if r is not None]


# -- the run ---------------------------------------------------------------------------------

def measure_all(bench: Bench) -> dict[str, Any]:
    args = bench.args
    up_port = bench.start_upstream()
    direct = (f"http://127.0.0.1:{up_port}/v1/chat/completions",
              {**BASE_HEADERS, "Authorization": "Bearer bench"})
    litellm = None if args.no_litellm else bench.start_litellm(up_port)
    gateways = {}
    for database in args.databases.split(","):
        env = bench.gateway_env(database, up_port, f"gateway-{database}")
        gateways[database] = (bench.start_gateway(env, f"gateway-{database}"), env)
    concurrencies = [int(c) for c in args.concurrency.split(",") if c.strip()]
    for conc in concurrencies:
        for mode in args.modes.split(","):
            rows: list[tuple[str, str, str, str, dict[str, str], int | None]] = [
                ("direct", "-", "plain", direct[0], direct[1], None)
            ]
            if litellm is not None:
                rows.append(("litellm", "-", "plain", *litellm))
            for database, ((url, headers, gateway_pid), _) in gateways.items():
                for prompt in ("plain", "pii"):
                    rows.append(("gateway", database, prompt, url, headers, gateway_pid))
            for path, database, prompt, url, headers, pid in rows:
                result = bench.measure(url, headers, mode, prompt, conc, pid)
                result.target = path
                bench.rows.append(Row(path, database, mode, prompt, result))
                print(f"  {path:<8}{database:<9}{mode:<7}{prompt:<6}c={conc:<3} "
                      f"{result.rps:8.0f} req/s  p50 {result.p50_ms:7.2f}  "
                      f"p99 {result.p99_ms:7.2f} ms", file=sys.stderr, flush=True)
    scaling = measure_scaling(bench, up_port, gateways) if args.scaling else []
    return {"scaling": scaling}


def measure_scaling(bench: Bench, up_port: int, gateways: dict[str, Any]
                    ) -> list[dict[str, Any]]:
    """PostgreSQL + Redis: one worker, `--workers 2`, and two replicas, JSON, plain prompt."""
    if "postgres" not in gateways:
        fail("--scaling needs postgres in --databases")
    (one_url, one_headers, one_pid), env = gateways["postgres"]
    out = []
    two = bench.start_gateway(env, "gateway-workers2", workers=2)
    replica_a = bench.start_gateway(env, "gateway-replica-a")
    replica_b = bench.start_gateway(env, "gateway-replica-b")
    for conc in (16, 64):
        shapes = [
            ("1 worker", lambda c=conc: bench.measure(one_url, one_headers, "json", "plain", c,
                                                       one_pid)),
            ("--workers 2", lambda c=conc: bench.measure(two[0], two[1], "json", "plain", c,
                                                          two[2])),
            ("2 replicas", lambda c=conc: parallel_load(
                bench, [replica_a[:2], replica_b[:2]], "json", c)),
        ]
        for label, run in shapes:
            result = run()
            out.append({"shape": label, "concurrency": conc, **asdict(result)})
            print(f"  scaling {label:<12} c={conc:<3} {result.rps:8.0f} req/s  "
                  f"p50 {result.p50_ms:7.2f}  p99 {result.p99_ms:7.2f} ms",
                  file=sys.stderr, flush=True)
    return out


def find(rows: list[Row], **want: Any) -> Row | None:
    for row in rows:
        if all((getattr(row.result, k) if k == "concurrency" else getattr(row, k)) == v
               for k, v in want.items()):
            return row
    return None


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("nan")


def report(bench: Bench, extra: dict[str, Any]) -> dict[str, Any]:
    rows = bench.rows
    table = []
    for row in rows:
        r = row.result
        direct = find(rows, path="direct", mode=row.mode, concurrency=r.concurrency)
        peer = find(rows, path="litellm", mode=row.mode, concurrency=r.concurrency)
        added = round(r.p50_ms - direct.result.p50_ms, 3) if direct else None
        line: dict[str, Any] = {
            "path": row.path, "database": row.database, "mode": row.mode,
            "prompt": row.prompt, "conc": r.concurrency, "rps": r.rps, "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms, "p99_over_p50": ratio(r.p99_ms, r.p50_ms),
            "cpu_us": r.cpu_us, "added_p50_ms": added, "non_2xx": r.non_2xx,
            "errors": r.errors,
        }
        if row.path != "direct" and not r.requests:
            line["errors"] = max(line["errors"], 1)  # no answer within wrk's 10 s timeout
        if (peer is not None and peer.result.requests and row.path == "gateway"
                and direct is not None):
            line["rps_over_litellm"] = ratio(r.rps, peer.result.rps)
            peer_added = peer.result.p50_ms - direct.result.p50_ms
            line["added_over_litellm_added"] = ratio(added or 0.0, peer_added)
        table.append(line)
    return {"host": host(), "versions": versions(), "tool": bench.tool,
            "duration_s": bench.args.duration, "hosting": bench.args.hosting,
            "rows": table, **extra, "goals": goals(rows)}


def goals(rows: list[Row]) -> list[str]:
    """The issue's goals, each with the figure this run measured."""
    out = []

    def get(**want: Any) -> Result | None:
        row = find(rows, **want)
        return row.result if row else None

    for database in ("sqlite", "postgres"):
        gw16 = get(path="gateway", database=database, mode="json", prompt="plain",
                   concurrency=16)
        peer16 = get(path="litellm", mode="json", concurrency=16)
        if gw16 and peer16:
            out.append(f"{database} c=16 json: {ratio(gw16.rps, peer16.rps)}x LiteLLM's "
                       f"throughput (goal >= 30), p99/p50 {ratio(gw16.p99_ms, gw16.p50_ms)} "
                       f"(goal <= 4)")
        gw1 = get(path="gateway", database=database, mode="json", prompt="plain", concurrency=1)
        pii1 = get(path="gateway", database=database, mode="json", prompt="pii", concurrency=1)
        peer1 = get(path="litellm", mode="json", concurrency=1)
        direct1 = get(path="direct", mode="json", concurrency=1)
        if gw1 and peer1 and direct1:
            ours, theirs = gw1.p50_ms - direct1.p50_ms, peer1.p50_ms - direct1.p50_ms
            out.append(f"{database} c=1 json: added median {ours:.2f} ms, LiteLLM's "
                       f"{theirs:.2f} ms: {ratio(ours, theirs)} (goal <= 0.067)")
        if gw1 and pii1:
            out.append(f"{database} c=1 json: personal data adds {pii1.p50_ms - gw1.p50_ms:.2f}"
                       f" ms at the median (goal <= 6)")
    sqlite16 = get(path="gateway", database="sqlite", mode="json", prompt="plain",
                   concurrency=16)
    pg16 = get(path="gateway", database="postgres", mode="json", prompt="plain", concurrency=16)
    if sqlite16 and pg16:
        out.append(f"c=16 json: PostgreSQL + Redis at {ratio(pg16.rps, sqlite16.rps)} of "
                   f"SQLite's throughput (goal >= 0.8)")
    return out


def print_report(data: dict[str, Any]) -> None:
    h, v = data["host"], data["versions"]
    print(f"host: {h['cpus']} CPUs ({h['cpu']}), load average at the end "
          f"{', '.join(f'{x:.2f}' for x in h['load'])}; load generator {data['tool']}; "
          f"{data['duration_s']:.0f} s per measure; model hosting {data['hosting']}")
    print("versions: " + ", ".join(f"{k} {val}" for k, val in v.items()))
    head = ("path", "database", "mode", "prompt", "conc", "req/s", "p50 ms", "p99 ms",
            "p99/p50", "cpu us", "added ms", "x LiteLLM", "added/LiteLLM's")
    print("{:<8}{:<9}{:<7}{:<7}{:>5}{:>9}{:>9}{:>9}{:>8}{:>8}{:>9}{:>10}{:>16}".format(*head))
    for line in data["rows"]:
        cpu = f"{line['cpu_us']:.0f}" if line["cpu_us"] is not None else "-"
        added = f"{line['added_p50_ms']:.2f}" if line["added_p50_ms"] is not None else "-"
        times = line.get("rps_over_litellm")
        share = line.get("added_over_litellm_added")
        print(f"{line['path']:<8}{line['database']:<9}{line['mode']:<7}{line['prompt']:<7}"
              f"{line['conc']:>5}{line['rps']:>9.0f}{line['p50_ms']:>9.2f}{line['p99_ms']:>9.2f}"
              f"{line['p99_over_p50']:>8.1f}{cpu:>8}{added:>9}"
              f"{'-' if times is None else f'{times:.1f}':>10}"
              f"{'-' if share is None else f'{share:.3f}':>16}")
    if data.get("scaling"):
        print("scaling (PostgreSQL + Redis, JSON, prompt without personal data):")
        base = {s["concurrency"]: s["rps"] for s in data["scaling"] if s["shape"] == "1 worker"}
        for s in data["scaling"]:
            gain = s["rps"] - base.get(s["concurrency"], s["rps"])
            print(f"  {s['shape']:<12} c={s['concurrency']:<3} {s['rps']:8.0f} req/s  "
                  f"p50 {s['p50_ms']:6.2f}  p99 {s['p99_ms']:7.2f} ms  "
                  f"added worker: {gain:+.0f} req/s")
    print("goals:")
    for goal in data["goals"]:
        print(f"  {goal}")
    failed = [r for r in data["rows"] if r["non_2xx"] or r["errors"]]
    for r in failed:
        print(f"FAILED: {r['path']} {r['database']} {r['mode']} {r['prompt']} c={r['conc']}: "
              f"{r['rps']:.0f} req/s, {r['non_2xx']} non-2xx, {r['errors']} errors "
              "(none answered within 10 s when req/s is 0)")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="The gateway as shipped, LiteLLM and the direct "
                                            "path in one run (see bench/README.md).")
    p.add_argument("--duration", type=float, default=8.0, help="seconds per measure")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per measure")
    p.add_argument("--concurrency", default="1,16,64")
    p.add_argument("--databases", default="sqlite,postgres",
                   help="sqlite and/or postgres (PostgreSQL log + Redis counters)")
    p.add_argument("--modes", default="json,stream")
    p.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
                   help="a server where the run may create a database")
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    p.add_argument("--hosting", default="eu", choices=["eu", "on_prem", "us"],
                   help="the bench model's hosting (eu: personal data is pseudonymized)")
    p.add_argument("--policies-dir", help="another policy set, used as it is")
    p.add_argument("--limits-as-is", action="store_true",
                   help="the bundled limits as shipped (30 requests/minute: expect 429s)")
    p.add_argument("--permissive", action="store_true", help="allow everything, no limits")
    p.add_argument("--no-redaction", action="store_true", help="personal-data scan off")
    p.add_argument("--no-litellm", action="store_true", help="leave the LiteLLM proxy out")
    p.add_argument("--scaling", action="store_true",
                   help="also --workers 2 and two replicas on PostgreSQL + Redis")
    p.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--upstream-delay-ms", type=float, default=0.0)
    p.add_argument("--json", dest="json_out", help="also write the results to this file")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    procs = Processes()
    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    tmp = Path(tempfile.mkdtemp(prefix="gateway-compare-"))
    try:
        bench = Bench(args, procs, tmp)
        started = time.monotonic()
        extra = measure_all(bench)
        data = report(bench, extra)
        data["wall_s"] = round(time.monotonic() - started)
        print_report(data)
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(data, indent=2))
        return 1 if any(r["non_2xx"] or r["errors"] for r in data["rows"]) else 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        procs.stop_all()
        if args.keep:
            print(f"kept {tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

"""Measure the latency and throughput the gateway adds in front of an upstream.

One run starts the fake upstream (bench/fake_upstream.py) and the gateway (``gateway serve``)
as subprocesses, then for each concurrency drives the same chat request directly to the
upstream and through the gateway, with wrk when installed (else an aiohttp loop in a separate
process), and prints requests/s, p50 and p99 per target and the gateway's added median.

    python bench/overhead.py [--duration 10] [--concurrency 1,16] [--stream] [--json]
    python bench/overhead.py --direct-only      # the upstream alone (no gateway needed)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, NoReturn

import policies  # bench/policies.py: `python bench/overhead.py` puts bench/ on sys.path

REPO = Path(__file__).resolve().parent.parent
MESSAGE = (
    "Bonjour, pourriez-vous m'expliquer en quelques phrases simples comment préparer le budget "
    "annuel d'une petite entreprise, en insistant sur la trésorerie, les charges fixes et les "
    "investissements ?"
)
WRK_MARK = "BENCH_JSON "
WRK_LUA = """\
wrk.method = "POST"
wrk.body = [==[{body}]==]
{headers}
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "{mark}{{\\"requests\\":%d,\\"duration_us\\":%d,\\"p50_us\\":%d,\\"p99_us\\":%d,"
    .. "\\"status\\":%d,\\"connect\\":%d,\\"read\\":%d,\\"write\\":%d,\\"timeout\\":%d}}\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect, e.read, e.write, e.timeout))
end
"""


@dataclass
class Result:
    target: str
    concurrency: int
    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int  # connection errors and timeouts
    tool: str
    # CPU time the gateway process spent per request (user + system): unlike latency, it
    # barely moves when other work shares the machine, so it compares changes on a busy host.
    cpu_us: float | None = None


class Processes:
    """Subprocesses in their own process group, all killed on exit or Ctrl-C."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []

    def start(self, cmd: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        with log.open("wb") as out:
            proc = subprocess.Popen(
                cmd, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(5)
        self.procs.clear()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fail(message: str, log: Path | None = None) -> NoReturn:
    tail = "\n" + log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise SystemExit(f"overhead: {message}{tail}")


def wait_ok(url: str, proc: subprocess.Popen[bytes], log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            fail(f"{url}: process exited with {proc.returncode}; its output:", log)
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    fail(f"{url} did not answer 200 within {timeout:.0f} s; output:", log)


def post_once(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def create_key(gateway: str, env: dict[str, str]) -> str:
    cmd = [gateway, "keys", "create", "--user", "bench@example.com", "--department", "bench"]
    cmd += ["--role", "employee", "--json"]
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        fail(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    match = re.search(r"\{.*\}", done.stdout, re.S)
    try:
        key = json.loads(match.group(0) if match else "")["key"]
    except (ValueError, KeyError, TypeError):
        fail(f"no 'key' in the output of {' '.join(cmd)}:\n{done.stdout}")
    return str(key)


# --- load generators ----------------------------------------------------------------------
def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))] if ordered else 0.0


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def parse_wrk_latency(text: str) -> dict[str, float]:
    """Percentiles (ms) from wrk's ``--latency`` block, e.g. ``50%  1.23ms``."""
    found = re.findall(r"^\s*(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    return {pct: float(value) * _UNITS[unit] for pct, value, unit in found}


def run_wrk(
    url: str, body: bytes, headers: dict[str, str], conc: int, secs: float, tmp: Path
) -> Result:
    lua = tmp / "bench.lua"
    header_lines = "\n".join(f'wrk.headers["{k}"] = "{v}"' for k, v in headers.items())
    lua.write_text(WRK_LUA.format(body=body.decode(), headers=header_lines, mark=WRK_MARK))
    cmd = ["wrk", "-t1", f"-c{conc}", f"-d{max(1, round(secs))}s", "--timeout", "10s"]
    cmd += ["--latency", "-s", str(lua), url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60)
    if done.returncode != 0:
        fail(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith(WRK_MARK)), None)
    if line is None:
        fail(f"unexpected wrk output:\n{done.stdout}")
    data = json.loads(line[len(WRK_MARK) :])
    seconds = data["duration_us"] / 1e6
    percentiles = parse_wrk_latency(done.stdout)
    errors = data["connect"] + data["read"] + data["write"] + data["timeout"]
    return Result(
        target="",
        concurrency=conc,
        requests=data["requests"],
        seconds=round(seconds, 2),
        rps=round(data["requests"] / seconds, 1),
        # done() gives microseconds; the --latency block is the fallback (2 decimals only).
        p50_ms=round(data["p50_us"] / 1000 or percentiles.get("50", 0.0), 3),
        p99_ms=round(data["p99_us"] / 1000 or percentiles.get("99", 0.0), 3),
        non_2xx=data["status"],
        errors=errors,
        tool="wrk",
    )


async def _aiohttp_load(spec: dict[str, Any]) -> dict[str, Any]:
    import aiohttp

    conc, secs = int(spec["concurrency"]), float(spec["seconds"])
    body = spec["body"].encode()
    latencies: list[float] = []
    counts = {"non_2xx": 0, "errors": 0}
    connector = aiohttp.TCPConnector(limit=conc)
    timeout = aiohttp.ClientTimeout(total=10)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        deadline = time.perf_counter() + secs

        async def worker() -> None:
            while time.perf_counter() < deadline:
                start = time.perf_counter()
                try:
                    async with session.post(spec["url"], data=body, headers=spec["headers"]) as r:
                        await r.read()
                        status = r.status
                except (aiohttp.ClientError, TimeoutError):
                    counts["errors"] += 1
                    continue
                latencies.append(time.perf_counter() - start)
                if not 200 <= status < 300:
                    counts["non_2xx"] += 1

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(conc)))
        elapsed = time.perf_counter() - began
    return {"latencies": latencies, "seconds": elapsed, **counts}


def run_python(url: str, body: bytes, headers: dict[str, str], conc: int, secs: float) -> Result:
    spec = {"url": url, "body": body.decode(), "headers": headers, "concurrency": conc}
    spec["seconds"] = secs
    cmd = [sys.executable, __file__, "--loadgen", json.dumps(spec)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=secs + 60)
    if done.returncode != 0:
        fail(f"load generator failed:\n{done.stderr}")
    data = json.loads(done.stdout)
    lat = data["latencies"]
    return Result(
        target="",
        concurrency=conc,
        requests=len(lat),
        seconds=round(data["seconds"], 2),
        rps=round(len(lat) / data["seconds"], 1),
        p50_ms=round(percentile(lat, 50) * 1000, 3),
        p99_ms=round(percentile(lat, 99) * 1000, 3),
        non_2xx=data["non_2xx"],
        errors=data["errors"],
        tool="python",
    )


# --- main ---------------------------------------------------------------------------------
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Gateway overhead benchmark (see bench/README.md).")
    p.add_argument("--gateway-bin", default="gateway", help="the gateway command (default: PATH)")
    p.add_argument("--database-url", help="default: sqlite:///<tmpdir>/bench.db")
    p.add_argument("--policies-dir", help="another policy set, used as it is")
    p.add_argument("--permissive", action="store_true",
                   help="allow everything, no limits (default: the bundled policies, limits "
                        "raised out of reach: bench/policies.py)")
    p.add_argument("--limits-as-is", action="store_true",
                   help="the bundled limits as shipped (30 requests/minute: expect 429s)")
    p.add_argument("--hosting", default="eu", choices=["eu", "on_prem", "us"],
                   help="the bench model's hosting (eu: personal data is pseudonymized)")
    p.add_argument("--concurrency", default="1,16", help="comma-separated (default 1,16)")
    p.add_argument("--duration", type=float, default=10.0, help="seconds per measure")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up per measure")
    p.add_argument("--stream", action="store_true", help="stream: true (SSE) requests")
    p.add_argument("--message", default=MESSAGE, help="the user message sent")
    p.add_argument("--tool", choices=["auto", "wrk", "python"], default="auto")
    p.add_argument("--direct-only", action="store_true", help="measure the upstream alone")
    p.add_argument("--upstream-delay-ms", type=float, default=0.0)
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder and logs")
    p.add_argument("--soak-minutes", type=float, default=0.0,
                   help="instead of the comparison: load the gateway this long (first "
                        "--concurrency value) and print its RSS every 30 s")
    p.add_argument("--no-redaction", action="store_true",
                   help="personal-data scan off (the core pipeline alone)")
    p.add_argument("--loadgen", help=argparse.SUPPRESS)
    return p.parse_args(argv)


def print_table(results: list[Result], added: dict[int, float]) -> None:
    head = ("target", "conc", "req/s", "p50 ms", "p99 ms", "non2xx", "errors", "cpu us/req")
    print("{:<9}{:>5}{:>10}{:>10}{:>10}{:>8}{:>8}{:>12}".format(*head))
    for r in results:
        cpu = f"{r.cpu_us:.0f}" if r.cpu_us is not None else "-"
        print(
            f"{r.target:<9}{r.concurrency:>5}{r.rps:>10.1f}{r.p50_ms:>10.2f}{r.p99_ms:>10.2f}"
            f"{r.non_2xx:>8}{r.errors:>8}{cpu:>12}"
        )
    for conc, ms in added.items():
        print(f"gateway added median latency at c={conc}: {ms:.2f} ms")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def soak(
    args: argparse.Namespace, target: tuple[str, dict[str, str]], body: bytes, pid: int,
    tool: str, tmp: Path,
) -> int:
    """Steady load in 30 s slices; RSS after each: a leak shows as growth after warm-up."""
    url, headers = target
    conc = int(args.concurrency.split(",")[0])
    start = rss_mb(pid)
    print(f"soak: {args.soak_minutes} min at concurrency {conc}; RSS at start {start:.1f} MB")
    samples: list[float] = []
    deadline = time.monotonic() + args.soak_minutes * 60
    failed = 0
    while time.monotonic() < deadline:
        if tool == "wrk":
            result = run_wrk(url, body, headers, conc, 30, tmp)
        else:
            result = run_python(url, body, headers, conc, 30)
        failed += result.non_2xx + result.errors
        samples.append(rss_mb(pid))
        print(f"  {len(samples) * 30:5d} s  {result.rps:7.0f} req/s  RSS {samples[-1]:7.1f} MB",
              flush=True)
    print(f"RSS start {start:.1f} MB, after the first slice {samples[0]:.1f} MB, "
          f"end {samples[-1]:.1f} MB ({samples[-1] - samples[0]:+.1f} MB after warm-up); "
          f"failed requests: {failed}")
    return 1 if failed else 0


def run(args: argparse.Namespace, procs: Processes, tmp: Path) -> int:
    tool = args.tool
    if tool == "auto":
        tool = "wrk" if shutil.which("wrk") else "python"
    elif tool == "wrk" and not shutil.which("wrk"):
        fail("wrk is not installed (apt-get install wrk), or use --tool python")
    up_port = free_port()
    up_log = tmp / "upstream.log"
    up_cmd = [sys.executable, str(REPO / "bench" / "fake_upstream.py"), "--port", str(up_port)]
    up_cmd += ["--delay-ms", str(args.upstream_delay_ms)]
    upstream = procs.start(up_cmd, dict(os.environ), up_log)
    wait_ok(f"http://127.0.0.1:{up_port}/healthz", upstream, up_log)

    payload: dict[str, Any] = {
        "model": "bench-model",
        "messages": [{"role": "user", "content": args.message}],
        "max_tokens": 64,
    }
    if args.stream:
        payload["stream"] = True
        payload["stream_options"] = {"include_usage": True}
    body = json.dumps(payload, ensure_ascii=False).encode()
    base_headers = {"Content-Type": "application/json", "User-Agent": "OpenAI/Python bench"}
    targets = {
        "direct": (
            f"http://127.0.0.1:{up_port}/v1/chat/completions",
            {**base_headers, "Authorization": "Bearer bench"},
        )
    }
    if not args.direct_only:
        gw_port = free_port()
        env = {
            **os.environ,
            "GATEWAY_DATABASE_URL": args.database_url or f"sqlite:///{tmp}/bench.db",
            "GATEWAY_MODELS_FILE": str(tmp / "models.yaml"),
            "GATEWAY_SECRET_KEY": secrets.token_hex(32),
            "GATEWAY_REDACTION_ENABLED": "false" if args.no_redaction else "true",
            "BENCH_UPSTREAM_KEY": "bench",
        }
        policies.catalogue(tmp / "models.yaml", up_port, args.hosting)
        if args.policies_dir:
            env["GATEWAY_POLICIES_DIR"] = str(Path(args.policies_dir).resolve())
        elif args.permissive:
            env["GATEWAY_POLICIES_DIR"] = str(policies.permissive(tmp / "policies"))
        else:
            policy_dir = policies.bundled(tmp / "policies", raise_limits=not args.limits_as_is)
            env["GATEWAY_POLICIES_DIR"] = str(policy_dir)
        gateway_bin = shutil.which(args.gateway_bin)
        beside_python = Path(sys.executable).parent / "gateway"
        if gateway_bin is None and args.gateway_bin == "gateway" and beside_python.exists():
            gateway_bin = str(beside_python)  # run with the venv's python, not on PATH
        if gateway_bin is None:
            fail(f"gateway command not found: {args.gateway_bin} (pip install -e .)")
        args.gateway_bin = gateway_bin
        gw_log = tmp / "gateway.log"
        gw_cmd = [args.gateway_bin, "serve", "--host", "127.0.0.1", "--port", str(gw_port)]
        gateway = procs.start(gw_cmd, env, gw_log)
        wait_ok(f"http://127.0.0.1:{gw_port}/healthz", gateway, gw_log)
        key = create_key(args.gateway_bin, env)
        gw_headers = {**base_headers, "Authorization": f"Bearer {key}"}
        gw_headers["X-Gateway-Tool"] = "openai-python"
        targets["gateway"] = (f"http://127.0.0.1:{gw_port}/v1/chat/completions", gw_headers)

    for name, (url, headers) in targets.items():
        status, text = post_once(url, body, headers)
        complete = "data: [DONE]" in text if args.stream else '"choices"' in text
        if status != 200 or not complete:
            fail(f"{name}: a first request answered {status}: {text[:2000]}")

    if args.soak_minutes > 0 and "gateway" in targets:
        return soak(args, targets["gateway"], body, gateway.pid, tool, tmp)

    results: list[Result] = []
    for conc in [int(c) for c in args.concurrency.split(",") if c.strip()]:
        for name, (url, headers) in targets.items():
            measures = [args.warmup, args.duration] if args.warmup > 0 else [args.duration]
            for secs in measures:
                cpu_before = cpu_seconds(gateway.pid) if name == "gateway" else 0.0
                if tool == "wrk":
                    result = run_wrk(url, body, headers, conc, secs, tmp)
                else:
                    result = run_python(url, body, headers, conc, secs)
            result.target = name
            if name == "gateway" and result.requests:
                spent = cpu_seconds(gateway.pid) - cpu_before
                result.cpu_us = round(spent / result.requests * 1e6, 1)
            results.append(result)
            if not args.json:
                print(f"  measured {name} c={conc}: {result.rps:.0f} req/s", file=sys.stderr)

    by_key = {(r.target, r.concurrency): r for r in results}
    added = {
        conc: round(r.p50_ms - by_key[("direct", conc)].p50_ms, 3)
        for (target, conc), r in by_key.items()
        if target == "gateway"
    }
    if args.json:
        report = {
            "tool": tool,
            "stream": args.stream,
            "duration_s": args.duration,
            "results": [asdict(r) for r in results],
            "gateway_added_p50_ms": {str(c): ms for c, ms in added.items()},
        }
        print(json.dumps(report, indent=2))
    else:
        print_table(results, added)
    bad = [r for r in results if r.non_2xx or r.errors]
    if bad:
        for r in bad:
            print(
                f"ERROR: {r.target} c={r.concurrency}: {r.non_2xx} non-2xx, {r.errors} errors",
                file=sys.stderr,
            )
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.loadgen:
        print(json.dumps(asyncio.run(_aiohttp_load(json.loads(args.loadgen)))))
        return 0
    procs = Processes()
    # SIGTERM ends the run like Ctrl-C does, so the finally below kills the subprocesses.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in background
    tmp = Path(tempfile.mkdtemp(prefix="gateway-bench-"))
    try:
        return run(args, procs, tmp)
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

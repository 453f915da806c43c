"""One command for the production benchmark: every database × mode × concurrency, one table.

    python bench/matrix.py [--duration 10] [--concurrency 1,16,64]
                           [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Runs ``bench/overhead.py`` (fake upstream, gateway, wrk) for SQLite and PostgreSQL, streaming
and not, and prints requests/s, p50/p99 and the gateway's added median latency over the
direct call for each row. Every request is logged by the gateway, as in production.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


def run(database_url: str | None, stream: bool, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, str(HERE / "overhead.py"), "--json", "--duration", str(args.duration),
           "--warmup", str(args.warmup), "--concurrency", args.concurrency]
    if database_url:
        cmd += ["--database-url", database_url]
    if stream:
        cmd.append("--stream")
    if args.redaction:
        cmd.append("--redaction")
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"overhead.py failed for {database_url or 'sqlite'} stream={stream}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--postgres-url",
                        default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--redaction", action="store_true", help="personal-data scan on")
    args = parser.parse_args()
    print(f"{'database':<11}{'mode':<8}{'conc':>5}{'direct req/s':>14}{'gw req/s':>10}"
          f"{'gw p50':>9}{'gw p99':>9}{'added p50':>11}")
    for label, url in (("sqlite", None), ("postgresql", args.postgres_url)):
        for stream in (False, True):
            report = run(url, stream, args)
            rows = {(r["target"], r["concurrency"]): r for r in report["results"]}
            added = report["gateway_added_p50_ms"]
            for conc in sorted({c for _, c in rows}):
                direct, gateway = rows[("direct", conc)], rows[("gateway", conc)]
                print(f"{label:<11}{'stream' if stream else 'json':<8}{conc:>5}"
                      f"{direct['rps']:>14.0f}{gateway['rps']:>10.0f}"
                      f"{gateway['p50_ms']:>9.2f}{gateway['p99_ms']:>9.2f}"
                      f"{added[str(conc)]:>11.2f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

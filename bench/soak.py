"""Memory over a long steady load: the gateway's RSS every 10 s while wrk drives it.

    python bench/soak.py [--minutes 10] [--concurrency 16] [--database sqlite|postgres]
                         [--prompt plain|pii]

One worker with the bundled policies (limits out of reach, scan on), the fake provider, wrk
in back-to-back slices of ``--every`` seconds; after each slice the process's RSS. A leak
shows as growth that keeps going after the warm-up (the first minute): the report gives the
RSS at the start, after the first minute and at the end, and the slope over the second half.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from launch import add_options, chat_body, start_gateway, start_upstream
from overhead import Processes, rss_mb, run_wrk

HERE = Path(__file__).resolve().parent


def slope_mb_per_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of RSS over time, MB per minute."""
    if len(samples) < 2:
        return 0.0
    times = [t for t, _ in samples]
    sizes = [m for _, m in samples]
    mean_t, mean_m = statistics.fmean(times), statistics.fmean(sizes)
    spread = sum((t - mean_t) ** 2 for t in times)
    covariance = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return covariance / spread * 60 if spread else 0.0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--every", type=float, default=10.0, help="seconds between RSS samples")
    p.add_argument("--concurrency", type=int, default=16)
    add_options(p)
    args = p.parse_args()
    procs = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="gateway-soak-"))
    body = chat_body(args.prompt)
    try:
        up_port = start_upstream(procs, tmp)
        url, headers, pid, _ = start_gateway(procs, tmp, "gateway", HERE.parent, up_port, args)
        first = rss_mb(pid)
        print(f"soak: {args.minutes:g} min at concurrency {args.concurrency}, {args.database}; "
              f"RSS at start {first:.1f} MB", flush=True)
        samples: list[tuple[float, float]] = []
        elapsed, failed, requests = 0.0, 0, 0
        while elapsed < args.minutes * 60:
            result = run_wrk(url, body, headers, args.concurrency, args.every, tmp)
            elapsed += result.seconds
            failed += result.non_2xx + result.errors
            requests += result.requests
            samples.append((elapsed, rss_mb(pid)))
            print(f"  {elapsed:6.0f} s  {result.rps:7.0f} req/s  RSS {samples[-1][1]:7.1f} MB",
                  flush=True)
        warm = next((m for t, m in samples if t >= 60), samples[0][1])
        half = [s for s in samples if s[0] >= elapsed / 2]
        print(f"RSS start {first:.1f} MB, after 1 min {warm:.1f} MB, end {samples[-1][1]:.1f} MB "
              f"({samples[-1][1] - warm:+.1f} MB after the first minute), max "
              f"{max(m for _, m in samples):.1f} MB; slope over the second half "
              f"{slope_mb_per_min(half):+.2f} MB/min; {requests} requests, "
              f"{requests / elapsed:.0f} req/s on average, {failed} failed")
        return 1 if failed else 0
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())

"""Compare two checkouts of the gateway on a shared host: alternating rounds, paired ratios.

    python bench/ab.py BASE_DIR NEW_DIR [--rounds 8] [--seconds 3] [--concurrency 16,1]
                       [--database sqlite|postgres]

Each checkout runs as its own `gateway serve` (one worker, bundled policies with limits out
of reach, scan on; its code imported from the checkout through PYTHONPATH, this venv's
dependencies) against one fake provider. Each round loads base then new (then new then base
on the next round, so neither always runs second) with wrk for a few seconds per
concurrency, and reads the CPU time each gateway process spent (on PostgreSQL, also that of
the server's backends serving each build's database). CPU µs per request moves much less
than requests/s when other work shares the machine; the medians of the per-round ratios
(new / base) are the figures a commit reports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

from compare import database_cpu_seconds, tree_cpu_seconds
from launch import add_options, chat_body, start_gateway, start_upstream
from overhead import Processes, post_once, run_wrk


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("base", type=Path)
    p.add_argument("new", type=Path)
    p.add_argument("--rounds", type=int, default=8)
    p.add_argument("--seconds", type=float, default=3.0)
    p.add_argument("--concurrency", default="16,1")
    add_options(p)
    args = p.parse_args()
    procs = Processes()
    tmp = Path(tempfile.mkdtemp(prefix="gateway-ab-"))
    body = chat_body(args.prompt)
    try:
        up_port = start_upstream(procs, tmp)
        builds = {name: start_gateway(procs, tmp, name, path.resolve(), up_port, args)
                  for name, path in (("base", args.base), ("new", args.new))}
        for url, headers, _, _ in builds.values():
            status, text = post_once(url, body, headers)
            if status != 200:
                raise SystemExit(f"{url}: {status} {text[:500]}")
            run_wrk(url, body, headers, 16, 2, tmp)  # warm-up
        concs = [int(c) for c in args.concurrency.split(",")]
        ratios: dict[int, dict[str, list[float]]] = {c: {"cpu": [], "rps": []} for c in concs}
        cpus: dict[tuple[str, int], list[float]] = {}
        db_cpus: dict[tuple[str, int], list[float]] = {}
        for rnd in range(args.rounds):
            order = ["base", "new"] if rnd % 2 == 0 else ["new", "base"]
            for conc in concs:
                got = {}
                for name in order:
                    url, headers, pid, database = builds[name]
                    before = tree_cpu_seconds(pid)
                    db_before = database_cpu_seconds(database) if database else 0.0
                    result = run_wrk(url, body, headers, conc, args.seconds, tmp)
                    cpu = (tree_cpu_seconds(pid) - before) / max(result.requests, 1) * 1e6
                    if database:
                        db_cpus.setdefault((name, conc), []).append(
                            (database_cpu_seconds(database) - db_before)
                            / max(result.requests, 1) * 1e6)
                    if result.non_2xx or result.errors:
                        print(f"  {name} c={conc}: {result.non_2xx} non-2xx, "
                              f"{result.errors} errors", file=sys.stderr)
                    got[name] = (result.rps, cpu)
                    cpus.setdefault((name, conc), []).append(cpu)
                ratios[conc]["rps"].append(got["new"][0] / got["base"][0])
                ratios[conc]["cpu"].append(got["new"][1] / got["base"][1])
                print(f"round {rnd + 1} c={conc}: base {got['base'][0]:.0f} req/s "
                      f"{got['base'][1]:.0f} us, new {got['new'][0]:.0f} req/s "
                      f"{got['new'][1]:.0f} us", file=sys.stderr, flush=True)
        print(f"load {os.getloadavg()[0]:.1f}; {args.rounds} rounds of {args.seconds:g} s, "
              f"{args.database}, medians of paired ratios (new/base):")
        for conc in concs:
            print(f"  c={conc}: req/s x{statistics.median(ratios[conc]['rps']):.3f}, "
                  f"CPU us/request x{statistics.median(ratios[conc]['cpu']):.3f} "
                  f"({statistics.median(cpus[('base', conc)]):,.0f} -> "
                  f"{statistics.median(cpus[('new', conc)]):,.0f} medians)")
            if db_cpus:
                # The database server's backends for each build: CPU the host's cores
                # spend beside the gateway's.
                print(f"        PostgreSQL backends' CPU us/request "
                      f"{statistics.median(db_cpus[('base', conc)]):,.0f} -> "
                      f"{statistics.median(db_cpus[('new', conc)]):,.0f} medians")
        return 0
    finally:
        procs.stop_all()


if __name__ == "__main__":
    sys.exit(main())

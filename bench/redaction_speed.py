"""Per-text cost of the personal-data scan on ~200-character prompts.

Usage: python bench/redaction_speed.py [--rounds N] [--json]

The issue-15 goal is at most 6 ms added at the median at concurrency 1. This
measures what the scan itself costs on one text, the way the gateway calls it
for one request (``RedactionService.analyze_batch([text])``, cache off):
wall time and the calling thread's CPU time (``time.thread_time``), which
moves far less than wall time when other work shares the machine. The prompts
are ~200 characters of the kinds the gateway sees (a question with a name, a
chat line in lower case, a CSV extract, a log line, a config line, a prompt
without personal data); each round runs them all, in a rotating order.

Compare two versions back to back on the same machine, e.g.
``git worktree add /tmp/base <commit>`` then
``PYTHONPATH=/tmp/base python /tmp/base/bench/redaction_speed.py`` (a commit
without this file: copy it there) and ``python bench/redaction_speed.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
if "PYTHONPATH" not in os.environ:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

PROMPTS = (
    "Bonjour, peux-tu rédiger une réponse polie à Mme Sandrine Keller qui se plaint d'un "
    "retard de livraison de sa commande 44812 ? Propose un geste commercial de 10 % et "
    "rappelle notre numéro 01 44 52 18 90.",
    "salut, tu peux relancer karim pour le devis de la cuisine ? il m'a dit qu'il passerait "
    "demain vers 10h avec les plans, sinon appelle-le au 06 12 48 33 90 stp, merci d'avance",
    "Nom;Prénom;Service;Salaire\nLeclerc;Margaux;Compta;2450\nNguyen;Thanh;Atelier;2100\n"
    "Résume ce tableau par service avec la masse salariale totale et la moyenne par personne.",
    "Explique cette erreur : 2026-12-03 08:14:22 ERROR auth.login failed for "
    "user=p.durand@exemple.fr ip=88.164.21.7 reason=locked after 5 attempts, et dis-moi "
    "comment débloquer le compte.",
    "Pourquoi ma connexion échoue ? DATABASE_URL=postgres://app:S3cr3t-Pg@db.internal:5432/"
    "crm et le serveur répond 'password authentication failed'. Je suis sur PostgreSQL 16.",
    "Rédige un post LinkedIn de trois paragraphes pour annoncer l'ouverture de notre nouvel "
    "atelier à Nantes au printemps, avec un ton chaleureux et une invitation à l'inauguration.",
)


def measure(rounds: int) -> dict[str, float]:
    from gateway.redaction import RedactionConfig, RedactionService

    started = time.perf_counter()
    service = RedactionService(RedactionConfig(cache_size=0))
    load = time.perf_counter() - started
    for prompt in PROMPTS:  # warm-up
        service.analyze_batch([prompt])
    walls: list[float] = []
    cpus: list[float] = []
    for index in range(rounds):
        shift = index % len(PROMPTS)
        for prompt in PROMPTS[shift:] + PROMPTS[:shift]:
            wall, cpu = time.perf_counter(), time.thread_time()
            service.analyze_batch([prompt])
            cpus.append((time.thread_time() - cpu) * 1000)
            walls.append((time.perf_counter() - wall) * 1000)
    service.close()
    walls.sort()
    cpus.sort()
    return {
        "prompts": len(PROMPTS),
        "mean_chars": statistics.mean(len(p) for p in PROMPTS),
        "calls": len(walls),
        "wall_median_ms": statistics.median(walls),
        "wall_p90_ms": walls[int(0.9 * (len(walls) - 1))],
        "cpu_median_ms": statistics.median(cpus),
        "cpu_p90_ms": cpus[int(0.9 * (len(cpus) - 1))],
        "load_s": load,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = measure(args.rounds)
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{result['calls']} calls on {result['prompts']} prompts of "
        f"~{result['mean_chars']:.0f} chars: wall median {result['wall_median_ms']:.2f} ms "
        f"(p90 {result['wall_p90_ms']:.2f}), CPU median {result['cpu_median_ms']:.2f} ms "
        f"(p90 {result['cpu_p90_ms']:.2f}); engine load {result['load_s']:.2f} s"
    )


if __name__ == "__main__":
    main()

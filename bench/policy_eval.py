"""Micro-benchmark of policy evaluation.

Loads the bundled policies plus synthetic rules (20 rules in total, with
globs, keyword and regex content conditions), evaluates a mix of realistic
requests and prints the median and p99 latency of ``PolicySet.evaluate``.

    /work/.venv-dev/bin/python bench/policy_eval.py [--iterations N]

Goal: median under 100 µs per request.
"""

from __future__ import annotations

import argparse
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.policies import PolicySet, RequestContext, load_policy_set  # noqa: E402

EXTRA_RULES = """
description: Règles synthétiques pour le banc d'essai
rules:
"""
EXTRA_TEMPLATE = """
  - id: synthetique-{i}
    priority: {priority}
    match:
      departments: [dep-{i}, compta]
      models: ["gpt-4*", "claude-*"]
      function_tools: ["*tool_{i}*"]
      content:
        keywords: [PROJET-{i}, code-{i}]
        regex: ['\\bREF-{i}-\\d{{4}}\\b']
    action: {action}
{extra}"""


def build_set(tmp: pathlib.Path, total_rules: int = 20) -> PolicySet:
    """Bundled policies plus synthetic rules up to ``total_rules``."""
    bundled = ROOT / "policies"
    for path in bundled.glob("*.yaml"):
        shutil.copy(path, tmp / path.name)
    base = len(load_policy_set(tmp).rules)
    text = EXTRA_RULES
    for i in range(max(total_rules - base, 0)):
        action = ("deny", "hold", "allow")[i % 3]
        extra = "    message: non\n" if action != "allow" else ""
        text += EXTRA_TEMPLATE.format(i=i, priority=i % 5, action=action, extra=extra)
    (tmp / "90-synthetique.yaml").write_text(text, encoding="utf-8")
    return load_policy_set(tmp)


def contexts() -> list[RequestContext]:
    """A mix of requests: short chat, long document, tool calls, PII."""
    long_doc = ("Compte rendu de réunion du comité de direction. " * 80).strip()
    return [
        RequestContext(
            user="a@exemple.fr",
            department="compta",
            tool="open-webui",
            model="gpt-4o",
            provider="openai",
            hosting="us",
            pii_counts={"PERSON": 2},
            estimated_tokens=120,
            messages=(
                ("system", "Tu es un assistant."),
                ("user", "Rédige un mail de relance pour la facture 42."),
            ),
        ),
        RequestContext(
            user="b@exemple.fr",
            department="rh",
            tool="continue",
            model="claude-3-5-sonnet",
            provider="anthropic",
            hosting="us",
            estimated_tokens=1000,
            messages=(
                ("user", long_doc),
                ("assistant", "D'accord."),
                ("user", "Résume en 5 points."),
            ),
        ),
        RequestContext(
            user="c@exemple.fr",
            department="ventes",
            tool="langchain",
            key_tags=frozenset({"stagiaire"}),
            model="mistral-small",
            provider="mistral",
            hosting="eu",
            tool_names=("search_crm", "crm_send_email"),
            estimated_tokens=300,
            messages=(("user", "Envoie le devis au client."),),
        ),
        RequestContext(
            user="d@exemple.fr",
            department="direction",
            tool="open-webui",
            model="echo",
            provider="echo",
            hosting="on_prem",
            pii_counts={"FR_NIR": 1},
            estimated_tokens=50,
            messages=(("user", "CONFIDENTIEL : projet de rachat"),),
        ),
    ]


def measure(policy_set: PolicySet, iterations: int) -> list[float]:
    """Per-call latencies in microseconds."""
    samples: list[float] = []
    ctxs = contexts()
    clock = time.perf_counter_ns
    for _ in range(iterations):
        for ctx in ctxs:
            start = clock()
            policy_set.evaluate(ctx)
            samples.append((clock() - start) / 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=5000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        policy_set = build_set(pathlib.Path(tmp))
    measure(policy_set, 200)  # warm-up: regex caches, allocator
    samples = sorted(measure(policy_set, args.iterations))
    p99 = samples[int(len(samples) * 0.99) - 1]
    print(f"règles : {len(policy_set.rules)}  évaluations : {len(samples)}")
    print(
        f"médiane : {statistics.median(samples):.1f} µs   p99 : {p99:.1f} µs   "
        f"max : {samples[-1]:.1f} µs"
    )


if __name__ == "__main__":
    main()

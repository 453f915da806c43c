"""What the benchmarks run: the bundled policies (limits out of reach) and the catalogue.

The bundled `policies/` caps a user at 30 requests a minute (`30-budgets.yaml`): a load test
would measure 429s. ``bundled(..., raise_limits=True)`` copies the set and multiplies every
limit's amounts by a million, so every request is still counted against every budget and
rate limit the bundled set declares (the counters' cost is measured) but none is reached.
Everything else (authorized tools, personal-data rules, content logging) is as shipped.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parent.parent
BUNDLED = REPO / "policies"
OUT_OF_REACH = 1_000_000
_AMOUNTS = ("requests_per_minute", "tokens_per_day", "spend_per_month_eur")

MODELS_YAML = """\
models:
  - name: bench-model
    provider: openai_compatible
    upstream_model: bench-model
    base_url: http://127.0.0.1:{port}/v1
    api_key_env: BENCH_UPSTREAM_KEY
    hosting: {hosting}
    price_per_mtok: {{input: 0.1, output: 0.3}}
    kind: chat
  # The bundled policies route some requests to `echo` (the default catalogue's model).
  - name: echo
    provider: echo
    hosting: on_prem
"""
PERMISSIVE_YAML = """\
description: Banc de mesure - tout autoriser, sans limite de debit
defaults:
  action: allow
  log_content: redacted
"""


def bundled(target: Path, *, raise_limits: bool = True, source: Path = BUNDLED) -> Path:
    """Copy ``source``'s YAML files into ``target``; with ``raise_limits``, no limit is hit."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.yaml")):
        if path.name == "cases.yaml":  # test cases for `gateway policy test`, not policies
            continue
        if not raise_limits:
            shutil.copy(path, target / path.name)
            continue
        document: dict[str, Any] = yaml.safe_load(path.read_text()) or {}
        for limit in document.get("limits") or []:
            for amount in _AMOUNTS:
                if limit.get(amount):
                    limit[amount] = limit[amount] * OUT_OF_REACH
        (target / path.name).write_text(yaml.safe_dump(document, allow_unicode=True))
    return target


def catalogue(target: Path, upstream_port: int, hosting: str) -> Path:
    """The bench catalogue: ``bench-model`` on the fake provider, hosted as ``hosting``."""
    target.write_text(MODELS_YAML.format(port=upstream_port, hosting=hosting))
    return target


def permissive(target: Path) -> Path:
    """One file allowing everything, no limit: the core pipeline alone."""
    target.mkdir(parents=True, exist_ok=True)
    (target / "00-bench.yaml").write_text(PERMISSIVE_YAML)
    return target

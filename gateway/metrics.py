"""Prometheus metrics, one registry per application instance (tests build several).

One worker keeps prometheus_client's plain in-process values: an update is a lock and an
addition, on every request. Several workers (``gateway serve --workers N``) each count in
files of a directory they share (prometheus_client's multiprocess mode, chosen by
``PROMETHEUS_MULTIPROC_DIR`` when the library is imported, which ``gateway serve`` sets
before the workers start), and whichever worker answers ``/metrics`` adds them all up.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)


# The label of any model name outside the catalogue, and of any endpoint outside the routes.
UNKNOWN = "unknown"

_T = TypeVar("_T")


class _KeptChildren:
    """``labels(...)`` answered from a dict after the first call with the same values.

    prometheus_client validates the values, turns each into ``str`` and takes a lock at
    every call, for a child it keeps anyway: nine calls a request, ~2 % of the gateway's CPU
    time (py-spy, bench/README.md). Label values are bounded (see :class:`Metrics`), and so
    is this dict.
    """

    def labels(self: _T, *labelvalues: Any, **labelkwargs: Any) -> _T:
        kept: dict[tuple[Any, ...], _T] = self.__dict__.setdefault("_kept_children", {})
        child = kept.get(labelvalues) if not labelkwargs else None
        if child is None:
            child = super().labels(*labelvalues, **labelkwargs)  # type: ignore[misc]
            if not labelkwargs:
                kept[labelvalues] = child
        return child


class _Counter(_KeptChildren, Counter):
    pass


class _Histogram(_KeptChildren, Histogram):
    pass


class Metrics:
    """The gateway's metrics; label values are bounded (catalogue names, routes, status
    codes): a client's model name becomes a label only if the catalogue has it, since 300
    random names made 600 series and 1 MB names a 40 MB ``/metrics`` (issue 16)."""

    def __init__(self, multiprocess_dir: Path | None = None) -> None:
        # Set when the workers share their values through files there (see module docstring).
        self.multiprocess_dir = multiprocess_dir
        # Filled at start (gateway.app): the catalogue's names and the /v1 routes.
        self.models: frozenset[str] = frozenset()
        self.endpoints: frozenset[str] = frozenset()
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = _Counter(
            "gateway_requests",
            "Requests handled, by endpoint, model and HTTP status.",
            ["endpoint", "model", "status"],
            registry=self.registry,
        )
        self.latency = _Histogram(
            "gateway_request_duration_seconds",
            "Time from request received to response completed (stream end included).",
            ["endpoint", "model"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.upstream_latency = _Histogram(
            "gateway_upstream_duration_seconds",
            "Time spent waiting on the provider.",
            ["provider", "model"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.tokens = _Counter(
            "gateway_tokens",
            "Tokens reported by providers, by model and direction (prompt|completion).",
            ["model", "direction"],
            registry=self.registry,
        )
        self.cost = _Counter(
            "gateway_cost", "Cost from catalogue prices, by model.", ["model"],
            registry=self.registry,
        )
        self.audit_commit = Histogram(
            "gateway_audit_commit_seconds",
            "Duration of one group commit of the interaction log.",
            buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5),
            registry=self.registry,
        )
        self.audit_batch = Histogram(
            "gateway_audit_batch_size",
            "Records written per group commit.",
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256, 512),
            registry=self.registry,
        )
        # Each worker has its own writer queue: the total is the sum over live workers.
        self.audit_queue = Gauge(
            "gateway_audit_queue_depth", "Log writes waiting for the writer thread.",
            multiprocess_mode="livesum", registry=self.registry,
        )
        self.audit_failures = Counter(
            "gateway_audit_write_failures", "Group commits that failed.",
            registry=self.registry,
        )
        self.audit_refused = Counter(
            "gateway_audit_refused_writes",
            "Log writes the database refused: recorded in their minimal form (no content), "
            "never retried.",
            registry=self.registry,
        )
        self.audit_timeouts = Counter(
            "gateway_audit_insert_timeouts",
            "Requests refused (503) because the log did not commit their record in time.",
            registry=self.registry,
        )
        self.overhead = _Histogram(
            "gateway_overhead_seconds",
            "Time the gateway adds: request duration minus time spent on the provider.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.guard = _Histogram(
            "gateway_guard_duration_seconds",
            "Personal-data scan, policy evaluation and redaction of one request.",
            ["endpoint"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        # For the scan's call site (gateway/proxy/guard.py): the scan alone, without the
        # policies. Not observed yet; gateway_guard_duration_seconds covers the whole step.
        self.redaction_scan = Histogram(
            "gateway_redaction_scan_seconds",
            "Personal-data scan of one request's texts.",
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.policy_decisions = _Counter(
            "gateway_policy_decisions",
            "Requests by the decision recorded (allowed, redacted, blocked, held, approved, "
            "error).",
            ["decision"],
            registry=self.registry,
        )
        self.retries = _Counter(
            "gateway_upstream_retries",
            "Upstream calls tried again, by catalogue model and the error that caused it.",
            ["model", "reason"],
            registry=self.registry,
        )
        self.fallbacks = _Counter(
            "gateway_upstream_fallbacks",
            "Requests answered by a fallback model, by requested and fallback model.",
            ["model", "fallback"],
            registry=self.registry,
        )

    def model(self, name: str | None) -> str:
        """A requested model name as a label: the catalogue's, else ``unknown``."""
        return name if name in self.models else UNKNOWN

    def endpoint(self, path: str) -> str:
        """A request path as a label: one of the gateway's routes, else ``unknown``."""
        return path if path in self.endpoints else UNKNOWN

    def render(self) -> bytes:
        """The Prometheus text exposition: this process's registry, or every worker's files."""
        if self.multiprocess_dir is None:
            return generate_latest(self.registry)
        # A fresh registry per scrape, as prometheus_client's multiprocess guide does: the
        # collector reads the files as they are now, live workers and exited ones.
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=str(self.multiprocess_dir))
        return generate_latest(registry)

    def close(self) -> None:
        """At a worker's exit: its live gauges (queue depth) leave the sums."""
        if self.multiprocess_dir is not None:
            multiprocess.mark_process_dead(os.getpid(), str(self.multiprocess_dir))

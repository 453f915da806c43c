"""Metrics of the production issue and the JSON log format."""

from __future__ import annotations

import json
import logging

import httpx

from gateway.logging_setup import InteractionIdFilter, JSONFormatter, interaction_id_var, scrub
from tests.conftest import Gateway


def test_metrics_cover_overhead_decisions_and_the_guard(gw: Gateway, http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    assert http.post("/v1/chat/completions", headers=headers, json={
        "model": "gpt-test", "messages": [{"role": "user", "content": "Bonjour"}]}
    ).status_code == 200
    text = http.get("/metrics").text
    for name in (
        "gateway_overhead_seconds_bucket", "gateway_guard_duration_seconds_bucket",
        'gateway_policy_decisions_total{decision="allowed"}', "gateway_audit_queue_depth",
        "gateway_audit_commit_seconds_bucket", "gateway_upstream_retries",
        "gateway_upstream_fallbacks", "gateway_audit_insert_timeouts_total",
    ):
        assert name in text, name


def test_json_log_lines_carry_the_interaction_id_and_no_sql_parameters() -> None:
    record = logging.LogRecord(
        "gateway.audit.writer", logging.ERROR, __file__, 1,
        "write failed: %s", ("(psycopg.OperationalError) boom\n[SQL: INSERT INTO interactions "
                             "(prompt) VALUES (%(prompt)s)]\n[parameters: {'prompt': 'Jean "
                             "Dupont'}]\n(Background on this error at: https://sqlalche.me)",),
        None,
    )
    token = interaction_id_var.set("abc-123")
    try:
        InteractionIdFilter().filter(record)
    finally:
        interaction_id_var.reset(token)
    line = JSONFormatter().format(record)
    entry = json.loads(line)
    assert entry["interaction_id"] == "abc-123" and entry["level"] == "ERROR"
    assert entry["logger"] == "gateway.audit.writer" and entry["time"].endswith("+00:00")
    assert "Jean Dupont" not in line and "INSERT" not in line and "boom" in line
    assert scrub("plain message") == "plain message"

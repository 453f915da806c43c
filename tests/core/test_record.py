"""The pipeline's one writer of the interaction record (gateway/proxy/record.py), on its own.

It is given :class:`gateway.state.RecordServices` and nothing else: the real
:class:`gateway.audit.recorder.Recorder` over a fake writer that keeps what it was handed:
each test states which rows and completions reach the log, so "exactly one record
per request, and nothing forwarded unlogged" is checked where it is decided.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

import pytest

from gateway.audit.models import COMPLETE, PENDING
from gateway.audit.recorder import Recorder
from gateway.audit.refusal import RecordRefused
from gateway.audit.writer import AuditWriter
from gateway.catalogue import ModelEntry
from gateway.errors import (
    AuditUnavailableError,
    PolicyViolationError,
    UpstreamError,
)
from gateway.principal import Principal
from gateway.proxy import record
from gateway.proxy.exchange import Exchange, Outcome
from gateway.state import RecordServices

ENTRY = ModelEntry(name="gpt-test", provider="openai", hosting="us",
                   price_per_mtok={"input": 1.0, "output": 2.0})


class FakeWriter:
    """Keeps inserts and updates; ``insert`` can stall or fail like a database."""

    def __init__(self, fails: BaseException | None = None, stalls: bool = False) -> None:
        self.inserts: list[dict[str, Any]] = []
        self.updates: list[tuple[str, dict[str, Any]]] = []
        self.fails = fails
        self.stalls = stalls

    async def insert(self, row: dict[str, Any]) -> None:
        self.inserts.append(row)
        if self.stalls:
            await asyncio.sleep(10)
        if self.fails is not None:
            raise self.fails

    def update(self, record_id: str, values: dict[str, Any]) -> None:
        self.updates.append((record_id, values))


class Counter:
    def __init__(self) -> None:
        self.value = 0

    def inc(self) -> None:
        self.value += 1


def services_with(writer: FakeWriter) -> tuple[RecordServices, Counter]:
    recorder = Recorder(cast(AuditWriter, writer))
    recorder.boot_id = "boot-1"
    timeouts = Counter()
    return RecordServices(recorder, insert_timeout_s=0.05, on_timeout=timeouts.inc), timeouts


def exchange(**fields: Any) -> Exchange:
    return Exchange(
        id="i-1", principal=Principal(key_id="k", user="a@exemple.fr", department="compta",
                                      role="employee"),
        tool="curl", endpoint="/v1/chat/completions", model="gpt-test", entry=ENTRY,
        prompt="Bonjour <PERSON_1>", **fields,
    )


async def test_begin_commits_a_pending_record_before_anything_else() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange()
    await record.begin(services, ex)
    [row] = writer.inserts
    assert (row["id"], row["state"], row["boot_id"]) == ("i-1", PENDING, "boot-1")
    assert row["prompt"] == "Bonjour <PERSON_1>" and row["provider"] == "openai"
    assert ex.begun and not ex.finished


async def test_log_content_none_keeps_no_prompt_nor_answer() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange(store_content=False)
    await record.begin(services, ex)
    values = record.finish(services, ex, Outcome(status_code=200, response="Réponse"))
    assert writer.inserts[0]["prompt"] is None and values["response"] is None


async def test_finish_completes_with_cost_and_state() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange(decision="redacted")
    await record.begin(services, ex)
    record.finish(services, ex, Outcome(status_code=200, response="ok", prompt_tokens=1_000_000,
                                     completion_tokens=500_000))
    [(record_id, values)] = writer.updates
    assert record_id == "i-1" and values["state"] == COMPLETE and values["completed_at"]
    assert values["cost"] == pytest.approx(2.0) and values["decision"] == "redacted"
    assert ex.finished


async def test_an_answer_refused_after_forwarding_is_recorded_blocked() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange()
    await record.begin(services, ex)
    values = record.finish(services, ex, Outcome(status_code=403, error="policy_violation: x"))
    assert values["decision"] == "blocked"


async def test_a_request_refused_before_forwarding_gets_exactly_one_final_record() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange()
    error = PolicyViolationError("Refusé.")
    await record.fail(services, ex, error)
    await record.fail(services, ex, error)  # the renderer may see it twice: one record
    [row] = writer.inserts
    assert writer.updates == []
    assert (row["state"], row["decision"], row["status_code"]) == (COMPLETE, "blocked", 403)
    assert row["error"] == "policy_violation: Refusé." and row["completed_at"]


async def test_a_failure_after_begin_completes_the_record_instead_of_adding_one() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange()
    await record.begin(services, ex)
    await record.fail(services, ex, UpstreamError("Le fournisseur a échoué."))
    assert len(writer.inserts) == 1
    [(_, values)] = writer.updates
    assert (values["decision"], values["status_code"]) == ("error", 502)


async def test_a_stalled_log_refuses_the_request_and_its_record_is_completed() -> None:
    writer = FakeWriter(stalls=True)
    services, timeouts = services_with(writer)
    ex = exchange()
    with pytest.raises(AuditUnavailableError):
        await record.begin(services, ex)
    assert timeouts.value == 1
    # The insert may still land: the failure completes it rather than adding a second one.
    assert ex.begun
    await record.fail(services, ex, AuditUnavailableError("indisponible"))
    assert len(writer.inserts) == 1 and len(writer.updates) == 1


async def test_a_record_the_log_refused_is_final_already() -> None:
    writer = FakeWriter(fails=RecordRefused("valeurs refusées"))
    services, _ = services_with(writer)
    ex = exchange()
    with pytest.raises(AuditUnavailableError):
        await record.begin(services, ex)
    assert ex.finished and not ex.begun
    await record.fail(services, ex, AuditUnavailableError("indisponible"))
    assert len(writer.inserts) == 1 and writer.updates == []


async def test_a_log_that_failed_gets_the_refusal_recorded_once_it_can() -> None:
    writer = FakeWriter(fails=OSError("disque plein"))
    services, _ = services_with(writer)
    ex = exchange()
    with pytest.raises(AuditUnavailableError):
        await record.begin(services, ex)
    assert not ex.begun and not ex.finished
    writer.fails = None
    await record.fail(services, ex, AuditUnavailableError("indisponible"))
    final = writer.inserts[-1]
    assert (final["state"], final["decision"], final["status_code"]) == (COMPLETE, "error", 503)


async def test_a_fallback_amends_the_pending_record() -> None:
    writer = FakeWriter()
    services, _ = services_with(writer)
    ex = exchange()
    await record.begin(services, ex)
    ex.entry = ModelEntry(name="mistral-small", provider="mistral", hosting="eu",
                          upstream_model="mistral-small-latest")
    ex.rule_ids.append("fallback:mistral-small")
    record.amend(services, ex)
    [(_, values)] = writer.updates
    assert values == {"provider": "mistral", "upstream_model": "mistral-small-latest",
                      "rule_ids": ["fallback:mistral-small"]}

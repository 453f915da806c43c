"""A route that a model answers in its own API, or through its chat API, translated.

``/v1/responses`` and ``/v1/completions`` pass a request through to a model whose server
speaks that API (``native_apis`` in the catalogue) and, to any other, send it as a chat
request whose answer is translated back. Each route plans the upstream body per model
(a fallback may be another one); what follows the plan is the same for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.catalogue import ModelEntry
from gateway.errors import UpstreamError
from gateway.providers.base import Adapter, ByteStream, HttpAdapter
from gateway.proxy.event_relay import EventSource, upstream_events
from gateway.translation import TranslationError

# OpenAI's own API wants ``max_completion_tokens`` (its reasoning models refuse
# ``max_tokens``); every other OpenAI-compatible server understands ``max_tokens``.
MAX_TOKENS_FIELD = {"openai": "max_completion_tokens"}


@dataclass(slots=True)
class Plan:
    """How one catalogue model gets this request: passed through, or as a chat body."""

    native: bool
    body: dict[str, Any]


# A route's planning: the upstream body for a model (400 naming a field it cannot carry).
PlanFor = Callable[[dict[str, Any], ModelEntry, Adapter, bool], Plan]


def planner(
    plan_for: PlanFor, body: dict[str, Any], entry: ModelEntry, adapter: Adapter, stream: bool,
) -> Callable[[ModelEntry, Adapter], Plan]:
    """The plan per model: the cleared model's at once (a body it cannot carry is refused
    before the record begins), a fallback's when it is tried."""
    first = plan_for(body, entry, adapter, stream)

    def plan(candidate: ModelEntry, candidate_adapter: Adapter) -> Plan:
        if candidate is entry:
            return first
        return plan_for(body, candidate, candidate_adapter, stream)

    return plan


async def whole_answer(
    api: str, plan: Plan, entry: ModelEntry, adapter: Adapter,
    from_chat: Callable[[dict[str, Any]], dict[str, Any]],
) -> tuple[dict[str, Any], float]:
    """The answer in ``api``'s schema (``from_chat`` translates a chat completion), and
    the upstream's latency in milliseconds."""
    if plan.native:
        assert isinstance(adapter, HttpAdapter)
        reply = await adapter.native(api, plan.body)
        return reply.body, reply.latency_ms
    reply = await adapter.chat(plan.body)
    try:
        return from_chat(reply.body), reply.latency_ms
    except TranslationError as exc:
        raise UpstreamError(
            f"Réponse du fournisseur {entry.provider} intraduisible : {exc.message}"
        ) from exc


async def answer_events(
    api: str, plan: Plan, entry: ModelEntry, adapter: Adapter,
    from_chat: Callable[[ByteStream], EventSource],
) -> EventSource:
    """The streamed answer as ``api``'s events (``from_chat`` translates a chat stream)."""
    if plan.native:
        assert isinstance(adapter, HttpAdapter)
        upstream = await adapter.native_stream(api, plan.body)
        return upstream_events(upstream, entry.provider)
    return from_chat(await adapter.chat_stream(plan.body))

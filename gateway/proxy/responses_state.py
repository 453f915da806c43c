"""Conversations chained by id: ``previous_response_id``, ``store``, and the stored answers.

See :mod:`gateway.audit.conversations` for what is kept and why. Here: putting a kept
conversation in front of a new turn's input (so the turn is judged, redacted and sent
whole, to whichever model), keeping a new answer, and the read and delete routes
(``GET /v1/responses/{id}``, ``GET /v1/responses/{id}/input_items``, ``DELETE``).
"""

from __future__ import annotations

import copy
import logging
from typing import Any

import anyio.to_thread

from gateway.audit import conversations
from gateway.audit.content_crypto import ContentCipher, cipher_from_settings
from gateway.auth.keys import Principal
from gateway.errors import InvalidRequestError, NotFoundError
from gateway.proxy.exchange import Exchange
from gateway.state import GatewayState

logger = logging.getLogger(__name__)


def as_items(value: Any) -> list[Any]:
    """A Responses ``input`` as a list of items (a string is one user message)."""
    if isinstance(value, str):
        return [{"role": "user", "content": value}]
    return list(value) if isinstance(value, list) else []


def output_as_input(item: dict[str, Any]) -> dict[str, Any] | None:
    """An answer's output item as the next turn's input item, with no provider-side id.

    Ids point into a provider's own storage, which the gateway never uses (``store: false``
    upstream); reasoning is carried on only where it came with its encrypted content, and
    hosted-tool calls not at all (their outcome is in the answer's text).
    """
    kind = item.get("type")
    if kind == "message":
        parts = [{"type": part.get("type"), "text": part.get("text", ""), "annotations": []}
                 if part.get("type") == "output_text" else part
                 for part in item.get("content") or () if isinstance(part, dict)]
        return {"role": "assistant", "content": parts}
    if kind == "function_call":
        return {"type": "function_call", "call_id": item.get("call_id"),
                "name": item.get("name"), "arguments": item.get("arguments")}
    if kind == "reasoning" and item.get("encrypted_content"):
        return {"type": "reasoning", "summary": item.get("summary") or [],
                "encrypted_content": item["encrypted_content"]}
    return None


def history(kept: dict[str, Any]) -> list[Any]:
    """The whole conversation up to and including a kept answer, as input items."""
    items = list(kept.get("input") or [])
    for item in (kept.get("response") or {}).get("output") or ():
        if isinstance(item, dict) and (converted := output_as_input(item)) is not None:
            items.append(converted)
    return items


def cipher(state: GatewayState) -> ContentCipher | None:
    return cipher_from_settings(state.settings)


async def expand(state: GatewayState, exchange: Exchange, body: dict[str, Any]) -> None:
    """Put the conversation of ``previous_response_id`` in front of ``input``, in place."""
    previous = body.get("previous_response_id")
    if previous is None:
        return
    sealer = cipher(state)
    if sealer is None:
        raise InvalidRequestError(
            "Cette passerelle ne conserve pas les conversations (aucune clé de contenu, "
            "GATEWAY_CONTENT_KEY, n'est configurée) : renvoyez la conversation entière dans "
            "« input » au lieu de « previous_response_id ».",
            param="previous_response_id",
        )
    kept = await anyio.to_thread.run_sync(
        conversations.load, state.engine, sealer, str(previous), exchange.principal.user)
    if kept is None:
        raise InvalidRequestError(
            f"Réponse « {previous} » introuvable : elle n'a pas été conservée (store: false), "
            "a été supprimée ou a dépassé la durée de conservation, ou appartient à une autre "
            "personne.", param="previous_response_id")
    body["input"] = history(kept) + as_items(body.get("input"))


def will_keep(state: GatewayState, body: dict[str, Any]) -> bool:
    """Whether this answer is kept: ``store`` is not false and a content key exists."""
    return body.get("store") is not False and cipher(state) is not None


async def keep(
    state: GatewayState, exchange: Exchange, items: list[Any], response: dict[str, Any],
) -> bool:
    """Keep an answer and its conversation; False (logged) if the database refused it."""
    sealer = cipher(state)
    if sealer is None:
        return False
    try:
        await anyio.to_thread.run_sync(lambda: conversations.save(
            state.engine, sealer, response_id=str(response["id"]),
            interaction_id=exchange.id, user=exchange.principal.user,
            model=str(response.get("model") or ""),
            previous=response.get("previous_response_id"), items=items, response=response))
    except Exception as exc:  # the answer is given anyway; the client is told store: false
        logger.error("response %s not kept: %s", response.get("id"), type(exc).__name__)
        return False
    return True


# --- GET / DELETE -----------------------------------------------------------------------------

async def _kept(state: GatewayState, principal: Principal, response_id: str) -> dict[str, Any]:
    sealer = cipher(state)
    kept = None if sealer is None else await anyio.to_thread.run_sync(
        conversations.load, state.engine, sealer, response_id, principal.user)
    if kept is None:
        raise NotFoundError(f"Réponse « {response_id} » introuvable.", param="response_id")
    return kept


async def get_response(
    state: GatewayState, principal: Principal, response_id: str
) -> dict[str, Any]:
    response: dict[str, Any] = (await _kept(state, principal, response_id))["response"]
    return response


async def input_items(
    state: GatewayState, principal: Principal, response_id: str, *, order: str = "desc",
    limit: int = 20, after: str | None = None,
) -> dict[str, Any]:
    """The input items of a kept answer, as the API lists them (each with an id)."""
    kept = await _kept(state, principal, response_id)
    items = [copy.deepcopy(item) for item in kept.get("input") or () if isinstance(item, dict)]
    core = response_id.removeprefix("resp_")
    for index, item in enumerate(items):
        item.setdefault("type", "message")
        item.setdefault("id", f"item_{core}_{index}")
        if item["type"] == "message":
            item.setdefault("status", "completed")
            if isinstance(item.get("content"), str):
                item["content"] = [{"type": "input_text", "text": item["content"]}]
    if order == "desc":
        items.reverse()
    if after is not None:
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1:] if after in ids else []
    page = items[:limit]
    return {"object": "list", "data": page, "has_more": len(items) > len(page),
            "first_id": page[0]["id"] if page else None,
            "last_id": page[-1]["id"] if page else None}


async def cancel_response(
    state: GatewayState, principal: Principal, response_id: str
) -> dict[str, Any]:
    """Only a background response can be cancelled, and the gateway runs none (it answers
    every request while the client waits): a kept answer is already complete."""
    await _kept(state, principal, response_id)
    raise InvalidRequestError(
        "Seules les réponses créées avec background: true peuvent être annulées ; la "
        "passerelle n'en crée pas : cette réponse est déjà complète.", param="response_id")


async def delete_response(
    state: GatewayState, principal: Principal, response_id: str
) -> dict[str, Any]:
    removed = await anyio.to_thread.run_sync(
        conversations.remove, state.engine, response_id, principal.user)
    if not removed:
        raise NotFoundError(f"Réponse « {response_id} » introuvable.", param="response_id")
    return {"id": response_id, "object": "response", "deleted": True}

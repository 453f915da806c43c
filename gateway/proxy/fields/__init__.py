"""The canonical view of a request, per API shape (see :mod:`.base`).

``SHAPES`` maps each shape the gateway accepts to its field enumerator; a new endpoint
registers one here (or calls ``register(shape, enumerator)``) and gets the scan, the
policies and the record on every field at once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from gateway.proxy.fields.base import (
    REQUEST_ROLE,
    Base64TextField,
    Field,
    KeyField,
    RequestView,
)
from gateway.proxy.fields.chat import chat_view
from gateway.proxy.fields.embeddings import embeddings_view
from gateway.proxy.fields.messages import messages_view
from gateway.proxy.fields.responses import completions_view, responses_view
from gateway.proxy.fields.walker import Walker

Enumerator = Callable[[dict[str, Any]], RequestView]

SHAPES: dict[str, Enumerator] = {
    "chat": chat_view,
    "messages": messages_view,
    "embeddings": embeddings_view,
    "responses": responses_view,
    "completions": completions_view,
}


def register(shape: str, enumerator: Enumerator) -> None:
    """Add the field enumerator of another API shape."""
    SHAPES[shape] = enumerator


def view_of(shape: str, body: dict[str, Any]) -> RequestView:
    """Every text-bearing field of ``body``, a request of API ``shape``."""
    return SHAPES[shape](body)


__all__ = [
    "REQUEST_ROLE", "SHAPES", "Base64TextField", "Enumerator", "Field", "KeyField",
    "RequestView", "Walker", "register", "view_of",
]

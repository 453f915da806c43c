"""The fields of an OpenAI embeddings request (``POST /v1/embeddings``): the ``input``
(a string, or a list of strings; token ids are named to the policies as unreadable),
``user`` and anything else."""

from __future__ import annotations

from typing import Any

from gateway.proxy.fields.base import RequestView
from gateway.proxy.fields.walker import Walker


def embeddings_input(body: dict[str, Any]) -> Any:
    return body.get("input")


def embeddings_view(body: dict[str, Any]) -> RequestView:
    walker = Walker()
    for name in body:
        if name != "model":
            walker.value(body, name, "user", name)
    walker.token_ids(body, "input", "input")
    return RequestView("embeddings", body, walker.fields, [], frozenset({"input"}),
                       embeddings_input, walker.attachments)

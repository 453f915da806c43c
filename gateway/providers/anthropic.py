"""Anthropic's Messages API, reached natively.

The adapter serves both employee endpoints:

* ``/v1/chat/completions`` (OpenAI schema, through :class:`Adapter`): the request is
  translated to the Messages API on the way up, the answer (or each streamed event) back
  to the OpenAI schema on the way down, so the chat pipeline needs no special case;
* ``/v1/messages`` (through :class:`NativeMessages`): the client's body goes up untouched
  but for the model name, so nothing is lost to a round trip through the OpenAI schema.

Anthropic's own statuses go through the common mapping of :mod:`gateway.providers.base`;
its 529 ``overloaded_error`` is a provider failure like any 5xx: 502 ``upstream_error``.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from gateway.errors import InvalidRequestError, UpstreamError
from gateway.providers.base import (
    ByteStream,
    HttpAdapter,
    HttpStream,
    NativeMessages,
    UpstreamReply,
)
from gateway.providers.scrub import scrub
from gateway.providers.sse import SSEBuffer, encode_event, event_json
from gateway.translation import (
    AnthropicToOpenAIStream,
    TranslationError,
    anthropic_response_to_openai,
    openai_request_to_anthropic,
)

ANTHROPIC_VERSION = "2023-06-01"


def untranslatable(exc: TranslationError, target: str) -> InvalidRequestError:
    """A request feature the target API cannot express: a 400 naming the field."""
    where = f" « {exc.param} »" if exc.param else ""
    return InvalidRequestError(
        f"Champ{where} non pris en charge par {target} : {exc.message}", param=exc.param
    )


class AnthropicAdapter(HttpAdapter, NativeMessages):
    """Anthropic Messages API under ``base_url`` (default ``https://api.anthropic.com``)."""

    provider_name = "anthropic"
    default_base_url = "https://api.anthropic.com"

    @property
    def base_url(self) -> str:
        base = self.entry.base_url or self.default_base_url
        # Accept the SDK's convention (host root) and the OpenAI one (ending in /v1).
        return base.removesuffix("/v1")

    def url(self, operation: str) -> str:
        return f"{self.base_url}/v1/{operation}"

    def headers(self) -> dict[str, str]:
        headers = {"anthropic-version": ANTHROPIC_VERSION}
        if self._api_key:
            headers["x-api-key"] = self._api_key
        return headers

    # --- native: /v1/messages ----------------------------------------------------------
    def _native(self, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        out = dict(body)
        out["model"] = self.entry.target_model
        if stream:
            out["stream"] = True
        else:
            out.pop("stream", None)
        return out

    async def messages(self, body: dict[str, Any]) -> UpstreamReply:
        return await self._call_json("messages", self._native(body, stream=False))

    async def messages_stream(self, body: dict[str, Any]) -> ByteStream:
        deadline = time.monotonic() + self._total_timeout
        response = await self._open("messages", self._native(body, stream=True))
        return HttpStream(response, self.provider_name, deadline)

    # --- translated: /v1/chat/completions ----------------------------------------------
    def _translated(self, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        try:
            out = openai_request_to_anthropic(body)
        except TranslationError as exc:
            raise untranslatable(exc, "les modèles Anthropic") from exc
        out["model"] = self.entry.target_model
        out.pop("stream", None)
        if stream:
            out["stream"] = True
        return out

    async def chat(self, body: dict[str, Any]) -> UpstreamReply:
        reply = await self._call_json("messages", self._translated(body, stream=False))
        try:
            translated = anthropic_response_to_openai(reply.body, self.entry.name)
        except TranslationError as exc:
            raise UpstreamError(
                f"Réponse du fournisseur anthropic intraduisible : {exc.message}"
            ) from exc
        return UpstreamReply(translated, reply.latency_ms)

    async def chat_stream(self, body: dict[str, Any]) -> ByteStream:
        upstream = await self.messages_stream(self._translated(body, stream=True))
        return AnthropicAsOpenAIStream(upstream, self.entry.name, self.provider_name)

    async def embeddings(self, body: dict[str, Any]) -> UpstreamReply:
        raise InvalidRequestError(
            f"Le modèle « {self.entry.name} » (Anthropic) ne calcule pas d'embeddings.",
            param="model",
        )


class AnthropicAsOpenAIStream:
    """An upstream Anthropic event stream, re-emitted as OpenAI chunks ending ``[DONE]``.

    Usage is always emitted (the relay drops it unless the client asked). An upstream
    ``error`` event, or a stream that ends before ``message_stop``, raises
    ``UpstreamError`` so the relay reports it in the stream and records a failure.
    """

    def __init__(self, upstream: ByteStream, model: str, provider: str) -> None:
        self._upstream = upstream
        self._provider = provider
        self._translator = AnthropicToOpenAIStream(model, include_usage=True)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        buffer = SSEBuffer()
        stopped = False
        async for chunk in self._upstream:
            out = [self._translate(event) for event in buffer.feed(chunk)]
            stopped = stopped or any(kind == "message_stop" for kind, _ in out)
            data = b"".join(payload for _, payload in out)
            if data:
                yield data
        rest = buffer.rest()
        if rest.strip():
            kind, data = self._translate(rest)
            stopped = stopped or kind == "message_stop"
            if data:
                yield data
        if not stopped:
            raise UpstreamError(
                f"Le fournisseur {self._provider} a interrompu le flux avant sa fin."
            )
        yield b"data: [DONE]\n\n"

    def _translate(self, event: bytes) -> tuple[str, bytes]:
        data = event_json(event)
        if data is None:
            return "", b""
        kind = str(data.get("type"))
        if kind == "error":
            error = data.get("error") or {}
            message = error.get("message") if isinstance(error, dict) else str(error)
            raise UpstreamError(f"Le fournisseur {self._provider} a échoué : {scrub(str(message))}")
        try:
            chunks = self._translator.feed(data)
        except TranslationError as exc:
            raise UpstreamError(
                f"Flux du fournisseur {self._provider} intraduisible : {exc.message}"
            ) from exc
        return kind, b"".join(encode_event(chunk) for chunk in chunks)

    async def aclose(self) -> None:
        await self._upstream.aclose()

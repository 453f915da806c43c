"""The adapter interface and the HTTP exchange shared by every HTTP provider.

An adapter turns a request already checked by the gateway into one upstream call and maps
every vendor failure to the gateway's own errors (``raise ... from exc``), so the pipeline
above never sees an ``aiohttp`` or vendor exception::

    aiohttp timeouts (connect, read)        -> UpstreamTimeoutError (504)
    aiohttp.ClientError (reset, refused)    -> UpstreamError (502)
    upstream 429                            -> RateLimitedError (429, Retry-After kept)
    upstream 400/404/409/413/422            -> InvalidRequestError (400, vendor message)
    upstream 401/403 (the org's key)        -> UpstreamError (502: not the employee's fault)
    upstream 408/504                        -> UpstreamTimeoutError (504)
    any other upstream status               -> UpstreamError (502)

Failures a retry may cure are marked ``retryable`` (see :mod:`gateway.providers.retry`):
connect errors and timeouts, resets before an answer, 429 (with its Retry-After) and 5xx
other than 501; never a read timeout, a 4xx or a refused key.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
import orjson

from gateway.catalogue import ModelEntry
from gateway.errors import (
    GatewayError,
    InvalidRequestError,
    RateLimitedError,
    UpstreamError,
    UpstreamTimeoutError,
)
from gateway.providers.http import UpstreamClient, UpstreamResponse
from gateway.providers.scrub import scrub

_ERROR_BODY_LIMIT = 64 * 1024


@dataclass(slots=True)
class UpstreamReply:
    """A complete JSON answer and how long the provider took."""

    body: dict[str, Any]
    latency_ms: float


class ByteStream(Protocol):
    """An open upstream stream; always closed by the caller with ``aclose``."""

    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class Adapter(ABC):
    """One catalogue entry's way to its provider."""

    def __init__(self, entry: ModelEntry) -> None:
        self.entry = entry

    @abstractmethod
    async def chat(self, body: dict[str, Any]) -> UpstreamReply:
        """Send an OpenAI-schema chat completion and return the OpenAI-schema answer."""

    @abstractmethod
    async def chat_stream(self, body: dict[str, Any]) -> ByteStream:
        """Open a streamed chat completion: OpenAI-schema SSE bytes, ``[DONE]`` at the end."""

    @abstractmethod
    async def embeddings(self, body: dict[str, Any]) -> UpstreamReply:
        """Send an OpenAI-schema embeddings request."""


def _vendor_message(raw: bytes) -> str:
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return raw[:300].decode("utf-8", "replace").strip()
    if isinstance(body, dict):
        error = body.get("error", body)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            return str(error["message"])[:1000]
        if isinstance(error, str):
            return error[:1000]
    return ""


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (delta form; an HTTP date counts as unknown)."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None
    return seconds if seconds >= 0 else None


def status_error(
    status: int, raw: bytes, headers: Mapping[str, str], provider: str,
    known: tuple[str | None, ...] = (),
) -> GatewayError:
    """Map an upstream error status to the gateway's error tree, marking what may be retried.

    The vendor's text is relayed to the employee and recorded: cleaned first of the key the
    adapter sent (``known``) and of anything secret-shaped (:mod:`gateway.providers.scrub`).
    """
    error = _status_error(status, scrub(_vendor_message(raw), known), headers, provider)
    if status == 429 or (status >= 500 and status != 501):
        error.retryable = True
        error.retry_after = retry_after_seconds(headers.get("retry-after"))
    return error


def _status_error(
    status: int, detail: str, headers: Mapping[str, str], provider: str,
) -> GatewayError:
    if status == 429:
        retry = headers.get("retry-after")
        return RateLimitedError(
            f"Le fournisseur {provider} limite le débit ; réessayez plus tard. ({detail})",
            headers={"Retry-After": retry} if retry else None,
        )
    if status in (400, 404, 409, 413, 422):
        return InvalidRequestError(f"Requête refusée par le fournisseur {provider} : {detail}")
    if status in (408, 504):
        return UpstreamTimeoutError(f"Le fournisseur {provider} n'a pas répondu à temps.")
    if status in (401, 403):
        return UpstreamError(
            f"Le fournisseur {provider} a refusé la clé de l'organisation (HTTP {status}) : "
            "prévenez votre service informatique."
        )
    return UpstreamError(f"Le fournisseur {provider} a échoué (HTTP {status}). {detail}".strip())


def transport_error(exc: Exception, provider: str) -> GatewayError:
    """Map a transport failure (aiohttp's exceptions, or a timeout)."""
    error: GatewayError
    if isinstance(exc, TimeoutError):  # aiohttp's timeouts are TimeoutErrors too
        error = UpstreamTimeoutError(f"Le fournisseur {provider} n'a pas répondu à temps.")
        # A connect timeout (TCP connect or pool wait) reached nobody: safe to retry. A
        # read timeout is not retried: the provider may be working on the request.
        error.retryable = isinstance(exc, aiohttp.ConnectionTimeoutError)
        return error
    error = UpstreamError(f"Connexion au fournisseur {provider} impossible ou interrompue.")
    error.retryable = True
    return error


class HttpStream:
    """Relays an upstream HTTP body, mapping transport failures and enforcing the deadline."""

    def __init__(self, response: UpstreamResponse, provider: str, deadline: float) -> None:
        self._response = response
        self._provider = provider
        self._deadline = deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.iter_chunks():
                yield chunk
                if time.monotonic() > self._deadline:
                    raise UpstreamTimeoutError(
                        f"Le fournisseur {self._provider} a dépassé la durée maximale."
                    )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise transport_error(exc, self._provider) from exc

    async def aclose(self) -> None:
        await self._response.aclose()


class HttpAdapter(Adapter):
    """Shared exchange logic for every provider reached over HTTP."""

    provider_name = "http"

    def __init__(
        self,
        entry: ModelEntry,
        client: UpstreamClient,
        api_key: str | None,
        total_timeout: float,
    ) -> None:
        super().__init__(entry)
        self._client = client
        self._api_key = api_key
        self._total_timeout = entry.timeout or total_timeout

    @abstractmethod
    def url(self, operation: str) -> str:
        """The upstream URL of ``chat/completions`` or ``embeddings``."""

    @abstractmethod
    def headers(self) -> dict[str, str]:
        """Authentication and API headers: the organisation's key, never the employee's."""

    def prepare(self, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        """The body as sent upstream: the upstream model name, usage asked for in streams."""
        out = dict(body)
        out["model"] = self.entry.target_model
        if stream:
            options = dict(out.get("stream_options") or {})
            options["include_usage"] = True
            out["stream_options"] = options
        return out

    async def _open(self, operation: str, body: dict[str, Any]) -> UpstreamResponse:
        try:
            response = await self._client.post(
                self.url(operation),
                orjson.dumps(body),
                {"content-type": "application/json", **self.headers()},
            )
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise transport_error(exc, self.provider_name) from exc
        if response.status_code >= 400:
            try:
                raw = await self._read_bounded(response)
            finally:
                await response.aclose()
            raise status_error(response.status_code, raw, response.headers, self.provider_name,
                               (self._api_key,))
        return response

    @staticmethod
    async def _read_bounded(response: UpstreamResponse) -> bytes:
        raw = b""
        async for chunk in response.iter_chunks():
            raw += chunk
            if len(raw) > _ERROR_BODY_LIMIT:
                break
        return raw

    async def _call_json(self, operation: str, body: dict[str, Any]) -> UpstreamReply:
        # The whole call's deadline is the caller's: the pipeline runs every attempt within
        # what remains of the upstream total timeout (gateway.providers.retry.with_retries).
        # A second asyncio.timeout here, always later than that one, never fired and cost
        # ~10 us a request (a timer scheduled and cancelled; bench/README.md, issue 19).
        started = time.perf_counter()
        try:
            response = await self._open(operation, body)
            try:
                raw = await response.aread()
            finally:
                await response.aclose()
        except TimeoutError as exc:
            raise UpstreamTimeoutError(
                f"Le fournisseur {self.provider_name} n'a pas répondu à temps."
            ) from exc
        except aiohttp.ClientError as exc:
            raise transport_error(exc, self.provider_name) from exc
        try:
            parsed = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise UpstreamError(
                f"Réponse illisible du fournisseur {self.provider_name}."
            ) from exc
        if not isinstance(parsed, dict):
            raise UpstreamError(f"Réponse inattendue du fournisseur {self.provider_name}.")
        return UpstreamReply(parsed, (time.perf_counter() - started) * 1000)

    async def chat(self, body: dict[str, Any]) -> UpstreamReply:
        return await self._call_json("chat/completions", self.prepare(body, stream=False))

    async def chat_stream(self, body: dict[str, Any]) -> ByteStream:
        deadline = time.monotonic() + self._total_timeout
        response = await self._open("chat/completions", self.prepare(body, stream=True))
        return HttpStream(response, self.provider_name, deadline)

    async def embeddings(self, body: dict[str, Any]) -> UpstreamReply:
        out = dict(body)
        out["model"] = self.entry.target_model
        return await self._call_json("embeddings", out)

    # --- the catalogue's ``native_apis`` (``responses``, ``completions``), passed through --
    def prepare_native(self, api: str, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        """The body of a passed-through request: as chat for ``completions`` (usage asked
        for in streams); the Responses API has no such option and reports usage itself."""
        if api == "completions":
            return self.prepare(body, stream=stream)
        out = dict(body)
        out["model"] = self.entry.target_model
        return out

    async def native(self, api: str, body: dict[str, Any]) -> UpstreamReply:
        return await self._call_json(api, self.prepare_native(api, body, stream=False))

    async def native_stream(self, api: str, body: dict[str, Any]) -> ByteStream:
        deadline = time.monotonic() + self._total_timeout
        response = await self._open(api, self.prepare_native(api, body, stream=True))
        return HttpStream(response, self.provider_name, deadline)


class NativeMessages(ABC):
    """Mixin of adapters whose upstream speaks the Anthropic Messages API itself.

    ``POST /v1/messages`` passes the client's body through such an adapter untranslated
    (thinking, ``top_k``, documents and cache hints survive); other adapters are reached
    through the OpenAI-schema methods of :class:`Adapter` and the translation library.
    """

    @abstractmethod
    async def messages(self, body: dict[str, Any]) -> UpstreamReply:
        """Send an Anthropic-schema request and return the Anthropic-schema answer."""

    @abstractmethod
    async def messages_stream(self, body: dict[str, Any]) -> ByteStream:
        """Open a streamed Anthropic-schema request: Anthropic SSE events as bytes."""

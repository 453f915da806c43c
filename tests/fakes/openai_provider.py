"""Fake OpenAI-compatible provider (also answers Azure OpenAI deployment paths).

Behaviour is picked by the request's ``model`` (or the Azure deployment name):
ordinary names answer ``"reçu: " + <last user message text>``; ``fake-tools``
(with ``tools``) answers a tool call, or in text once the last message is a tool result; ``fake-slow[-SECONDS]`` waits;
``fake-error-{400,401,429,500}`` fail; ``fake-cut`` drops the connection;
``fake-unfinished`` ends a stream with ``[DONE]`` but no finish reason;
``fake-drip[-N]`` streams N chunks (default 50) 50 ms apart; ``fake-flaky-N[-tag]`` fails
its first N requests with a 500, then answers (counted per model name until ``reset``);
``fake-gzip`` answers gzip-encoded (JSON and streams); ``fake-invent`` writes a NIR and a
card number of its own (in its text, or in a tool call's arguments when given tools). ``/v1/responses`` and the legacy
``/v1/completions`` are served too (see :mod:`.openai_responses`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import openai_responses
from ._base import (
    DRIP_DELAY_S,
    INVENTED,
    FakeConnectionCut,
    FakeProvider,
    SSEResponse,
    cut_connection,
    drip_chunks,
    error_status,
    fake_arguments,
    flaky_failures,
    gzip_response,
    json_response,
    slow_delay,
    split_text,
    words,
)

MODEL_IDS = ["fake-model", "fake-tools", "fake-slow", "fake-drip", "fake-cut", "fake-embedding"]
EMBEDDING_DIM = 8

_ERRORS: dict[int, tuple[str, str, str | None]] = {
    400: ("Invalid request (fake-error-400).", "invalid_request_error", None),
    401: (
        "Incorrect API key provided (fake-error-401).",
        "invalid_request_error",
        "invalid_api_key",
    ),
    429: ("Rate limit reached (fake-error-429).", "requests", "rate_limit_exceeded"),
    500: ("The server had an error while processing your request.", "server_error", None),
}


# What ``fake-stream-error`` says mid-stream: a provider's message that quotes a key.
STREAM_ERROR = "Overloaded; key sk-proj-Zx81bQ4mT7vLp2sK9dR3wY6nH0cJ5fAq was rate limited"


def openai_error(
    status: int, message: str | None = None, type_: str | None = None, code: str | None = None
) -> Response:
    default_message, default_type, default_code = _ERRORS.get(
        status, (f"Error {status} (fake).", "api_error", None)
    )
    body = {
        "error": {
            "message": message or default_message,
            "type": type_ or default_type,
            "param": None,
            "code": code or default_code,
        }
    }
    headers = {"retry-after": "1"} if status == 429 else None
    return json_response(body, status, headers)




def content_text(content: Any) -> str:
    """Text of an OpenAI message ``content`` (a string or a list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [p.get("text", "") for p in content if isinstance(p, dict)]
        return " ".join(p for p in parts if isinstance(p, str) and p)
    return ""


def last_user_text(messages: list[Any]) -> str:
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return content_text(message.get("content"))
    return ""


def embedding(text: str, dimensions: int) -> list[float]:
    digest = b""
    counter = 0
    while len(digest) < dimensions:
        digest += hashlib.sha256(f"{counter}:{text}".encode()).digest()
        counter += 1
    return [round(b / 127.5 - 1.0, 6) for b in digest[:dimensions]]


def _sse(data: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(data, ensure_ascii=False).encode() + b"\n\n"


def _usage(messages: list[Any], text: str, tool_call: dict[str, Any] | None) -> dict[str, Any]:
    """Token counts as OpenAI reports them (a word is a token here)."""
    prompt_tokens = max(
        1, sum(words(content_text(m.get("content"))) for m in messages if isinstance(m, dict))
    )
    if tool_call is not None:
        completion_tokens = 1 + words(tool_call["function"]["arguments"])
    else:
        completion_tokens = max(1, words(text))
    return {
        "prompt_tokens": prompt_tokens,
        "completion_tokens": completion_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": 0,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def token_logprobs(text: str) -> list[dict[str, Any]]:
    """``logprobs.content`` for ``text``: one entry per three characters, as tokens."""
    return [{"token": text[i:i + 3], "logprob": -0.01, "bytes": list(text[i:i + 3].encode()),
             "top_logprobs": []} for i in range(0, len(text), 3)]


def _completion(
    base: dict[str, Any], text: str, tool_call: dict[str, Any] | None, usage: dict[str, Any],
    logprobs: bool = False,
) -> dict[str, Any]:
    """The body of a non-streamed chat completion: the text, or the tool call."""
    message: dict[str, Any] = {
        "role": "assistant",
        "content": text,
        "refusal": None,
        "annotations": [],
    }
    if tool_call is not None:
        message["content"] = None
        message["tool_calls"] = [tool_call]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": {"content": token_logprobs(text), "refusal": None}
        if logprobs and tool_call is None else None,
        "finish_reason": "tool_calls" if tool_call else "stop",
    }
    return {
        **base,
        "choices": [choice],
        "usage": usage,
        "service_tier": "default",
        "system_fingerprint": None,
    }


class FakeOpenAIProvider(FakeProvider):
    """OpenAI-compatible fake. ``api_key``: if set, required as Bearer / ``api-key``."""

    def __init__(self, *, api_key: str | None = None) -> None:
        self.api_key = api_key
        super().__init__()

    def _build_app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/v1/embeddings", self._embeddings, methods=["POST"]),
                Route("/v1/responses", self._responses, methods=["POST"]),
                Route("/v1/completions", self._completions, methods=["POST"]),
                Route("/v1/models", self._models, methods=["GET"]),
                # Azure's v1 surface: the deployment is the body's model, no api-version.
                Route("/openai/v1/responses", self._responses, methods=["POST"]),
                Route(
                    "/openai/deployments/{deployment}/completions",
                    self._completions,
                    methods=["POST"],
                ),
                Route(
                    "/openai/deployments/{deployment}/chat/completions",
                    self._chat,
                    methods=["POST"],
                ),
                Route(
                    "/openai/deployments/{deployment}/embeddings",
                    self._embeddings,
                    methods=["POST"],
                ),
            ]
        )

    def _auth_error(self, request: Request, azure: bool) -> Response | None:
        if azure or request.url.path.startswith("/openai/v1/"):
            if azure and "api-version" not in request.query_params:
                return json_response(
                    {"error": {"code": "404", "message": "Resource not found"}}, 404
                )
            key = request.headers.get("api-key")
            if not key or (self.api_key is not None and key != self.api_key):
                message = "Access denied due to invalid subscription key or wrong API endpoint."
                return json_response({"error": {"code": "401", "message": message}}, 401)
            return None
        if (
            self.api_key is not None
            and request.headers.get("authorization") != f"Bearer {self.api_key}"
        ):
            return openai_error(401)
        return None

    async def _models(self, request: Request) -> Response:
        await self.record(request)
        data = [
            {"id": m, "object": "model", "created": 1700000000, "owned_by": "fake"}
            for m in MODEL_IDS
        ]
        return json_response({"object": "list", "data": data})

    async def _common(self, request: Request) -> tuple[dict[str, Any], str] | Response:
        """Records the request; returns (body, model) or an error / cut response."""
        deployment = request.path_params.get("deployment")
        rec = await self.record(request, model=deployment)
        auth_error = self._auth_error(request, azure=deployment is not None)
        if auth_error is not None:
            return auth_error
        if not isinstance(rec.body, dict):
            return openai_error(400, "We could not parse the JSON body of your request.")
        model = rec.model
        if not model:
            return openai_error(400, "you must provide a model parameter")
        status = error_status(model)
        if status is not None:
            return openai_error(status)
        failures = flaky_failures(model)
        if failures is not None and self.attempt(model) <= failures:
            return openai_error(500)
        if model == "fake-cut" and not rec.body.get("stream"):
            return await cut_connection(request)
        delay = slow_delay(model)
        if delay is not None and not rec.body.get("stream"):
            await asyncio.sleep(delay)
        return rec.body, model

    async def _chat(self, request: Request) -> Response:
        checked = await self._common(request)
        if isinstance(checked, Response):
            return checked
        body, model = checked
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            return openai_error(400, "'messages' must be a non-empty array", code="invalid_value")
        text = "reçu: " + last_user_text(messages)
        if model == "fake-invent":  # writes identifiers the prompt never held
            text = INVENTED
        drip = drip_chunks(model)
        if drip is not None:
            text = " ".join(str(i) for i in range(drip))
        tool_call: dict[str, Any] | None = None
        tools = body.get("tools")
        answered = isinstance(messages[-1], dict) and messages[-1].get("role") == "tool"
        if answered:  # a tool result to read: answer it in text, as a model would
            text = "reçu: " + content_text(messages[-1].get("content"))
        elif model in ("fake-tools", "fake-invent") and isinstance(tools, list) and tools:
            # fake-invent writes its identifiers in the arguments it calls the tool with.
            wrote = INVENTED if model == "fake-invent" else last_user_text(messages)
            tool_call = self._tool_call(tools, body.get("tool_choice"), wrote)
        usage = _usage(messages, text, tool_call)
        base = {
            "id": "chatcmpl-" + uuid.uuid4().hex[:24],
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
        }
        gzip = model.startswith("fake-gzip")
        if not body.get("stream"):
            answer = json_response(_completion(base, text, tool_call, usage,
                                               logprobs=body.get("logprobs") is True))
            return gzip_response(answer) if gzip else answer
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        events = self._chunks(base, text, tool_call, usage, include_usage, model, drip,
                              logprobs=body.get("logprobs") is True)
        return SSEResponse(events, self._stream_ended, gzip=gzip)

    @staticmethod
    def _tool_call(tools: list[Any], tool_choice: Any, text: str) -> dict[str, Any]:
        functions = [t.get("function", {}) for t in tools if isinstance(t, dict)]
        chosen = functions[0]
        if isinstance(tool_choice, dict):
            wanted = tool_choice.get("function", {}).get("name")
            chosen = next((f for f in functions if f.get("name") == wanted), chosen)
        arguments = json.dumps(fake_arguments(chosen.get("parameters"), text), ensure_ascii=False)
        call_id = "call_" + hashlib.sha256(arguments.encode()).hexdigest()[:24]
        return {
            "id": call_id,
            "type": "function",
            "function": {"name": chosen.get("name", ""), "arguments": arguments},
        }

    async def _chunks(
        self,
        base: dict[str, Any],
        text: str,
        tool_call: dict[str, Any] | None,
        usage: dict[str, Any],
        include_usage: bool,
        model: str,
        drip: int | None,
        logprobs: bool = False,
    ) -> AsyncIterator[bytes]:
        head = {
            **base,
            "object": "chat.completion.chunk",
            "service_tier": "default",
            "system_fingerprint": None,
        }

        def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
            tokens = None
            if logprobs and delta.get("content"):
                tokens = {"content": token_logprobs(delta["content"]), "refusal": None}
            data: dict[str, Any] = {
                **head,
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": tokens, "finish_reason": finish}
                ],
            }
            if include_usage:
                data["usage"] = None
            return _sse(data)

        deltas: list[dict[str, Any]]
        if tool_call is not None:
            fn = tool_call["function"]
            first = {**tool_call, "index": 0, "function": {"name": fn["name"], "arguments": ""}}
            yield chunk(
                {"role": "assistant", "content": None, "tool_calls": [first], "refusal": None}
            )
            args = fn["arguments"]
            step = max(1, -(-len(args) // 4))
            deltas = [
                {"tool_calls": [{"index": 0, "function": {"arguments": args[i : i + step]}}]}
                for i in range(0, len(args), step)
            ]
        else:
            yield chunk({"role": "assistant", "content": "", "refusal": None})
            pieces = split_text(text, drip or 4)
            deltas = [{"content": piece} for piece in pieces]
        delay = slow_delay(model)
        if delay is not None:
            await asyncio.sleep(delay)
        for i, delta in enumerate(deltas):
            if model == "fake-cut" and i >= 2:
                raise FakeConnectionCut
            if model == "fake-stream-error" and i >= 2:
                # An error event mid-stream, as providers send one, quoting the key it got.
                yield _sse({"error": {"message": STREAM_ERROR, "type": "server_error"}})
                return
            if drip is not None:
                await asyncio.sleep(DRIP_DELAY_S)
            yield chunk(delta)
        if model == "fake-cut":
            raise FakeConnectionCut
        if model == "fake-unfinished":  # as some OpenAI-compatible servers end a stream
            yield b"data: [DONE]\n\n"
            return
        yield chunk({}, "tool_calls" if tool_call else "stop")
        if include_usage:
            yield _sse({**head, "choices": [], "usage": usage})
        yield b"data: [DONE]\n\n"

    async def _responses(self, request: Request) -> Response:
        """The Responses API (see :mod:`.openai_responses`)."""
        checked = await self._common(request)
        if isinstance(checked, Response):
            return checked
        body, model = checked
        if body.get("previous_response_id"):
            return openai_error(400, f"Previous response with id '{body['previous_response_id']}'"
                                " not found.", code="previous_response_not_found")
        if body.get("input") in (None, "", []):
            return openai_error(400, "Missing required parameter: 'input'.")
        response = openai_responses.build_response(body, model)
        if not body.get("stream"):
            return json_response(response)
        events = openai_responses.response_events(response, drip_chunks(model) or 4)
        return SSEResponse(openai_responses.stream_events(events, model), self._stream_ended)

    async def _completions(self, request: Request) -> Response:
        """Legacy completions: ``prompt`` (and ``suffix``), streamed or not."""
        checked = await self._common(request)
        if isinstance(checked, Response):
            return checked
        body, model = checked
        if "prompt" not in body:
            return openai_error(400, "Missing required parameter: 'prompt'.")
        completion = openai_responses.build_completion(body, model)
        if not body.get("stream"):
            return json_response(completion)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        chunks = openai_responses.completion_chunks(completion, include_usage, model)
        return SSEResponse(chunks, self._stream_ended)

    async def _embeddings(self, request: Request) -> Response:
        checked = await self._common(request)
        if isinstance(checked, Response):
            return checked
        body, model = checked
        raw = body.get("input")
        inputs: list[Any]
        if isinstance(raw, str) or (isinstance(raw, list) and raw and isinstance(raw[0], int)):
            inputs = [raw]
        elif isinstance(raw, list) and raw:
            inputs = raw
        else:
            return openai_error(
                400, "'input' must be a non-empty string or array", code="invalid_value"
            )
        dims = body.get("dimensions")
        dims = dims if isinstance(dims, int) and dims > 0 else EMBEDDING_DIM
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        tokens = 0
        for index, item in enumerate(inputs):
            text = item if isinstance(item, str) else " ".join(str(t) for t in item)
            tokens += max(1, words(text))
            vector: Any = embedding(text, dims)
            if as_base64:
                vector = base64.b64encode(struct.pack(f"<{dims}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": vector})
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return json_response({"object": "list", "data": data, "model": model, "usage": usage})

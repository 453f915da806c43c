"""Hostile input answers 4xx, never 5xx, and every request that reached the pipeline has its
record (issue 16). Run through HTTP on loopback against the shared gateway, on each backend.

Cases: JSON nested ~300 levels in each forwarded field (orjson's recursion limit), wrong
types in every field of every employee endpoint, values a database refuses, broken bodies,
and dates past the ends of time on every read of the log.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.conftest import Gateway

DEPTH = 300


def nested(depth: int = DEPTH, leaf: Any = "x") -> Any:
    value: Any = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"a": value}
    return value


CHAT = {"model": "echo", "messages": [{"role": "user", "content": "bonjour"}]}
MESSAGES = {"model": "echo", "max_tokens": 50,
            "messages": [{"role": "user", "content": "bonjour"}]}
EMBED = {"model": "embed-test", "input": "bonjour"}
RESPONSES = {"model": "echo", "input": "bonjour"}
COMPLETIONS = {"model": "echo", "prompt": "bonjour"}
BASES = {"/v1/chat/completions": CHAT, "/v1/messages": MESSAGES, "/v1/embeddings": EMBED,
         "/v1/responses": RESPONSES, "/v1/completions": COMPLETIONS}


def _with(base: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {**base, **fields}


def _chat_message(**fields: Any) -> dict[str, Any]:
    return _with(CHAT, messages=[{"role": "user", "content": "bonjour", **fields}])


def _anthropic_block(block: Any) -> dict[str, Any]:
    return _with(MESSAGES, messages=[{"role": "user", "content": [block]}])


WRONG = [5, "x", [], {}, None, True, -1.5, [5], [{}], {"a": 5}]
CHAT_FIELDS = ["model", "messages", "stream", "temperature", "top_p", "max_tokens", "n",
               "stop", "tools", "tool_choice", "stream_options", "response_format", "user",
               "metadata", "seed", "logit_bias", "max_completion_tokens", "parallel_tool_calls"]
MESSAGES_FIELDS = ["model", "messages", "max_tokens", "system", "stream", "tools",
                   "tool_choice", "stop_sequences", "metadata", "temperature", "thinking",
                   "top_k"]
EMBED_FIELDS = ["model", "input", "encoding_format", "dimensions", "user"]
RESPONSES_FIELDS = ["model", "input", "instructions", "tools", "tool_choice", "stream",
                    "previous_response_id", "store", "metadata", "text", "reasoning",
                    "max_output_tokens"]
COMPLETIONS_FIELDS = ["model", "prompt", "suffix", "max_tokens", "stream", "stop", "echo",
                      "logprobs"]


def _field_cases() -> list[Any]:
    cases = []
    for path, fields in (("/v1/chat/completions", CHAT_FIELDS), ("/v1/messages", MESSAGES_FIELDS),
                         ("/v1/embeddings", EMBED_FIELDS), ("/v1/responses", RESPONSES_FIELDS),
                         ("/v1/completions", COMPLETIONS_FIELDS)):
        for name in fields:
            for i, value in enumerate(WRONG[i] for i in (0, 4, 7)):
                cases.append(pytest.param(path, _with(BASES[path], **{name: value}),
                                          id=f"{path[4:]}-{name}-{i}"))
            cases.append(pytest.param(path, _with(BASES[path], **{name: nested()}),
                                      id=f"{path[4:]}-{name}-nested"))
    return cases


SHAPES = [
    # Chat: message parts of every kind, with the wrong shapes.
    ("/v1/chat/completions", _chat_message(content=[{"type": "image_url", "image_url": 5}])),
    ("/v1/chat/completions", _chat_message(content=[{"type": "image_url",
                                                     "image_url": {"url": 5}}])),
    ("/v1/chat/completions", _chat_message(content=[{"type": "text", "text": 5}])),
    ("/v1/chat/completions", _chat_message(content=[{"type": 5}])),
    ("/v1/chat/completions", _chat_message(content=[5, None])),
    ("/v1/chat/completions", _chat_message(content=nested())),
    ("/v1/chat/completions", _chat_message(role=5)),
    ("/v1/chat/completions", _chat_message(name=nested())),
    ("/v1/chat/completions", _chat_message(tool_calls=5)),
    ("/v1/chat/completions", _chat_message(tool_calls=[{"id": 5, "function": 5}])),
    ("/v1/chat/completions", {"model": "echo", "messages": [{"role": "assistant",
     "tool_calls": [{"id": "a", "type": "function",
                     "function": {"name": "f", "arguments": nested()}}]}]}),
    ("/v1/chat/completions", _with(CHAT, tools=[{"type": "function",
                                                 "function": {"name": "f",
                                                              "parameters": nested()}}])),
    ("/v1/chat/completions", _with(CHAT, tools=[{"type": "function", "function": 5}])),
    ("/v1/chat/completions", _with(CHAT, unknown_field=nested())),
    ("/v1/chat/completions", _chat_message(content="a\u0000b\ufdd0c")),
    ("/v1/chat/completions", _with(CHAT, model="\u0000" * 300)),
    ("/v1/chat/completions", _with(CHAT, model="m" * 401)),
    ("/v1/chat/completions", _with(CHAT, stream=True, messages=[
        {"role": "user", "content": "a\u0000b"}])),
    # Anthropic Messages: blocks of every kind, with the wrong shapes.
    ("/v1/messages", _anthropic_block({"type": "image", "source": 5})),
    ("/v1/messages", _anthropic_block({"type": "image", "source": {"type": 5}})),
    ("/v1/messages", _anthropic_block({"type": "image", "source": {"type": "base64",
                                                                   "data": 5}})),
    ("/v1/messages", _anthropic_block({"type": "document", "source": 5})),
    ("/v1/messages", _anthropic_block({"type": "text", "text": 5})),
    ("/v1/messages", _anthropic_block({"type": "tool_use", "id": 5, "name": 5, "input": 5})),
    ("/v1/messages", _anthropic_block({"type": "tool_result", "tool_use_id": 5,
                                       "content": 5})),
    ("/v1/messages", _anthropic_block({"type": "tool_result", "tool_use_id": "t",
                                       "content": [5]})),
    ("/v1/messages", _anthropic_block({"type": 5})),
    ("/v1/messages", _anthropic_block(5)),
    ("/v1/messages", _anthropic_block({"type": "text", "text": "a", "cache_control": 5})),
    ("/v1/messages", _with(MESSAGES, system=[5])),
    ("/v1/messages", _with(MESSAGES, system=[{"type": "text", "text": 5}])),
    ("/v1/messages", _with(MESSAGES, tools=[{"name": "f", "input_schema": nested()}])),
    ("/v1/messages", _with(MESSAGES, tools=[{"name": 5, "input_schema": 5}])),
    ("/v1/messages", _with(MESSAGES, messages=[{"role": "user", "content": nested()}])),
    ("/v1/messages", _with(MESSAGES, messages=[{"role": 5, "content": "x"}])),
    ("/v1/messages", _with(MESSAGES, model="claude-test", messages=[
        {"role": "user", "content": [{"type": "image", "source": 5}]}])),
    # Embeddings and Responses.
    ("/v1/embeddings", _with(EMBED, input=[[1, "x"]])),
    ("/v1/embeddings", _with(EMBED, input=[None])),
    ("/v1/responses", _with(RESPONSES, input=[{"type": "message", "role": "user",
                                               "content": 5}])),
    ("/v1/responses", _with(RESPONSES, input=[{"type": "message", "role": "user",
                                               "content": [{"type": "input_text",
                                                            "text": 5}]}])),
    ("/v1/responses", _with(RESPONSES, input=[{"type": "function_call_output",
                                               "call_id": 5, "output": nested()}])),
    ("/v1/responses", _with(RESPONSES, input=[5])),
    ("/v1/responses", _with(RESPONSES, tools=[{"type": "function", "name": 5,
                                               "parameters": nested()}])),
    ("/v1/completions", _with(COMPLETIONS, prompt=[5, [1, 2], None])),
]


def _post(http: httpx.Client, gw: Gateway, path: str, body: Any, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {gw.key()}", **kwargs.pop("headers", {})}
    if "content" in kwargs:
        return http.post(path, headers=headers, **kwargs)
    return http.post(path, headers=headers, json=body, **kwargs)


def _assert_answered_and_recorded(gw: Gateway, answer: httpx.Response) -> None:
    assert answer.status_code < 500, answer.text[:500]
    interaction_id = answer.headers.get("X-Gateway-Interaction-Id")
    assert interaction_id, "every answer names its record"
    record = gw.record(interaction_id)
    assert record["status_code"] == answer.status_code


@pytest.mark.parametrize(("path", "body"), _field_cases())
def test_wrong_types_and_deep_nesting_in_every_field(
    gw: Gateway, http: httpx.Client, path: str, body: dict[str, Any],
) -> None:
    answer = _post(http, gw, path, body)
    _assert_answered_and_recorded(gw, answer)


@pytest.mark.parametrize(("path", "body"), [pytest.param(p, b, id=f"{p[4:]}-{i}")
                                            for i, (p, b) in enumerate(SHAPES)])
def test_hostile_shapes(gw: Gateway, http: httpx.Client, path: str, body: Any) -> None:
    with http.stream("POST", path, json=body,
                     headers={"Authorization": f"Bearer {gw.key()}"}) as answer:
        answer.read()
    _assert_answered_and_recorded(gw, answer)


RAW_BODIES = [b"", b"null", b"[]", b"5", b'"x"', b"{", b"\xff\xfe", b'{"model": "echo"',
              ("[" * 5000 + "]" * 5000).encode(), ('{"a":' * 300 + "1" + "}" * 300).encode(),
              b'{"model": "echo", "messages": [{"role": "user", "content": "\\ud800"}]}',
              b'{"model": "echo", "messages": [{"role": "user", "content": "\\u0000"}]}']


@pytest.mark.parametrize("path", list(BASES))
@pytest.mark.parametrize("raw", RAW_BODIES, ids=lambda raw: repr(raw[:12]))
def test_broken_bodies(gw: Gateway, http: httpx.Client, path: str, raw: bytes) -> None:
    answer = _post(http, gw, path, None, content=raw,
                   headers={"Content-Type": "application/json"})
    _assert_answered_and_recorded(gw, answer)


FAR_DATES = ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "9999-12-31",
             "0001-01-01", "\u0000" + "1" * 5000]
READS = ["/admin/api/interactions", "/admin/api/access-log", "/admin/api/reviews",
         "/admin/api/stats", "/admin/api/audit/verify", "/v1/me/interactions"]


@pytest.mark.parametrize("read", READS)
@pytest.mark.parametrize("param", ["since", "until"])
@pytest.mark.parametrize("when", FAR_DATES)
def test_dates_past_the_ends_of_time(
    gw: Gateway, http: httpx.Client, read: str, param: str, when: str,
) -> None:
    role = "employee" if read.startswith("/v1/") else "admin"
    answer = http.get(read, params={param: when},
                      headers={"Authorization": f"Bearer {gw.key(role)}"})
    assert answer.status_code < 500, answer.text[:300]
    if answer.status_code == 400:
        assert answer.json()["error"]["param"] == param


ADMIN_QUERIES = [
    ("/admin/api/interactions", {"limit": "-1"}), ("/admin/api/interactions", {"limit": "x"}),
    ("/admin/api/interactions", {"limit": str(10**30)}),
    ("/admin/api/interactions", {"cursor": "\u0000"}),
    ("/admin/api/interactions", {"cursor": "x" * 5000}),
    ("/admin/api/interactions", {"q": "\u0000"}),
    ("/admin/api/interactions?q=%ED%A0%80&user=%00", {}),
    ("/admin/api/interactions", {"model": "m" * 5000}),
    ("/admin/api/interactions", {"decision": "\u0000"}),
    ("/admin/api/interactions/" + "x" * 3000, {}),
    ("/admin/api/interactions/%00", {}),
    ("/admin/api/interactions/x/content", {"reason": "\u0000" * 300}),
    ("/admin/api/access-log", {"cursor": "!!"}),
    ("/admin/api/reviews", {"status": "\u0000"}),
    ("/admin/api/stats", {"group_by": "\u0000"}),
    ("/v1/me/interactions", {"limit": "1e9"}),
]


@pytest.mark.parametrize(("read", "params"), ADMIN_QUERIES,
                         ids=[f"{r[:40]}-{sorted(p)}" for r, p in ADMIN_QUERIES])
def test_hostile_queries_on_the_read_side(
    gw: Gateway, http: httpx.Client, read: str, params: dict[str, str],
) -> None:
    role = "employee" if read.startswith("/v1/") else "admin"
    answer = http.get(read, params=params, headers={"Authorization": f"Bearer {gw.key(role)}"})
    assert answer.status_code < 500, answer.text[:300]

"""Self-tests of the fake providers, through the official SDKs and httpx."""

from __future__ import annotations

import json
from collections.abc import Iterator

import anthropic
import httpx
import httpx2
import openai
import pytest
from anthropic.types import MessageParam, ToolParam
from openai.types.chat import ChatCompletionFunctionToolParam, ChatCompletionMessageParam
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from .anthropic_provider import FakeAnthropicProvider
from .openai_provider import FakeOpenAIProvider
from .server import ServerThread

USER_TEXT = "Bonjour, quelle est la capitale de la France ?"
MESSAGES: list[ChatCompletionMessageParam] = [
    {"role": "system", "content": "Tu es concis."},
    {"role": "user", "content": USER_TEXT},
]
WEATHER_TOOL: ChatCompletionFunctionToolParam = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Météo d'une ville",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
            "required": ["city", "days"],
        },
    },
}
ANTHROPIC_TOOL: ToolParam = {
    "name": "get_weather",
    "description": "Météo d'une ville",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "days": {"type": "integer"}},
        "required": ["city", "days"],
    },
}
CLAUDE_MESSAGES: list[MessageParam] = [{"role": "user", "content": USER_TEXT}]


@pytest.fixture
def oai(fake_openai: FakeOpenAIProvider) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=fake_openai.url + "/v1", api_key="x", max_retries=0) as client:
        yield client


@pytest.fixture
def claude(fake_anthropic: FakeAnthropicProvider) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(base_url=fake_anthropic.url, api_key="x", max_retries=0) as client:
        yield client


def test_server_thread_runs_any_app() -> None:
    app = Starlette(routes=[Route("/healthz", lambda r: PlainTextResponse("ok"))])
    with ServerThread(app) as srv:
        assert srv.url.startswith("http://127.0.0.1:")
        assert httpx.get(srv.url + "/healthz").text == "ok"
    with pytest.raises(httpx.ConnectError):
        httpx.get(srv.url + "/healthz")


# --- OpenAI -------------------------------------------------------------
def test_openai_chat_round_trip(oai: openai.OpenAI, fake_openai: FakeOpenAIProvider) -> None:
    completion = oai.chat.completions.create(model="fake-model", messages=MESSAGES)
    assert completion.id.startswith("chatcmpl-")
    assert completion.choices[0].message.content == "reçu: " + USER_TEXT
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None
    assert completion.usage.prompt_tokens == 3 + 9
    assert (
        completion.usage.total_tokens
        == completion.usage.prompt_tokens + completion.usage.completion_tokens
    )
    [rec] = fake_openai.received
    assert (rec.method, rec.path, rec.model) == ("POST", "/v1/chat/completions", "fake-model")
    assert rec.headers["authorization"] == "Bearer x"
    assert rec.body["messages"] == MESSAGES


@pytest.mark.parametrize("include_usage", [True, False])
def test_openai_stream(
    oai: openai.OpenAI, fake_openai: FakeOpenAIProvider, include_usage: bool
) -> None:
    stream = oai.chat.completions.create(
        model="fake-model",
        messages=MESSAGES,
        stream=True,
        stream_options={"include_usage": include_usage},
    )
    chunks = list(stream)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "reçu: " + USER_TEXT
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 3
    finishes = [
        c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason
    ]
    assert finishes == ["stop"]
    if include_usage:
        assert chunks[-1].choices == [] and chunks[-1].usage is not None
        assert chunks[-1].usage.completion_tokens == len(text.split())
    else:
        assert all(c.choices and c.usage is None for c in chunks)
    assert fake_openai.wait_for(lambda: fake_openai.completed_streams == 1)


def test_openai_tools(oai: openai.OpenAI) -> None:
    completion = oai.chat.completions.create(
        model="fake-tools",
        messages=MESSAGES,
        tools=[WEATHER_TOOL],
    )
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls" and choice.message.content is None
    [call] = choice.message.tool_calls or []
    assert call.type == "function" and call.id.startswith("call_")
    assert call.function.name == "get_weather"
    assert json.loads(call.function.arguments) == {"city": USER_TEXT, "days": 42}

    stream = oai.chat.completions.create(
        model="fake-tools",
        messages=MESSAGES,
        tools=[WEATHER_TOOL],
        stream=True,
    )
    chunks = list(stream)
    first = chunks[0].choices[0].delta.tool_calls
    assert first and first[0].id == call.id and first[0].function is not None
    assert first[0].function.name == "get_weather" and first[0].function.arguments == ""
    fragments = [
        tc.function.arguments
        for c in chunks[1:]
        for tc in (c.choices[0].delta.tool_calls or [])
        if tc.function and tc.function.arguments
    ]
    assert len(fragments) > 1 and "".join(fragments) == call.function.arguments
    assert chunks[-1].choices[0].finish_reason == "tool_calls"


def test_openai_embeddings_and_models(oai: openai.OpenAI, fake_openai: FakeOpenAIProvider) -> None:
    one = oai.embeddings.create(model="fake-embedding", input="bonjour")
    many = oai.embeddings.create(
        model="fake-embedding", input=["bonjour", "au revoir"], encoding_format="float"
    )
    assert len(one.data[0].embedding) == 8
    assert [d.index for d in many.data] == [0, 1]
    assert many.data[0].embedding == pytest.approx(one.data[0].embedding, abs=1e-6)
    assert many.data[0].embedding != many.data[1].embedding
    assert many.usage.prompt_tokens == 3
    assert {"fake-model", "fake-tools"} <= {m.id for m in oai.models.list()}
    assert [r.path for r in fake_openai.received][-1] == "/v1/models"


@pytest.mark.parametrize(
    ("model", "error"),
    [
        ("fake-error-400", openai.BadRequestError),
        ("fake-error-401", openai.AuthenticationError),
        ("fake-error-429", openai.RateLimitError),
        ("fake-error-500", openai.InternalServerError),
    ],
)
def test_openai_errors(oai: openai.OpenAI, model: str, error: type[openai.APIStatusError]) -> None:
    with pytest.raises(error) as info:
        oai.chat.completions.create(model=model, messages=MESSAGES)
    assert isinstance(info.value.body, dict) and info.value.body["message"]
    if model == "fake-error-429":
        assert info.value.response.headers["retry-after"] == "1"


def test_azure_paths(fake_openai: FakeOpenAIProvider) -> None:
    with openai.AzureOpenAI(
        azure_endpoint=fake_openai.url, api_key="az", api_version="2024-10-21", max_retries=0
    ) as azure:
        completion = azure.chat.completions.create(model="my-deploy", messages=MESSAGES)
        assert completion.choices[0].message.content == "reçu: " + USER_TEXT
        assert azure.embeddings.create(model="my-deploy", input="x").data[0].embedding
    rec = fake_openai.requests_for("my-deploy")[0]
    assert rec.path == "/openai/deployments/my-deploy/chat/completions"
    assert rec.query == {"api-version": "2024-10-21"} and rec.headers["api-key"] == "az"
    url = fake_openai.url + "/openai/deployments/d/chat/completions"
    body = {"messages": MESSAGES}
    assert httpx.post(url, params={"api-version": "1"}, json=body).status_code == 401
    assert httpx.post(url, headers={"api-key": "k"}, json=body).status_code == 404


def test_openai_slow(fake_openai: FakeOpenAIProvider) -> None:
    with openai.OpenAI(
        base_url=fake_openai.url + "/v1", api_key="x", max_retries=0, timeout=0.2
    ) as sdk:
        with pytest.raises(openai.APITimeoutError):
            sdk.chat.completions.create(model="fake-slow-0.5", messages=MESSAGES)
        with sdk.with_options(timeout=5) as client:  # a copy, with a connection pool of its own
            completion = client.chat.completions.create(model="fake-slow-0.3", messages=MESSAGES)
            assert completion.choices[0].message.content


def test_openai_cut_is_a_broken_connection(fake_openai: FakeOpenAIProvider) -> None:
    url = fake_openai.url + "/v1/chat/completions"
    body = {"model": "fake-cut", "messages": MESSAGES, "stream": True}
    lines: list[str] = []
    with pytest.raises(httpx.RemoteProtocolError), httpx.stream("POST", url, json=body) as response:
        assert response.status_code == 200
        lines.extend(line for line in response.iter_lines() if line)
    assert len(lines) == 3 and not any("[DONE]" in line for line in lines)
    with pytest.raises(httpx.RemoteProtocolError):
        httpx.post(url, json={**body, "stream": False})
    with (openai.OpenAI(base_url=fake_openai.url + "/v1", api_key="x", max_retries=0) as client,
          pytest.raises(openai.APIConnectionError)):
        client.chat.completions.create(model="fake-cut", messages=MESSAGES)


def test_openai_drip_counts_aborted_and_completed(fake_openai: FakeOpenAIProvider) -> None:
    url = fake_openai.url + "/v1/chat/completions"
    body = {"model": "fake-drip", "messages": MESSAGES, "stream": True}
    with httpx.stream("POST", url, json=body) as response:
        for i, _ in enumerate(response.iter_lines()):
            if i == 6:
                break
    assert fake_openai.wait_for(lambda: fake_openai.aborted_streams == 1)
    with httpx.stream("POST", url, json={**body, "model": "fake-drip-5"}) as response:
        data = [line for line in response.iter_lines() if line]
    assert len(data) == 1 + 5 + 1 + 1  # role, 5 contents, finish, [DONE]
    assert fake_openai.wait_for(lambda: fake_openai.completed_streams == 1)
    assert fake_openai.aborted_streams == 1


# --- Anthropic ----------------------------------------------------------
def test_anthropic_create(
    claude: anthropic.Anthropic, fake_anthropic: FakeAnthropicProvider
) -> None:
    message = claude.messages.create(
        model="fake-model", max_tokens=100, system="Tu es concis.", messages=CLAUDE_MESSAGES
    )
    assert message.id.startswith("msg_") and message.stop_reason == "end_turn"
    assert message.content[0].type == "text" and message.content[0].text == "reçu: " + USER_TEXT
    assert message.usage.input_tokens == 3 + 9 and message.usage.output_tokens == 10
    [rec] = fake_anthropic.received
    assert rec.headers["authorization"] == "Bearer x" and rec.headers["anthropic-version"]
    assert rec.body["system"] == "Tu es concis."
    count = claude.messages.count_tokens(model="fake-model", messages=CLAUDE_MESSAGES)
    assert count.input_tokens == 9


def test_anthropic_stream(
    claude: anthropic.Anthropic, fake_anthropic: FakeAnthropicProvider
) -> None:
    with claude.messages.stream(
        model="fake-model", max_tokens=100, messages=CLAUDE_MESSAGES
    ) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
    assert text == "reçu: " + USER_TEXT
    assert final.content[0].type == "text" and final.content[0].text == text
    assert final.stop_reason == "end_turn" and final.usage.output_tokens == 10
    body = {
        "model": "fake-model",
        "max_tokens": 10,
        "stream": True,
        "messages": [{"role": "user", "content": "a b"}],
    }
    headers = {"x-api-key": "x", "anthropic-version": "2023-06-01"}
    response = httpx.post(fake_anthropic.url + "/v1/messages", json=body, headers=headers)
    names = [
        line[len("event: ") :] for line in response.text.splitlines() if line.startswith("event: ")
    ]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert set(names[3:-3]) == {"content_block_delta"}
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]


def test_anthropic_tools(claude: anthropic.Anthropic) -> None:
    paris: list[MessageParam] = [{"role": "user", "content": "Paris"}]
    message = claude.messages.create(
        model="fake-tools", max_tokens=100, tools=[ANTHROPIC_TOOL], messages=paris
    )
    assert message.stop_reason == "tool_use"
    tool_use = message.content[-1]
    assert tool_use.type == "tool_use" and tool_use.id.startswith("toolu_")
    assert tool_use.name == "get_weather" and tool_use.input == {"city": "Paris", "days": 42}
    with claude.messages.stream(
        model="fake-tools", max_tokens=100, tools=[ANTHROPIC_TOOL], messages=paris
    ) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert [b.type for b in final.content] == ["text", "tool_use"]
    assert final.content[1].type == "tool_use" and final.content[1].input == tool_use.input


@pytest.mark.parametrize(
    ("model", "error"),
    [
        ("fake-error-400", anthropic.BadRequestError),
        ("fake-error-429", anthropic.RateLimitError),
        ("fake-error-500", anthropic.InternalServerError),
        ("fake-error-529", anthropic.OverloadedError),
    ],
)
def test_anthropic_errors(
    claude: anthropic.Anthropic, model: str, error: type[anthropic.APIStatusError]
) -> None:
    with pytest.raises(error) as info:
        claude.messages.create(
            model=model, max_tokens=10, messages=[{"role": "user", "content": "x"}]
        )
    assert isinstance(info.value.body, dict) and info.value.body["type"] == "error"


def test_anthropic_header_checks(fake_anthropic: FakeAnthropicProvider) -> None:
    url = fake_anthropic.url + "/v1/messages"
    body = {"model": "fake-model", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]}
    missing_key = httpx.post(url, json=body, headers={"anthropic-version": "2023-06-01"})
    assert missing_key.status_code == 401
    assert missing_key.json()["error"]["type"] == "authentication_error"
    missing_version = httpx.post(url, json=body, headers={"x-api-key": "x"})
    assert missing_version.status_code == 400
    assert missing_version.json()["error"]["type"] == "invalid_request_error"


def test_anthropic_cut(claude: anthropic.Anthropic, fake_anthropic: FakeAnthropicProvider) -> None:
    messages = CLAUDE_MESSAGES
    with pytest.raises(anthropic.APIConnectionError):
        claude.messages.create(model="fake-cut", max_tokens=10, messages=messages)
    with (
        pytest.raises((httpx2.RemoteProtocolError, anthropic.APIConnectionError)),
        claude.messages.stream(model="fake-cut", max_tokens=10, messages=messages) as stream,
    ):
        stream.get_final_message()
    assert fake_anthropic.wait_for(lambda: fake_anthropic.aborted_streams == 1)

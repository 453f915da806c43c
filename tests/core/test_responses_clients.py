"""Today's tools on ``/v1/responses`` through the gateway: LangChain and the OpenAI Agents SDK.

Each runs as its users run it, pointed at the gateway with a personal key, against the
fake OpenAI and Anthropic providers; a function tool's output holding personal data never
reaches them.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from agents import Agent, OpenAIResponsesModel, Runner, function_tool, set_tracing_disabled
from langchain_core.tools import tool
from langchain_openai import ChatOpenAI
from openai import AsyncOpenAI
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.models import Interaction
from tests.conftest import Gateway
from tests.core.test_policy_redaction_e2e import NAME, assert_no_personal_data
from tests.core.test_responses import sent_to
from tests.fakes.anthropic_provider import FakeAnthropicProvider

set_tracing_disabled(True)  # the Agents SDK would send its traces to OpenAI


@pytest.fixture(autouse=True)
def _anthropic_reset(fake_anthropic: FakeAnthropicProvider) -> None:
    """The fake Anthropic provider's requests are this test's only."""


def langchain(gw: Gateway, model: str) -> ChatOpenAI:
    return ChatOpenAI(model=model, base_url=gw.url + "/v1", api_key=gw.key(),  # type: ignore[arg-type]
                      use_responses_api=True, max_retries=0)


@pytest.mark.parametrize("model", ["openai-test", "gpt-test", "claude-test"])
def test_langchain_invoke_and_stream(gw: Gateway, model: str) -> None:
    llm = langchain(gw, model)
    assert llm.invoke("Bonjour").text == "reçu: Bonjour"
    streamed = "".join(chunk.text for chunk in llm.stream("Salut"))
    assert streamed == "reçu: Salut"
    assert sent_to(gw, model).path.endswith(
        "/v1/responses" if model == "openai-test" else "/v1/messages"
        if model.startswith("claude") else "/chat/completions")


@pytest.mark.parametrize("model", ["openai-tools", "fake-tools", "claude-tools"])
def test_langchain_tool_call(gw: Gateway, model: str) -> None:
    @tool
    def get_weather(city: str) -> str:
        """Météo d'une ville."""
        return "22 °C"

    message = langchain(gw, model).bind_tools([get_weather]).invoke(f"Météo chez {NAME}")
    assert [call["name"] for call in message.tool_calls] == ["get_weather"]
    assert message.tool_calls[0]["args"] == {"city": f"Météo chez {NAME}"}
    assert_no_personal_data(sent_to(gw, model).raw_body.decode())


@pytest.mark.parametrize("model", ["openai-tools", "fake-tools", "claude-tools"])
def test_an_agent_with_a_function_tool_runs_through_the_gateway(
    gw: Gateway, model: str
) -> None:
    calls: list[str] = []

    @function_tool
    def customer_file(question: str) -> str:
        """La fiche du client concerné."""
        calls.append(question)
        return f"Fiche : {NAME}, client depuis 2019"

    async def run() -> Any:
        async with AsyncOpenAI(base_url=gw.url + "/v1", api_key=gw.key(),
                               max_retries=0) as client:
            agent = Agent(name="assistant", instructions="Réponds en français.",
                          tools=[customer_file],
                          model=OpenAIResponsesModel(model=model, openai_client=client))
            return await Runner.run(agent, "Qui est le client du dossier 42 ?")

    result = asyncio.run(run())
    assert calls == ["Qui est le client du dossier 42 ?"]
    # The model answered the tool's output; the gateway put the name back.
    assert result.final_output == f"reçu: Fiche : {NAME}, client depuis 2019"
    fake: Any = gw.fake_anthropic if model.startswith("claude") else gw.fake
    assert len(fake.received) == 2
    for sent in fake.received:
        assert_no_personal_data(sent.raw_body.decode())
    assert "<PERSON_1>" in fake.received[-1].raw_body.decode()
    # Recognised as itself (the bundled policies allow openai-*), not refused as unknown.
    assert gw.record(_last_interaction(gw))["tool"] == "openai-agents"


def _last_interaction(gw: Gateway) -> str:
    with Session(gw.engine) as session:
        return str(session.scalars(select(Interaction.id).where(
            Interaction.endpoint == "/v1/responses").order_by(Interaction.created_at.desc())).first())

"""Identifiers masked in function-call arguments: the arguments stay valid JSON.

A model may write a NIR as a bare JSON number (``{"n": 269054958815780}``): masked, it
becomes the string ``"<FR_NIR>"``, not a bare ``<FR_NIR>`` no client can parse. Checked
on every shape that carries arguments (chat tool calls, the legacy ``function_call``,
Responses function calls, Anthropic ``tool_use`` input), whole and streamed, with the
arguments cut anywhere between deltas.
"""

from __future__ import annotations

import json
import random
from typing import Any

import pytest

from gateway.redaction.answers import AnswerPolicy, StreamingAnswerFilter
from tests.conftest import Gateway
from tests.core._answers import random_pieces
from tests.fakes.scripted import ScriptedProvider

NIR = 269054958815780  # "2 69 05 49 588 157 80": a valid key
CARD = 4970101234567893
WRITTEN = {"n": NIR, "neg": -NIR, "cards": [CARD, 12], "note": "NIR 2 69 05 49 588 157 80",
           "quote": 'dit "269054958815780"'}
MASKED = {"n": "<FR_NIR>", "neg": "<FR_NIR>", "cards": ["<CREDIT_CARD>", 12],
          "note": "NIR <FR_NIR>", "quote": 'dit "<FR_NIR>"'}
ARGUMENTS = json.dumps(WRITTEN, ensure_ascii=False)
TOOL = {"type": "function", "function": {
    "name": "fill_form", "parameters": {"type": "object", "properties": {}}}}
ASKED = [{"role": "user", "content": "Un exemple ?"}]


@pytest.fixture
def gw(masking: Gateway, scripted: ScriptedProvider) -> Gateway:
    scripted.reset()
    return masking


def _tool_call() -> dict[str, Any]:
    return {"id": "call_1", "type": "function",
            "function": {"name": "fill_form", "arguments": ARGUMENTS}}


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("legacy", [False, True], ids=["tool_calls", "function_call"])
def test_chat_arguments_stay_json(gw: Gateway, scripted: ScriptedProvider, stream: bool,
                                  legacy: bool) -> None:
    scripted.chat = {"function_call": _tool_call()["function"]} if legacy else \
        {"tool_calls": [_tool_call()]}
    extra: dict[str, Any] = {"functions": [TOOL["function"]]} if legacy else {"tools": [TOOL]}
    sdk = gw.openai()
    if stream:
        raw = sdk.chat.completions.with_raw_response.create(
            model="fake-invent", messages=ASKED, stream=True, **extra)
        chunks = list(raw.parse())
        deltas = [c.choices[0].delta for c in chunks if c.choices]
        if legacy:
            arguments = "".join(d.function_call.arguments or "" for d in deltas
                                if d.function_call)
        else:
            arguments = "".join(d.tool_calls[0].function.arguments or "" for d in deltas
                                if d.tool_calls and d.tool_calls[0].function)
    else:
        raw = sdk.chat.completions.with_raw_response.create(
            model="fake-invent", messages=ASKED, **extra)
        message = raw.parse().choices[0].message
        call = message.function_call if legacy else (message.tool_calls or [None])[0]
        assert call is not None
        arguments = call.arguments if legacy else call.function.arguments  # type: ignore[union-attr]
    assert json.loads(arguments) == MASKED
    # The record keeps the call as the employee got it (masked), the legacy one too.
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["response"].strip() == f"[tool_call] fill_form {arguments}"


@pytest.mark.parametrize("stream", [False, True])
@pytest.mark.parametrize("model", ["openai-invent", "fake-invent"])  # native, from chat
def test_responses_arguments_stay_json(gw: Gateway, scripted: ScriptedProvider, stream: bool,
                                       model: str) -> None:
    scripted.chat = {"tool_calls": [_tool_call()]}
    scripted.output = [{"id": "fc_1", "type": "function_call", "status": "completed",
                        "call_id": "call_1", "name": "fill_form", "arguments": ARGUMENTS}]
    sdk = gw.openai()
    tools: Any = [{"type": "function", "name": "fill_form",
                   "parameters": {"type": "object", "properties": {}}}]
    if stream:
        with sdk.responses.stream(model=model, input="Un exemple ?", tools=tools) as events:
            seen = list(events)
            answer = events.get_final_response()
        deltas = "".join(e.delta for e in seen
                         if e.type == "response.function_call_arguments.delta")
        assert json.loads(deltas) == MASKED
    else:
        answer = sdk.responses.create(model=model, input="Un exemple ?", tools=tools)
    call = next(item for item in answer.output if item.type == "function_call")
    assert json.loads(call.arguments) == MASKED  # type: ignore[union-attr]


@pytest.mark.parametrize("stream", [False, True])
def test_anthropic_tool_input_stays_json(gw: Gateway, scripted: ScriptedProvider,
                                         stream: bool) -> None:
    """Through /v1/messages the arguments are an object (``input``): a number in it is
    screened too, and masked it becomes a string."""
    scripted.chat = {"tool_calls": [_tool_call()]}
    sdk = gw.anthropic()
    request: Any = {"model": "fake-invent", "max_tokens": 100, "messages": ASKED,
                    "tools": [{"name": "fill_form", "input_schema": {"type": "object"}}]}
    if stream:
        partial = ""
        with sdk.messages.stream(**request) as events:
            for event in events:
                if event.type == "content_block_delta" and \
                        event.delta.type == "input_json_delta":
                    partial += event.delta.partial_json
            message = events.get_final_message()
        assert json.loads(partial) == MASKED
    else:
        message = sdk.messages.create(**request)
    block = next(b for b in message.content if b.type == "tool_use")
    assert block.input == MASKED  # type: ignore[union-attr]


def test_any_split_of_json_arguments_gives_the_same_valid_json() -> None:
    policy = AnswerPolicy({"FR_NIR": "mask", "CREDIT_CARD": "mask"})
    expected = policy.apply_json(ARGUMENTS)
    assert json.loads(expected) == MASKED
    rng = random.Random(5)
    for _ in range(300):
        screen = StreamingAnswerFilter(policy, json=True)
        out = [screen.feed(piece) for piece in random_pieces(ARGUMENTS, rng, 12)]
        assert "".join(out) + screen.flush() == expected

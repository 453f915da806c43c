"""Identifiers the model writes on its own, on ``/v1/responses`` and streamed ``/v1/completions``.

As on chat (:mod:`tests.core.test_answer_identifiers`): ``fake-invent`` writes a NIR and a
card number the prompt never held, in its text or in a function call's arguments. The
bundled policies block both for external models (the shared gateway); a gateway of its
own masks them instead. Each route is taken both ways a model is reached: passed through
(``openai-invent``, ``coder-invent``) and translated from chat (``fake-invent``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from typing import Any

import openai
import pytest

from gateway.proxy.answer_events import ResponsesEventScreen, screen_item
from gateway.redaction.answers import AnswerPolicy
from tests.conftest import Databases, Gateway
from tests.core._answers import masking_policies
from tests.fakes.openai_provider import INVENTED, FakeOpenAIProvider
from tests.fakes.openai_responses import build_response, response_events
from tests.hardening._helpers import own_gateway

MASKED = "Exemple rempli : NIR <FR_NIR>, carte <CREDIT_CARD>, montant 1 250 euros."
RESPONSES = ["openai-invent", "fake-invent"]  # passed through, translated from chat
COMPLETIONS = ["coder-invent", "fake-invent"]
TOOLS: list[Any] = [{
    "type": "function", "name": "fill_form", "description": "Remplit un formulaire",
    "parameters": {"type": "object", "properties": {"note": {"type": "string"}},
                   "required": ["note"]},
}]
# The raw values in any form a leak could take (the digits, or their start as written).
RAW = ("2 69 05", "269054", "4970 1012", "4970101")


def leaks(text: str) -> bool:
    return any(raw in text for raw in RAW)


@pytest.fixture(scope="module")
def masking(databases: Databases, _fake_openai_server: FakeOpenAIProvider,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gateway]:
    """A gateway whose policies mask NIRs and card numbers instead of blocking them."""
    tmp = tmp_path_factory.mktemp("masking")
    policies = masking_policies(tmp, "FR_NIR", "CREDIT_CARD")
    with own_gateway(databases, _fake_openai_server, tmp, "masking",
                     policies_dir=policies) as gw:
        yield gw


def response_id_of(interaction_id: str) -> str:
    return "resp_" + interaction_id.replace("-", "")


# --- blocked: the bundled policies ------------------------------------------------------------

@pytest.mark.parametrize("model", RESPONSES)
@pytest.mark.parametrize("tools", [False, True], ids=["text", "function_call"])
def test_a_responses_answer_holding_an_identifier_is_refused(
    gw: Gateway, model: str, tools: bool
) -> None:
    sdk = gw.openai()
    extra: Any = {"tools": TOOLS} if tools else {}
    with pytest.raises(openai.PermissionDeniedError) as info:
        sdk.responses.create(model=model, input="Un exemple ?", **extra)
    assert info.value.code == "policy_violation"
    assert "numéro de sécurité sociale" in info.value.message
    assert len(gw.fake.received) == 1  # the provider answered; the employee did not get it
    interaction = info.value.response.headers["x-gateway-interaction-id"]
    record = gw.record(interaction)
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert record["response"] is None and not leaks(str(record))
    with pytest.raises(openai.NotFoundError):  # nothing kept for a next turn either
        sdk.responses.retrieve(response_id_of(interaction))


@pytest.mark.parametrize("model", RESPONSES)
@pytest.mark.parametrize("tools", [False, True], ids=["text", "function_call"])
def test_a_streamed_responses_answer_is_cut_before_the_identifier(
    gw: Gateway, model: str, tools: bool
) -> None:
    extra: Any = {"tools": TOOLS} if tools else {}
    raw = gw.openai().responses.with_raw_response.create(
        model=model, input="Un exemple ?", stream=True, **extra)
    events = list(raw.parse())
    kinds = [event.type for event in events]
    assert kinds[-2:] == ["error", "response.failed"]
    error = events[-2]
    assert error.code == "policy_violation"  # type: ignore[union-attr]
    assert "numéro de sécurité sociale" in error.message  # type: ignore[union-attr]
    assert [event.sequence_number for event in events] == list(range(len(events)))
    assert "response.completed" not in kinds
    assert not any(leaks(event.model_dump_json(warnings=False)) for event in events)
    kind = "function_call_arguments" if tools else "output_text"
    sent = "".join(e.delta for e in events if e.type == f"response.{kind}.delta")  # type: ignore[union-attr]
    if not tools:
        assert sent.startswith("Exemple rempli")  # what came before the identifier went out
    interaction = raw.headers["x-gateway-interaction-id"]
    record = gw.record(interaction)
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert "numéro de sécurité sociale" in record["error"]
    assert not leaks(str(record))
    # The record keeps what the employee was sent, written as chat's record writes it.
    assert record["response"] == (f"\n[tool_call] fill_form {sent}" if tools else sent)
    with pytest.raises(openai.NotFoundError):
        gw.openai().responses.retrieve(response_id_of(interaction))


def test_a_stream_cut_short_records_what_the_screen_held_back(masking: Gateway) -> None:
    """As on chat: the text the screen still held when the provider cut the stream is
    the provider's answer too, and the record keeps it (screened)."""
    raw = masking.openai().responses.with_raw_response.create(
        model="openai-cut", input="Un exemple ?", stream=True)
    events = list(raw.parse())
    assert events[-1].type == "response.failed"
    sent = "".join(e.delta for e in events if e.type == "response.output_text.delta")  # type: ignore[union-attr]
    record = masking.record(raw.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 502
    # Two deltas of "reçu: Un exemple ?" came before the cut; none went out (held back).
    assert sent == "" and record["response"].startswith("reçu: Un")
    assert "reçu: Un exemple ?".startswith(record["response"])


@pytest.mark.parametrize("model", COMPLETIONS)
def test_a_streamed_completion_is_cut_before_the_identifier(gw: Gateway, model: str) -> None:
    raw = gw.openai().completions.with_raw_response.create(
        model=model, prompt="Un exemple ?", stream=True)
    text, error = "", None
    try:
        for chunk in raw.parse():
            text += "".join(choice.text for choice in chunk.choices)
    except openai.APIError as exc:
        error = exc
    assert error is not None and "numéro de sécurité sociale" in str(error.message)
    assert text.startswith("Exemple rempli") and not leaks(text)
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert not leaks(str(record))


# --- masked: a policy of its own --------------------------------------------------------------

@pytest.mark.parametrize("model", RESPONSES)
@pytest.mark.parametrize("stream", [False, True])
def test_a_masked_identifier_is_replaced_everywhere_the_answer_goes(
    masking: Gateway, model: str, stream: bool
) -> None:
    sdk = masking.openai()
    if stream:
        with sdk.responses.stream(model=model, input="Un exemple ?") as events:
            seen = list(events)
            answer = events.get_final_response()
        deltas = "".join(e.delta for e in seen if e.type == "response.output_text.delta")
        done = [e.text for e in seen if e.type == "response.output_text.done"]
        assert deltas == MASKED and done == [MASKED]
        assert not any(leaks(event.model_dump_json(warnings=False)) for event in seen)
        interaction = answer.id.removeprefix("resp_")
    else:
        raw = sdk.responses.with_raw_response.create(model=model, input="Un exemple ?")
        answer = raw.parse()
        interaction = raw.headers["x-gateway-interaction-id"].replace("-", "")
    assert answer.output_text == MASKED and not leaks(answer.model_dump_json(warnings=False))
    record = masking.record(_dashed(interaction))
    assert record["response"] == MASKED and record["status_code"] == 200
    assert not leaks(str(record))
    # The conversation kept for the next turn holds the masked answer, never the raw one.
    kept = sdk.responses.retrieve(answer.id)
    assert kept.output_text == MASKED and not leaks(kept.model_dump_json(warnings=False))
    masking.fake.reset()
    sdk.responses.create(model=model, input="Et ensuite ?", previous_response_id=answer.id)
    assert MASKED in json.dumps(masking.fake.received[-1].body, ensure_ascii=False)
    assert not leaks(json.dumps(masking.fake.received[-1].body))


@pytest.mark.parametrize("model", RESPONSES)
@pytest.mark.parametrize("stream", [False, True])
def test_a_masked_identifier_in_function_call_arguments(
    masking: Gateway, model: str, stream: bool
) -> None:
    sdk = masking.openai()
    if stream:
        with sdk.responses.stream(model=model, input="Un exemple ?", tools=TOOLS) as events:
            seen = list(events)
            answer = events.get_final_response()
        deltas = "".join(e.delta for e in seen
                         if e.type == "response.function_call_arguments.delta")
        done = [e.arguments for e in seen if e.type == "response.function_call_arguments.done"]
        assert json.loads(deltas) == {"note": MASKED} and done == [deltas]
        assert not any(leaks(event.model_dump_json(warnings=False)) for event in seen)
    else:
        answer = sdk.responses.create(model=model, input="Un exemple ?", tools=TOOLS)
    calls = [item for item in answer.output if item.type == "function_call"]
    assert len(calls) == 1 and json.loads(calls[0].arguments) == {"note": MASKED}
    record = masking.record(_dashed(answer.id.removeprefix("resp_")))
    assert MASKED in record["response"] and not leaks(str(record))
    kept = sdk.responses.retrieve(answer.id)
    assert not leaks(kept.model_dump_json(warnings=False))


@pytest.mark.parametrize("model", COMPLETIONS)
def test_a_masked_identifier_in_a_streamed_completion(masking: Gateway, model: str) -> None:
    raw = masking.openai().completions.with_raw_response.create(
        model=model, prompt="Un exemple ?", stream=True)
    chunks = list(raw.parse())
    text = "".join(choice.text for chunk in chunks for choice in chunk.choices)
    assert text == MASKED
    assert any(c.choices and c.choices[0].finish_reason == "stop" for c in chunks)
    record = masking.record(raw.headers["x-gateway-interaction-id"])
    assert record["response"] == MASKED and record["status_code"] == 200


def _dashed(hex_id: str) -> str:
    """An interaction id (a UUID) from the hex of a response id."""
    hex_id = hex_id.replace("-", "")
    return "-".join((hex_id[:8], hex_id[8:12], hex_id[12:16], hex_id[16:20], hex_id[20:]))


# --- the screen itself, on any split of the stream -------------------------------------------

@pytest.mark.parametrize("tools", [False, True], ids=["text", "function_call"])
def test_any_split_of_the_events_gives_one_screened_answer(tools: bool) -> None:
    """Deltas cut anywhere (an identifier over two deltas, one character each): the
    deltas joined, the ``.done`` text, the item and the final response agree, and no
    digit of an identifier goes out before the run is known not to be one."""
    policy = AnswerPolicy({"FR_NIR": "mask", "CREDIT_CARD": "mask"})
    body: dict[str, Any] = {"input": "x", **({"tools": TOOLS} if tools else {})}
    response = build_response(body, "fake-invent")
    whole = response["output"][0]["arguments" if tools else "content"]
    text = whole if tools else whole[0]["text"]
    expected = text.replace(INVENTED, MASKED)
    kind = "function_call_arguments" if tools else "output_text"
    rng = random.Random(15)
    for pieces in [1, 2, 5, 40, len(text), *(rng.randint(2, 60) for _ in range(40))]:
        events = response_events(response, pieces)
        screen = ResponsesEventScreen(policy)
        out: list[dict[str, Any]] = []
        for event in events:
            out += screen.transform(json.loads(json.dumps(event)))
            assert not any(leaks(json.dumps(e, ensure_ascii=False)) for e in out)
        deltas = "".join(e["delta"] for e in out if e["type"] == f"response.{kind}.delta")
        done = next(e for e in out if e["type"] == f"response.{kind}.done")
        final = out[-1]["response"]["output"][0]
        assert deltas == expected == done["arguments" if tools else "text"]
        assert (final["arguments"] if tools else final["content"][0]["text"]) == expected
        # The rest a filter held goes out just before its stream's .done event.
        assert out[out.index(done) - 1]["type"] == f"response.{kind}.delta"


def test_reasoning_summaries_and_hosted_tool_items_are_screened_too() -> None:
    """What else an answer shows the employee: a reasoning summary, streamed or whole, a
    hosted tool's query; an opaque ``encrypted_content`` is left as it is."""
    policy = AnswerPolicy({"FR_NIR": "mask"})
    nir, opaque = "2 69 05 49 588 157 80", "enc_269054958815780"
    item = {"id": "rs_1", "type": "reasoning", "encrypted_content": opaque,
            "summary": [{"type": "summary_text", "text": f"NIR {nir} ?"}]}
    search = {"id": "ws_1", "type": "web_search_call", "status": "completed",
              "action": {"type": "search", "query": f"titulaire {nir}"}}
    screen_item(item, policy)
    screen_item(search, policy)
    assert item["summary"] == [{"type": "summary_text", "text": "NIR <FR_NIR> ?"}]
    assert item["encrypted_content"] == opaque
    assert search["action"] == {"type": "search", "query": "titulaire <FR_NIR>"}
    screen = ResponsesEventScreen(policy)
    ids = {"item_id": "rs_1", "output_index": 0, "summary_index": 0}
    out: list[dict[str, Any]] = []
    for piece in ("NIR 2 69 05 4", "9 588 157 80 ?"):
        out += screen.transform({"type": "response.reasoning_summary_text.delta", **ids,
                                 "delta": piece})
    out += screen.transform({"type": "response.reasoning_summary_text.done", **ids,
                             "text": f"NIR {nir} ?"})
    assert "".join(e["delta"] for e in out if "delta" in e) == "NIR <FR_NIR> ?"
    assert out[-1]["text"] == "NIR <FR_NIR> ?"


def _tokens(choice: Any) -> str:
    content = choice.logprobs.content if choice.logprobs else None
    return "".join(entry.token for entry in content or ())


@pytest.mark.parametrize("stream", [False, True])
def test_logprobs_never_carry_what_the_screen_masked(masking: Gateway, stream: bool) -> None:
    """``logprobs`` repeat the answer token by token, outside the screen: dropped from a
    choice whose text was masked, and from the streamed chunks holding digits."""
    sdk = masking.openai()
    asked = [{"role": "user", "content": "Un exemple ?"}]
    if stream:
        chunks = list(sdk.chat.completions.create(
            model="fake-invent", messages=asked, stream=True, logprobs=True))
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        tokens = "".join(_tokens(c.choices[0]) for c in chunks if c.choices)
    else:
        reply = sdk.chat.completions.create(model="fake-invent", messages=asked, logprobs=True)
        text, tokens = reply.choices[0].message.content or "", _tokens(reply.choices[0])
        assert reply.choices[0].logprobs is None
    assert text == MASKED and not leaks(tokens)
    # An answer the screen leaves alone keeps its logprobs, streamed or not.
    plain = sdk.chat.completions.create(model="gpt-test", messages=asked, logprobs=True)
    assert _tokens(plain.choices[0]) == plain.choices[0].message.content
    chunks = list(sdk.chat.completions.create(
        model="gpt-test", messages=asked, stream=True, logprobs=True))
    assert "".join(_tokens(c.choices[0]) for c in chunks if c.choices) == "reçu: Un exemple ?"


def test_a_blocked_stream_sent_no_logprobs_of_the_identifier(gw: Gateway) -> None:
    stream = gw.openai().chat.completions.create(
        model="fake-invent", stream=True, logprobs=True,
        messages=[{"role": "user", "content": "Un exemple ?"}])
    tokens = ""
    with pytest.raises(openai.APIError):
        for chunk in stream:
            tokens += "".join(_tokens(choice) for choice in chunk.choices)
    assert not leaks(tokens)


def test_responses_logprobs_are_emptied_where_the_text_was_masked() -> None:
    policy = AnswerPolicy({"FR_NIR": "mask", "CREDIT_CARD": "mask"})
    item = {"type": "message", "id": "msg_1", "role": "assistant", "content": [
        {"type": "output_text", "text": INVENTED, "annotations": [],
         "logprobs": [{"token": INVENTED, "logprob": -0.1, "top_logprobs": []}]},
        {"type": "output_text", "text": "Rien à signaler.", "annotations": [],
         "logprobs": [{"token": "Rien à signaler.", "logprob": -0.1, "top_logprobs": []}]}]}
    screen_item(item, policy)
    assert item["content"][0]["text"] == MASKED and item["content"][0]["logprobs"] == []
    assert item["content"][1]["logprobs"][0]["token"] == "Rien à signaler."
    screen = ResponsesEventScreen(policy)
    ids = {"item_id": "msg_1", "output_index": 0, "content_index": 0}
    sent = screen.transform({"type": "response.output_text.delta", **ids, "delta": INVENTED,
                             "logprobs": [{"token": INVENTED, "logprob": -0.1}]})
    sent += screen.transform({"type": "response.output_text.done", **ids, "text": INVENTED,
                              "logprobs": [{"token": INVENTED, "logprob": -0.1}]})
    assert not leaks(json.dumps(sent, ensure_ascii=False))
    assert "".join(e["delta"] for e in sent if e["type"].endswith(".delta")) == MASKED

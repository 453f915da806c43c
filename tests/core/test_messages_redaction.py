"""Policies and redaction on ``/v1/messages``: the same step as on the OpenAI route."""

from __future__ import annotations

import pytest

from tests.conftest import Gateway
from tests.core.test_policy_redaction_e2e import NAME, assert_no_personal_data, ticket
from tests.fakes.anthropic_provider import FakeAnthropicProvider


@pytest.mark.parametrize("model", ["claude-test", "gpt-test"])
@pytest.mark.parametrize("stream", [False, True])
def test_provider_sees_placeholders_and_client_gets_values_back(
    gw: Gateway, fake_anthropic: FakeAnthropicProvider, model: str, stream: bool
) -> None:
    sdk = gw.anthropic()
    request = {"model": model, "max_tokens": 500, "system": f"Tu assistes {NAME}.",
               "messages": [{"role": "user", "content": ticket()}]}
    if stream:
        with sdk.messages.stream(**request) as events:  # type: ignore[arg-type]
            message = events.get_final_message()
            headers = events.response.headers
    else:
        raw = sdk.messages.with_raw_response.create(**request)  # type: ignore[arg-type]
        message, headers = raw.parse(), raw.headers
    # The fakes answer with what they received: the gateway put the values back.
    assert message.content[0].type == "text"
    assert message.content[0].text == "reçu: " + ticket()
    assert "EMAIL_ADDRESS=" in headers["x-gateway-redactions"]

    fake = fake_anthropic if model.startswith("claude") else gw.fake
    sent = fake.received[-1]
    assert_no_personal_data(sent.raw_body.decode())
    assert "<PERSON_1>" in sent.raw_body.decode()

    record = gw.record(headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted" and record["endpoint"] == "/v1/messages"
    assert "<EMAIL_ADDRESS_1>" in record["response"]
    assert_no_personal_data(record["prompt"] + record["response"])

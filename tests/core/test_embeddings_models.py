"""Embeddings and the model list through the openai SDK."""

from __future__ import annotations

import openai

from tests.conftest import Gateway


def test_embeddings_are_forwarded_and_recorded(gw: Gateway) -> None:
    sdk = gw.openai()
    raw = sdk.embeddings.with_raw_response.create(model="embed-test", input=["un", "deux"])
    result = raw.parse()
    assert len(result.data) == 2 and len(result.data[0].embedding) == 8
    assert gw.fake.requests_for("fake-embedding")[0].body["input"] == ["un", "deux"]
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["endpoint"] == "/v1/embeddings"
    assert record["prompt"] == '["un","deux"]'
    assert record["prompt_tokens"] == result.usage.prompt_tokens
    assert record["status_code"] == 200


def test_chat_model_refused_on_embeddings_and_vice_versa(gw: Gateway) -> None:
    sdk = gw.openai()
    try:
        sdk.embeddings.create(model="gpt-test", input="x")
    except openai.BadRequestError as exc:
        assert exc.body["param"] == "model"
    else:
        raise AssertionError("a chat model must not serve embeddings")
    assert gw.fake.received == []


def test_models_lists_the_catalogue(gw: Gateway) -> None:
    sdk = gw.openai()
    ids = [model.id for model in sdk.models.list()]
    assert "gpt-test" in ids and "echo" in ids and "embed-test" in ids


def test_models_requires_a_key(gw: Gateway) -> None:
    sdk = gw.openai(api_key="gw-nope")
    try:
        sdk.models.list()
    except openai.AuthenticationError as exc:
        assert exc.body["code"] == "invalid_api_key"
    else:
        raise AssertionError("expected 401")

"""Conversations chained by id: the gateway keeps them (sealed), never the provider.

``previous_response_id`` works against every model, also when the chain moves from one
provider to another; ``GET``, ``input_items`` and ``DELETE`` serve the kept answers to their
author only; retention erases them with the log's content.
"""

from __future__ import annotations

from datetime import timedelta

import httpx
import openai
import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from gateway.audit import conversations, retention
from gateway.audit.content_crypto import ContentCipher
from gateway.audit.conversations import StoredResponse
from gateway.db import migrate
from gateway.db.base import utcnow
from tests.conftest import CONTENT_KEY, Databases, Gateway
from tests.core.test_policy_redaction_e2e import EMAIL, NAME, assert_no_personal_data
from tests.core.test_responses import sent_to
from tests.fakes.anthropic_provider import FakeAnthropicProvider


@pytest.fixture(autouse=True)
def _anthropic_reset(fake_anthropic: FakeAnthropicProvider) -> None:
    """The fake Anthropic provider's requests are this test's only."""


@pytest.mark.parametrize(("first", "second"), [
    ("openai-test", "claude-test"), ("gpt-test", "openai-test"), ("claude-test", "echo")])
@pytest.mark.parametrize("stream", [False, True])
def test_a_conversation_goes_on_by_id_across_providers(
    gw: Gateway, first: str, second: str, stream: bool
) -> None:
    sdk = gw.openai()
    opening = f"Je suis {NAME}, mon adresse est {EMAIL}."
    if stream:
        with sdk.responses.stream(model=first, input=opening, instructions="Sois bref.") as s:
            one = s.get_final_response()
    else:
        one = sdk.responses.create(model=first, input=opening, instructions="Sois bref.")
    assert one.store is True and one.output_text.endswith(opening)
    two = sdk.responses.create(model=second, input="Quel est mon nom ?",
                               previous_response_id=one.id)
    assert two.previous_response_id == one.id
    expected = "Quel est mon nom ?"
    assert two.output_text == (expected if second == "echo" else "reçu: " + expected)

    if second != "echo":
        sent = sent_to(gw, second)
        body = sent.raw_body.decode()
        assert_no_personal_data(body)  # the history is redacted again, with this turn
        assert "<PERSON_1>" in body and "Sois bref." not in body  # instructions not carried
        if second == "openai-test":
            assert "previous_response_id" not in sent.body and sent.body["store"] is False
            assert [item.get("role") for item in sent.body["input"]] == [
                "user", "assistant", "user"]
        else:
            assert [m["role"] for m in sent.body["messages"]] == ["user", "assistant", "user"]

    items = sdk.responses.input_items.list(two.id, order="asc")
    texts = [item.content[0].text for item in items.data  # type: ignore[union-attr]
             if item.type == "message"]
    assert texts[0] == opening and texts[-1] == "Quel est mon nom ?"


def test_kept_answers_are_read_and_deleted_by_their_author_only(gw: Gateway) -> None:
    sdk = gw.openai()
    answer = sdk.responses.create(model="gpt-test", input=f"Note pour {NAME}.")
    again = sdk.responses.retrieve(answer.id)
    assert again.output_text == answer.output_text == f"reçu: Note pour {NAME}."
    assert again.id == answer.id and again.model == "gpt-test"

    other = gw.openai(user="quelquun.dautre@exemple.fr")
    with pytest.raises(openai.NotFoundError):
        other.responses.retrieve(answer.id)
    with pytest.raises(openai.BadRequestError) as info:
        other.responses.create(model="gpt-test", input="x", previous_response_id=answer.id)
    assert info.value.body["param"] == "previous_response_id"
    with pytest.raises(openai.NotFoundError):
        other.responses.delete(answer.id)

    # Sealed at rest: neither the values nor the text are readable in the table.
    with Session(gw.engine) as session:
        row = session.scalars(select(StoredResponse).where(
            StoredResponse.id == answer.id)).one()
    assert "Note pour" not in row.conversation_encrypted
    assert NAME not in row.conversation_encrypted

    sdk.responses.delete(answer.id)
    with pytest.raises(openai.NotFoundError):
        sdk.responses.retrieve(answer.id)
    with pytest.raises(openai.BadRequestError):
        sdk.responses.create(model="gpt-test", input="x", previous_response_id=answer.id)


def test_store_false_keeps_nothing(gw: Gateway) -> None:
    sdk = gw.openai()
    answer = sdk.responses.create(model="openai-test", input="Éphémère.", store=False)
    assert answer.store is False
    with pytest.raises(openai.NotFoundError):
        sdk.responses.retrieve(answer.id)
    with Session(gw.engine) as session:
        assert session.get(StoredResponse, answer.id) is None


def test_retention_erases_kept_conversations_with_the_content(databases: Databases) -> None:
    url = databases.new("conversations")
    migrate.upgrade(url)
    engine = create_engine(url)
    cipher = ContentCipher(bytes.fromhex(CONTENT_KEY))
    for response_id, age in (("resp_old", 31), ("resp_new", 1)):
        conversations.save(engine, cipher, response_id=response_id, interaction_id="i",
                           user="a@exemple.fr", model="m", previous=None,
                           items=[{"role": "user", "content": NAME}],
                           response={"id": response_id})
        with Session(engine) as session, session.begin():
            session.get_one(StoredResponse, response_id).created_at = \
                utcnow() - timedelta(days=age)
    assert conversations.load(engine, cipher, "resp_old", "a@exemple.fr") is not None
    result = retention.purge(engine, content_days=30, metadata_days=3650)
    assert result.conversations_erased == 1
    assert conversations.load(engine, cipher, "resp_old", "a@exemple.fr") is None
    kept = conversations.load(engine, cipher, "resp_new", "a@exemple.fr")
    assert kept is not None and kept["input"] == [{"role": "user", "content": NAME}]
    engine.dispose()


def test_unknown_ids_and_bad_paging_are_clear_4xx(gw: Gateway, http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}"}
    missing = http.get("/v1/responses/resp_inconnu", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    assert http.delete("/v1/responses/resp_inconnu", headers=headers).status_code == 404
    assert http.get("/v1/responses/resp_x").status_code == 401


def test_cancel_says_the_answer_is_already_complete(gw: Gateway) -> None:
    """The gateway runs no background response: a kept answer is complete, cancel is a 400
    in the API's shape (for its author; a 404 for anyone else, as retrieve)."""
    sdk = gw.openai()
    answer = sdk.responses.create(model="gpt-test", input="Une note à garder.")
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.cancel(answer.id)
    assert info.value.body["param"] == "response_id" and "background" in info.value.message
    with pytest.raises(openai.NotFoundError):
        gw.openai(user="quelquun.dautre@exemple.fr").responses.cancel(answer.id)
    assert sdk.responses.retrieve(answer.id).output_text == answer.output_text

"""A gateway whose policies allow OpenAI's web search, and which has no content key.

Hosted tools pass through only to a model that serves the Responses API and only when an
``allow`` rule names them; without a content key the gateway keeps no conversation.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import openai
import pytest

from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import own_gateway
from tests.support import REPO

ALLOW_SEARCH = """\
description: Recherche web d'OpenAI pour le service marketing
rules:
  - id: recherche-web-marketing
    match:
      departments: [marketing]
      providers: [openai]
      function_tools: ["web_search*"]
    action: allow
"""


@pytest.fixture
def searching(databases: Databases, fake_openai: FakeOpenAIProvider,
              tmp_path: Path) -> Iterator[Gateway]:
    policies = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policies)
    (policies / "40-outils-heberges.yaml").write_text(ALLOW_SEARCH, encoding="utf-8")
    with own_gateway(databases, fake_openai, tmp_path, "hosted", policies_dir=policies,
                     content_key=None) as gw:
        yield gw


def test_a_policy_lets_a_hosted_tool_through_to_the_model_that_has_it(
    searching: Gateway
) -> None:
    marketing = searching.openai(department="marketing")
    answer = marketing.responses.create(
        model="openai-test", input="Actualités du salon", tools=[{"type": "web_search"}])
    assert [item.type for item in answer.output] == ["web_search_call", "message"]
    assert answer.output_text == "reçu: Actualités du salon"
    assert searching.fake.received[-1].body["tools"] == [{"type": "web_search"}]

    # Other departments, and models that cannot run it, are refused before anything leaves.
    searching.fake.reset()
    with pytest.raises(openai.BadRequestError) as info:
        searching.openai(department="ventes").responses.create(
            model="openai-test", input="x", tools=[{"type": "web_search"}])
    assert "web_search" in info.value.body["message"]
    with pytest.raises(openai.BadRequestError) as info:
        marketing.responses.create(model="gpt-test", input="x", tools=[{"type": "web_search"}])
    assert info.value.body["param"] == "tools[0]"
    assert searching.fake.received == []


def test_without_a_content_key_no_conversation_is_kept(searching: Gateway) -> None:
    sdk = searching.openai()
    answer = sdk.responses.create(model="gpt-test", input="Bonjour")
    assert answer.store is False
    with pytest.raises(openai.NotFoundError):
        sdk.responses.retrieve(answer.id)
    with pytest.raises(openai.BadRequestError) as info:
        sdk.responses.create(model="gpt-test", input="Et ensuite ?",
                             previous_response_id=answer.id)
    assert info.value.body["param"] == "previous_response_id"
    assert "GATEWAY_CONTENT_KEY" in info.value.body["message"]

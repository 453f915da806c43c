"""pytest fixtures: session-wide fake providers, reset before each test that uses them.

Enable them from a conftest with ``pytest_plugins = ["tests.fakes.fixtures"]`` or
import them into a test module (``from tests.fakes.fixtures import fake_openai``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .anthropic_provider import FakeAnthropicProvider
from .openai_provider import FakeOpenAIProvider


@pytest.fixture(scope="session")
def _fake_openai_server() -> Iterator[FakeOpenAIProvider]:
    with FakeOpenAIProvider() as fake:
        yield fake


@pytest.fixture(scope="session")
def _fake_anthropic_server() -> Iterator[FakeAnthropicProvider]:
    with FakeAnthropicProvider() as fake:
        yield fake


@pytest.fixture
def fake_openai(_fake_openai_server: FakeOpenAIProvider) -> FakeOpenAIProvider:
    _fake_openai_server.reset()
    return _fake_openai_server


@pytest.fixture
def fake_anthropic(_fake_anthropic_server: FakeAnthropicProvider) -> FakeAnthropicProvider:
    _fake_anthropic_server.reset()
    return _fake_anthropic_server

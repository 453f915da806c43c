"""Fake upstream providers (real HTTP servers on loopback) for the gateway tests.

``with FakeOpenAIProvider() as fake:`` serves on ``fake.url`` (``http://127.0.0.1:<port>``);
point the gateway at ``fake.url + "/v1"``, then assert on ``fake.received``.
"""

from ._base import FakeConnectionCut, FakeProvider, ReceivedRequest
from .anthropic_provider import FakeAnthropicProvider
from .openai_provider import FakeOpenAIProvider
from .server import ServerThread

__all__ = [
    "FakeAnthropicProvider",
    "FakeConnectionCut",
    "FakeOpenAIProvider",
    "FakeProvider",
    "ReceivedRequest",
    "ServerThread",
]

"""What the tests of screened and rewritten answers share.

A gateway of their own whose policies mask identifiers in answers where the bundled ones
block them, and a stream cut anywhere: the screen must give the same text whatever the
cut.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Databases, Gateway
from tests.fakes.openai_provider import FakeOpenAIProvider
from tests.hardening._helpers import own_gateway
from tests.support import REPO


def masking_policies(folder: Path, *entities: str) -> Path:
    """The bundled policies, copied into ``folder/policies`` with ``ENTITY: block`` made
    ``ENTITY: mask`` for each of ``entities``."""
    policies = folder / "policies"
    policies.mkdir()
    for source in (REPO / "policies").iterdir():
        if source.is_file():
            text = source.read_text(encoding="utf-8")
            for entity in entities:
                text = text.replace(f"{entity}: block", f"{entity}: mask")
            (policies / source.name).write_text(text, encoding="utf-8")
    return policies


@contextmanager
def masking_gateway(databases: Databases, fake: FakeOpenAIProvider,
                    tmp_path_factory: pytest.TempPathFactory, label: str,
                    **settings: Any) -> Iterator[Gateway]:
    """A gateway whose policies mask NIRs and card numbers instead of blocking them."""
    tmp = tmp_path_factory.mktemp(label)
    policies = masking_policies(tmp, "FR_NIR", "CREDIT_CARD")
    with own_gateway(databases, fake, tmp, label, policies_dir=policies, **settings) as gw:
        yield gw


def random_pieces(text: str, rng: random.Random, most: int) -> Iterator[str]:
    """``text`` cut at random, in pieces of 1 to ``most`` characters."""
    i = 0
    while i < len(text):
        size = rng.randint(1, most)
        yield text[i:i + size]
        i += size

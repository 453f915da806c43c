"""What the tests of screened and rewritten answers share.

A gateway of their own whose policies mask identifiers in answers where the bundled ones
block them, and a stream cut anywhere: the screen must give the same text whatever the
cut.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

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


def random_pieces(text: str, rng: random.Random, most: int) -> Iterator[str]:
    """``text`` cut at random, in pieces of 1 to ``most`` characters."""
    i = 0
    while i < len(text):
        size = rng.randint(1, most)
        yield text[i:i + size]
        i += size

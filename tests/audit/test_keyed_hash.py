"""KeyedHash is HMAC-SHA256: the same bytes as the standard library's, for every key length
(shorter than a block, a block, longer, hashed first) and message."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from gateway.audit import subjects
from gateway.audit.seal import Sealer
from gateway.keyed_hash import KeyedHash, keyed


@pytest.mark.parametrize("size", [0, 1, 32, 63, 64, 65, 200])
@pytest.mark.parametrize("message", [b"", b"prompt\x00id\x00Bonjour", bytes(range(256)) * 9])
def test_keyed_hash_is_hmac_sha256(size: int, message: bytes) -> None:
    key = bytes((7 * i + size) % 256 for i in range(size))
    expected = hmac.new(key, message, hashlib.sha256)
    assert KeyedHash(key).hexdigest(message) == expected.hexdigest()
    assert KeyedHash(key).digest(message) == expected.digest()


def test_a_kept_key_gives_the_same_mac_every_time() -> None:
    key = b"k" * 32
    first = keyed(key).hexdigest(b"one")
    keyed(key).hexdigest(b"two")
    assert keyed(key).hexdigest(b"one") == first == hmac.new(key, b"one", "sha256").hexdigest()


def test_commitments_and_seals_keep_their_bytes() -> None:
    """What the chain and the seals stored before keep verifying."""
    key = bytes(range(32))
    message = b"user\x00rec-1\x00jean@exemple.fr"
    assert subjects.commit(key, subjects.USER, "rec-1", "jean@exemple.fr") == hmac.new(
        key, message, hashlib.sha256).hexdigest()
    secret = b"s" * 48
    seal_key = hmac.new(secret, b"gateway record seal v1", hashlib.sha256).digest()
    content = hmac.new(seal_key, b'["begin","prompt","rec-1","Bonjour"]',
                       hashlib.sha256).hexdigest()
    assert Sealer(secret).content_mac("begin", "rec-1", "Bonjour") == content

"""How a 32-byte secret is written in an environment variable (hex or base64).

Settings check such values at start, and the code that uses them decodes them the same
way: both import this module, which depends on nothing else of the gateway.
"""

from __future__ import annotations

import base64
import binascii

KEY_BYTES = 32
GENERATE_HINT = "python -c 'import secrets; print(secrets.token_hex(32))'"


def parse_key(text: str) -> bytes:
    """A 32-byte key written as 64 hex digits or as base64 (standard or URL-safe)."""
    value = text.strip()
    if len(value) == 2 * KEY_BYTES:
        try:
            return bytes.fromhex(value)
        except ValueError:
            pass
    try:
        key = base64.b64decode(value.replace("-", "+").replace("_", "/"), validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != KEY_BYTES:
        raise ValueError(
            f"a content key must be {KEY_BYTES} random bytes, written as 64 hex digits or in "
            f"base64; generate one with: {GENERATE_HINT}"
        )
    return key

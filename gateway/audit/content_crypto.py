"""Raw content kept encrypted, for records whose policy asks ``log_content: full-encrypted``.

Such a record keeps, besides the redacted prompt and response every record has, the prompt as
the employee wrote it and the answer as the employee saw it (placeholders put back), each
sealed with AES-256-GCM under ``GATEWAY_CONTENT_KEY``:

- a random 96-bit nonce per value, stored as ``base64(nonce | ciphertext | tag)``;
- the record's id and the column name as associated data, so a ciphertext copied into another
  record, or from the prompt column into the response column, no longer decrypts;
- the key's id (a digest of the key, never the key) beside them, so a rotated key can still
  be found among ``GATEWAY_CONTENT_PREVIOUS_KEYS``.

Only :func:`gateway.admin.routes.content` decrypts, for an auditor who gives a reason, and
every such read is journaled. Without a key, nothing raw is kept (see
:meth:`ContentVault.for_request`).
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.errors import GatewayError, ServiceUnavailableError
from gateway.key_format import GENERATE_HINT, parse_key

if TYPE_CHECKING:
    from gateway.redaction import Pseudonymizer
    from gateway.settings import Settings

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
PROMPT, RESPONSE = "prompt_encrypted", "response_encrypted"
# Marks a record whose policy asked for encrypted content the gateway could not keep.
NO_KEY_MARK = "log_content:no-key"


class ContentKeyUnavailableError(ServiceUnavailableError):
    code = "content_key_unavailable"


class ContentIntegrityError(GatewayError):
    """A stored ciphertext that the right key does not open: altered or moved."""

    code = "content_integrity_error"


def key_id(key: bytes) -> str:
    """A short public name for a key: a digest, so it says nothing about the key itself."""
    return hashlib.sha256(b"gateway content key id\0" + key).hexdigest()[:16]


def _associated_data(interaction_id: str, column: str) -> bytes:
    return f"gateway-content-v1\0{interaction_id}\0{column}".encode()


class ContentCipher:
    """Seals values under the current key; opens them under the current or a previous one."""

    def __init__(self, current: bytes, previous: Sequence[bytes] = ()) -> None:
        self.key_id = key_id(current)
        self._current = AESGCM(current)
        self._keys = {key_id(key): AESGCM(key) for key in previous}
        self._keys[self.key_id] = self._current

    def __repr__(self) -> str:
        return f"ContentCipher(key_id={self.key_id!r}, keys={len(self._keys)})"

    def encrypt(self, interaction_id: str, column: str, text: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._current.encrypt(
            nonce, text.encode(), _associated_data(interaction_id, column)
        )
        return base64.b64encode(nonce + sealed).decode()

    def decrypt(self, interaction_id: str, column: str, token: str, token_key_id: str) -> str:
        """The clear text; raises if the key is not configured or the value does not open."""
        aead = self._keys.get(token_key_id)
        if aead is None:
            raise ContentKeyUnavailableError(
                f"Le contenu chiffré de l'interaction {interaction_id} l'a été avec la clé "
                f"{token_key_id}, qui n'est pas configurée : ajoutez-la à "
                "GATEWAY_CONTENT_PREVIOUS_KEYS."
            )
        try:
            raw = base64.b64decode(token, validate=True)
            clear = aead.decrypt(
                raw[:NONCE_BYTES], raw[NONCE_BYTES:], _associated_data(interaction_id, column)
            )
        except (InvalidTag, binascii.Error, ValueError) as exc:
            raise ContentIntegrityError(
                f"Le contenu chiffré de l'interaction {interaction_id} ne peut pas être "
                "déchiffré : il a été altéré ou copié depuis un autre enregistrement."
            ) from exc
        return clear.decode()


@functools.lru_cache(maxsize=4)
def _cipher(current: str, previous: str) -> ContentCipher:
    return ContentCipher(
        parse_key(current), [parse_key(part) for part in previous.split(",") if part.strip()]
    )


def cipher_from_settings(settings: Settings) -> ContentCipher | None:
    """The cipher the settings configure, or ``None`` without ``GATEWAY_CONTENT_KEY``."""
    if settings.content_key is None:
        return None
    previous = settings.content_previous_keys
    return _cipher(
        settings.content_key.get_secret_value(),
        previous.get_secret_value() if previous is not None else "",
    )


@functools.cache
def _warn_no_key() -> None:
    # Once per process: every such record carries NO_KEY_MARK for the auditors anyway.
    logger.warning(
        "a policy asks for encrypted raw content (log_content: full-encrypted) but "
        "GATEWAY_CONTENT_KEY is not set: only the redacted content is kept, and the records "
        "are marked %r. Generate a key with: %s", NO_KEY_MARK, GENERATE_HINT,
    )


@dataclass(slots=True, repr=False)
class ContentVault:
    """One request's sealed raw content: the prompt at once, the answer when it is known.

    Holds the request's pseudonymizer so the recorded (redacted) answer can be restored to what
    the employee saw; for a stream that is the same text the relay sent, restored whole.
    """

    cipher: ContentCipher
    interaction_id: str
    pseudo: Pseudonymizer | None
    prompt_columns: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_request(
        cls, settings: Settings, interaction_id: str, raw_prompt: str,
        pseudo: Pseudonymizer | None,
    ) -> ContentVault | None:
        """Seal the raw prompt; ``None`` (and a warning) when no key is configured.

        Without a key the record keeps what every record keeps, the redacted content: the
        gateway starts with the bundled policies, and nothing raw is ever stored in clear.
        """
        cipher = cipher_from_settings(settings)
        if cipher is None:
            _warn_no_key()
            return None
        vault = cls(cipher, interaction_id, pseudo)
        vault.prompt_columns = {
            PROMPT: cipher.encrypt(interaction_id, PROMPT, raw_prompt),
            "content_key_id": cipher.key_id,
        }
        return vault

    def __repr__(self) -> str:
        return f"ContentVault({self.interaction_id})"

    def response_columns(self, recorded: str | None) -> dict[str, Any]:
        """The sealed answer as the employee saw it, from the answer as recorded."""
        if recorded is None:
            return {}
        restored = self.pseudo.restore(recorded) if self.pseudo is not None else recorded
        return {RESPONSE: self.cipher.encrypt(self.interaction_id, RESPONSE, restored)}


def decrypt_record(
    cipher: ContentCipher, interaction_id: str, columns: dict[str, str | None],
    token_key_id: str,
) -> dict[str, str | None]:
    """``prompt`` and ``response`` in clear from a record's encrypted columns."""
    return {
        name: cipher.decrypt(interaction_id, column, token, token_key_id)
        if (token := columns.get(column)) is not None else None
        for name, column in (("prompt", PROMPT), ("response", RESPONSE))
    }

"""The single error type raised by the translation layer."""

from __future__ import annotations


class TranslationError(Exception):
    """A payload cannot be translated faithfully between the two APIs.

    Raised for request features with no equivalent on the target API (the
    gateway answers 400 ``invalid_request_error`` with ``param``) and for
    upstream responses that cannot be represented for the client (the gateway
    should answer 502: the client did nothing wrong).

    Attributes:
        message: Human readable explanation, safe to return to the client.
        param: Dotted/indexed path of the offending field in the *input*
            payload (e.g. ``"messages[2].content[0]"``), or ``None``.
    """

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param

    def __repr__(self) -> str:
        return f"TranslationError(message={self.message!r}, param={self.param!r})"

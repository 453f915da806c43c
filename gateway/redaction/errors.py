"""The single exception type raised by the redaction package."""

from __future__ import annotations


class RedactionError(RuntimeError):
    """Raised when redaction cannot be performed safely.

    The gateway must treat it as "fail closed": refuse the request rather than
    forward text that may still contain personal data. The message never
    contains analysed text or detected values.
    """

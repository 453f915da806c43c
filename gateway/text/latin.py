"""Text that the PDF core fonts (Helvetica) can draw: Latin-1, which holds French.

Two writers of PDFs share it (the GDPR documents, :mod:`gateway.gdpr.pdf`, and the redacted
copy of a PDF a request carried, :mod:`gateway.proxy.fields.attachments`), so that no font
file has to ship with the gateway: the few typographic signs outside Latin-1 are written
with their ASCII equivalents, anything else as ``?``.
"""

from __future__ import annotations

_ASCII = str.maketrans({
    "—": "-", "–": "-", "…": "...", "’": "'", "‘": "'", "“": '"', "”": '"', "·": ".",
    "œ": "oe", "Œ": "OE", "→": "->", "€": "EUR", "≤": "<=", "≥": ">=", "\u202f": " ",
})


def latin(text: str) -> str:
    """Text the core fonts can draw: typographic signs in ASCII, anything else as ``?``."""
    return text.translate(_ASCII).encode("latin-1", "replace").decode("latin-1")

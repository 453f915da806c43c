"""Base64 payloads in a request, read as their readers read them.

A request carries files as base64 (data URLs, ``base64`` sources, ``input_audio``): a text
document is decoded to be scanned like the messages (:class:`.base.Base64TextField`), a PDF
to have its text read, a picture only to be described in the record (:mod:`.attachments`).
All of them decode the same forgiving way the providers do.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

from gateway.errors import InvalidRequestError

# Media a provider reads as pictures, sound or a PDF: binary, never sniffed for text.
BINARY_MEDIA = ("image/", "audio/", "video/", "font/", "application/pdf")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
         (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def text_media(media_type: str | None) -> bool:
    """Whether a media type says text (``text/*``, JSON, XML)."""
    media = (media_type or "").lower()
    return media.startswith("text/") or media in ("application/json", "application/xml")


# How the base64 of a PDF (``%PDF-``) and of a zip (``PK\x03\x04``: an office document's
# container) starts: what the file is, whatever type it is declared as.
_PDF_HEAD, _ZIP_HEAD = "JVBERi0", "UEsDB"
_KINDS = ("image", "audio", "video")


def payload_type(media_type: str, data: str) -> tuple[str, bool]:
    """What base64 ``data`` declared as ``media_type`` is: its kind as the policies name
    it (``image``, ``audio``, ``video``, ``pdf`` or ``file``), and whether it is a zip (an
    office document, :mod:`.office`). Its bytes make it a PDF whatever it is declared as
    (octet-stream, no type, an image): the provider may read it by its name or its bytes."""
    head = data.lstrip()[:7]
    media = media_type.lower()
    if media == "application/pdf" or head == _PDF_HEAD:
        return "pdf", False
    top = media.split("/", 1)[0]
    return (top if top in _KINDS else "file"), head.startswith(_ZIP_HEAD)


def b64decode(data: str) -> bytes | None:
    """The bytes of base64 as decoders forgive it: line breaks (``base64`` and MIME wrap
    at 76 columns), missing padding, the URL-safe alphabet; None when it is not base64."""
    compact = "".join(data.split())
    compact += "=" * (-len(compact) % 4)
    try:
        return base64.b64decode(compact, altchars=b"-_" if "-" in compact or "_" in compact
                                else None, validate=True)
    except (binascii.Error, ValueError):
        return None


def decode_text(data: str, media_type: str | None, charset: str | None = None) -> str | None:
    """A base64 document's text, as a reader decodes it, or None when it is not text
    (:func:`text_of`); a binary media type is not decoded at all."""
    media = (media_type or "").lower()
    if not text_media(media) and media.startswith(BINARY_MEDIA):
        return None
    return text_of(b64decode(data), media, charset)


def text_of(raw: bytes | None, media_type: str | None,
            charset: str | None = None) -> str | None:
    """The text of a document's bytes (``raw``, None when its base64 did not decode), as a
    reader decodes it, or None when it is not text.

    A byte-order mark, the declared charset, then UTF-8, then Windows-1252 (a French text
    file saved by Windows). A declared text document whose base64 or text cannot be read
    is refused rather than sent unread; a media type that is neither text nor binary
    (``application/octet-stream``, none, ``application/x-yaml``...) is read when its bytes
    are UTF-8 text.
    """
    declared = text_media(media_type)
    if raw is None:
        if declared:
            raise _unreadable()
        return None
    text = _as_text(raw, charset, sniffed=not declared)
    if text is None and declared:
        raise _unreadable()
    return text


# How much of a payload declared binary is decoded to tell a file from text in disguise.
_PROBE = 4096


def disguised_text(data: str) -> str | None:
    """The text of base64 declared as a picture, a sound or a video whose bytes are text
    (« NIR … » sent as ``image/png``, an SVG): the provider receives the bytes, and its
    logs or a lenient reader take them as text. A real picture or sound is no UTF-8 text
    in its first bytes (a PNG opens with 0x89, a JPEG with 0xFF 0xD8, a WAV with sizes in
    binary): its first 4,096 characters are decoded, nothing more."""
    compact = "".join(data[:_PROBE + 256].split())[:_PROBE]
    probe = b64decode(compact[: len(compact) // 4 * 4])
    if not probe:
        return None
    try:
        head = codecs.getincrementaldecoder("utf-8")().decode(probe, final=False)
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(head):
        return None
    return text_of(b64decode(data), None) if len(compact) == _PROBE else \
        text_of(probe, None)


def _as_text(raw: bytes, charset: str | None, sniffed: bool) -> str | None:
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                return None
    codecs_to_try = [charset or "utf-8", "utf-8", *(() if sniffed else ("cp1252",))]
    for codec in codecs_to_try:
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        return None if sniffed and _CONTROL.search(text) else text
    return None if sniffed else raw.decode("latin-1")


def _unreadable() -> InvalidRequestError:
    return InvalidRequestError(
        "Document texte illisible : son contenu base64 ne se décode pas en texte. Il n'a "
        "pas été envoyé ; joignez-le en UTF-8.")

"""Files a request carries besides its text: pictures, sound, video, PDFs, other files.

They reach the provider as the messages do, so three things hold for them:

- a PDF's text is read (pypdf), an office document's (:mod:`.office`), and the words of a
  picture or of a scanned page when Tesseract is installed (:mod:`gateway.text.ocr`), and
  scanned like any other field; when redaction changes it, the provider receives instead a
  PDF of the redacted text, a new page at each page (fpdf2): the layout and pictures are
  lost, the personal data does not go out (a picture keeps its layout: the changed words
  are painted over);
- what the gateway cannot read (sound, video, pictures and scans without OCR or in which
  it finds no word, an encrypted or broken PDF or office document, any other file, and
  files given by URL or by a provider's file id, which the provider fetches itself) is
  named to the policies: a rule's ``attachments: [unreadable]`` (or ``[image]``, ``[pdf]``...) may
  deny, hold or route it;
- the record never keeps a file's bytes (a payslip or an identity card's photo is personal
  data): it keeps the media type, the size and the SHA-256 of what the provider received
  (so IT can prove which file went out), and a PDF's text as the provider received it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from gateway.proxy.fields.encoded import b64decode, payload_type
from gateway.proxy.fields.office import read_office
from gateway.proxy.fields.pdf import read_pdf, render_pdf
from gateway.proxy.fields.pictures import cleaned
from gateway.text.ocr import Ocr, Reading, changed_words, mask

KINDS = ("image", "audio", "video", "pdf", "file")
# Named to the policies when any attachment could not be read.
UNREADABLE = "unreadable"
# A data URL's media type, replaced when an office document is sent as a PDF.
_DATA_MEDIA = re.compile(r"^data:[^;,]*;", re.I)


@dataclass(slots=True)
class Attachment:
    """A file inside the request (``container[key]``, base64 after ``prefix``), or a
    reference to one the provider fetches (a URL, a file id: ``inline`` is False)."""

    container: Any
    key: Any
    kind: str
    media_type: str
    path: str
    prefix: str = ""
    inline: bool = True
    # A PDF's text, once read (pages apart by PAGE_BREAK); None while unread or unreadable.
    text: str | None = None
    # False when a PDF shows more than its text: a scanned page.
    complete: bool = True
    # An office document (a zip: Word, Excel, PowerPoint, OpenDocument), read by .office.
    office: bool = False
    # A picture's words and their boxes, once read by OCR: what redaction paints over.
    reading: Reading | None = None
    # (the value described, its description): the record describes a file once.
    _described: tuple[str, str] | None = None
    # (a base64 value, its bytes): decoded once for the read and the description, then
    # let go (a file can weigh megabytes, and the request lives on while it is answered).
    _decoded: tuple[str, bytes | None] | None = None

    @property
    def readable(self) -> bool:
        return self.text is not None and self.complete

    def payload(self) -> bytes | None:
        """The file's bytes, or None when its base64 does not decode."""
        value = self.container[self.key]
        if not isinstance(value, str):
            return None
        if self._decoded is None or self._decoded[0] is not value:
            self._decoded = (value, b64decode(value[len(self.prefix):]))
        return self._decoded[1]

    def decoded_as(self, data: bytes) -> None:
        """``data`` is what its base64 decodes to (the walker decoded it already)."""
        self._decoded = (self.container[self.key], data)

    @property
    def has_text(self) -> bool:
        """Whether the gateway reads text in it: a PDF, an office document or a picture
        it carries (a picture only with OCR: :meth:`read` says)."""
        return self.inline and (self.kind in ("pdf", "image") or self.office)

    def read(self, ocr: Ocr | None = None) -> None:
        """Read its text (blocking: the whole file is parsed; run it in a thread)."""
        if not self.has_text or self.text is not None or not self.complete:
            return
        data = self.payload()
        if data is None:
            self.complete = False
        elif self.kind == "pdf":
            self.text, self.complete = read_pdf(data, ocr)
        elif self.kind == "image":
            self._read_picture(data, ocr)
        else:
            self.text = read_office(data, ocr)

    def _read_picture(self, data: bytes, ocr: Ocr | None) -> None:
        """A picture's words; unreadable without OCR, when it fails or finds no word.
        Its camera metadata (place, time, device) and its frames after the first (an
        animation, a phone's depth map) are taken out first (:mod:`.pictures`)."""
        sent = cleaned(data)
        if sent is not None:
            self.container[self.key] = self.prefix + base64.b64encode(sent).decode()
            self.decoded_as(data := sent)
        reading = ocr.read_all([data])[0] if ocr is not None else None
        if reading is None or not reading.text.strip():
            self.complete = False
            return
        self.reading, self.text = reading, reading.text

    def description(self) -> str:
        """What the record keeps in place of the file: media type, size, SHA-256 of the
        bytes the provider receives, and a PDF's text as it receives it."""
        value = self.container[self.key]
        if self._described is not None and self._described[0] is value:
            return self._described[1]
        data = self.payload() or b""
        self._decoded = None
        head = (f"[{self.media_type or 'application/octet-stream'}, {len(data)} bytes, "
                f"sha256 {hashlib.sha256(data).hexdigest()}]")
        described = head if self.text is None else f"{head}\n{self.text}"
        self._described = (value, described)
        return described

    def rewrite(self, text: str) -> None:
        """Send a PDF of ``text`` (the redacted text) in place of the file; an office
        document becomes a PDF, its media type and file name saying so. A picture read
        by OCR is sent with the changed words painted over instead."""
        data = self.payload() if self.reading is not None else None
        self.text = text
        if self.reading is not None and data is not None:
            masked, media = mask(data, self.reading, changed_words(self.reading, text))
            if media != self.media_type:
                self._retype(media, None)
            self.container[self.key] = self.prefix + base64.b64encode(masked).decode()
            self.decoded_as(masked)
            return
        if self.kind != "pdf":
            self._retype("application/pdf", ".pdf")
        pdf = render_pdf(text)
        self.container[self.key] = self.prefix + base64.b64encode(pdf).decode()
        self.decoded_as(pdf)

    def _retype(self, media: str, extension: str | None) -> None:
        """What is sent is now of ``media``: the data URL, the block and the file name say so."""
        self.kind, self.media_type = payload_type(media, "")[0], media
        self.prefix = _DATA_MEDIA.sub(f"data:{media};", self.prefix)
        if "media_type" in self.container:
            self.container["media_type"] = media
        name = self.container.get("filename") if isinstance(self.container, dict) else None
        if isinstance(name, str) and extension is not None:
            self.container["filename"] = name.rsplit(".", 1)[0] + extension


# What the policies see of a request without files (most of them): one set for all.
NO_FILES: frozenset[str] = frozenset()


def summary(attachments: list[Attachment]) -> frozenset[str]:
    """What the policies see: the kinds present, and ``unreadable`` when any is."""
    if not attachments:
        return NO_FILES
    kinds = {item.kind for item in attachments}
    if any(not item.readable for item in attachments):
        kinds.add(UNREADABLE)
    return frozenset(kinds)


@contextmanager
def described(attachments: list[Attachment]) -> Iterator[None]:
    """The files of the request replaced by their description while the body is written
    for the record, put back after (nothing awaits in between)."""
    inline = [item for item in attachments if item.inline]
    saved = [item.container[item.key] for item in inline]
    try:
        for item in inline:
            item.container[item.key] = item.description()
        yield
    finally:
        for item, value in zip(inline, saved, strict=True):
            item.container[item.key] = value

"""A PDF a request carries: its text read (pypdf), its pictures read by OCR, and a plain PDF
of its redacted text written in its place (fpdf2) when redaction changes it
(:mod:`.attachments`).

Pictures matter as much as the text layer: a scanned page has no text at all, and a letter
typed in a word processor may carry a scan of an identity card or an RIB pasted in. With
OCR (:mod:`gateway.text.ocr`), every picture of a scanned page and every large picture of
a page of text is read, each distinct picture once (a logo repeated on every page is read
once), up to MAX_OCR_PICTURES; past that, or without OCR, a scanned page leaves the file
unreadable for the policies.
"""

from __future__ import annotations

import hashlib
import io
import logging
import textwrap
from typing import Any

from gateway.text.latin import latin
from gateway.text.ocr import Ocr

# Beyond these a PDF is not read (a bound on the work one request can cause) and counts
# as unreadable, for the policies to decide.
MAX_PAGES = 2000
MAX_TEXT = 2_000_000
# Distinct pictures read by OCR in one file, at up to a second or two each.
MAX_OCR_PICTURES = 20
# Between pages in a PDF's text: the rewritten copy starts a new page there.
PAGE_BREAK = "\f"
# A page with a picture and fewer letters than this is read as a scan (a logo beside a
# page of text is not).
_SCAN_TEXT = 200
# On a page of text, smaller pictures (logos, icons, signatures' flourishes) are not read:
# a card or a document pasted in is larger than this (about 250 x 160 pixels).
_PICTURE_MIN = 40_000

# pypdf reports what it repairs in a broken file through logging, with object numbers:
# noise in the gateway's log, never useful to IT.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def read_pdf(data: bytes, ocr: Ocr | None = None) -> tuple[str | None, bool]:
    """The text of a PDF (pages apart by PAGE_BREAK, the words of its pictures after each
    page's text, filled form fields after the last), and whether that is all it shows: a
    scanned page not read by OCR is not. ``(None, False)`` when it has no text to read: a
    scan without OCR, a password, a broken file, past the bounds."""
    # Imported on the first PDF: 0.1 s that requests without one never pay.
    from pypdf import PdfReader
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None, False
        if len(reader.pages) > MAX_PAGES:
            return None, False
        pages = [page.extract_text() or "" for page in reader.pages]
        unread = _read_pictures(reader, pages, ocr)
        fields = [value for value in (reader.get_form_text_fields() or {}).values()
                  if isinstance(value, str) and value.strip()]
    # A parser of untrusted files: pypdf raises its own errors but also ValueError,
    # KeyError, TypeError, RecursionError... on a malformed one. Any failure means the
    # same thing here: unreadable, and the policies decide.
    except Exception:
        return None, False
    if fields:  # a filled form (a CERFA): its values show on the page, not in its text
        pages[-1] = "\n".join([pages[-1], *fields])
    text = PAGE_BREAK.join(page.replace(PAGE_BREAK, "\n") for page in pages)
    if not text.strip() or len(text) > MAX_TEXT:
        return None, False
    return text, unread == 0


def _read_pictures(reader: Any, pages: list[str], ocr: Ocr | None) -> int:
    """Add the words of each page's pictures to its text (OCR); how many pages are left
    unread: scanned pages without OCR or in which no word is found, and any page with a
    picture left once MAX_OCR_PICTURES are read."""
    scanned = {index for index, (page, text) in enumerate(zip(reader.pages, pages,
                                                             strict=True))
               if _scanned(page, text)}
    if ocr is None:
        return len(scanned)
    shown, distinct, capped = _pictures_to_read(reader, scanned)
    # Every distinct picture at once: the pages of a scan are read in parallel.
    readings = ocr.read_all(list(distinct.values()))
    words = {digest: reading.text if reading is not None else ""
             for digest, reading in zip(distinct, readings, strict=True)}
    unread = len(capped)
    for index, digests in enumerate(shown):
        found = [words[digest] for digest in digests if words[digest].strip()]
        if found:
            pages[index] = "\n".join([pages[index], *found]).strip("\n")
        elif index in scanned and index not in capped:
            unread += 1
    return unread


def _pictures_to_read(reader: Any, scanned: set[int]
                      ) -> tuple[list[list[bytes]], dict[bytes, bytes], set[int]]:
    """Per page, the digests of the pictures whose words it shows; the distinct pictures
    by digest (a logo repeated on every page is read once), at most MAX_OCR_PICTURES; the
    pages with a picture left past that bound."""
    shown: list[list[bytes]] = []
    distinct: dict[bytes, bytes] = {}
    capped: set[int] = set()
    for index, page in enumerate(reader.pages):
        digests: list[bytes] = []
        shown.append(digests)
        if index not in scanned and not _has_image(page.get("/Resources"), depth=0):
            continue
        for image in page.images:
            if index not in scanned and _pixels(image) < _PICTURE_MIN:
                continue
            digest = hashlib.sha256(image.data).digest()
            if digest not in distinct:
                if len(distinct) >= MAX_OCR_PICTURES:
                    capped.add(index)
                    break
                distinct[digest] = image.data
            digests.append(digest)
    return shown, distinct, capped


def _pixels(image: Any) -> int:
    # Decoded by pypdf, which bounds every stream it inflates (75 MB, its Configuration);
    # Pillow refuses pictures past its own bomb limit; ocr.read bounds the rest.
    picture = image.image
    return picture.width * picture.height if picture is not None else 0


def _scanned(page: Any, text: str) -> bool:
    if len("".join(text.split())) >= _SCAN_TEXT:
        return False
    return _has_image(page.get("/Resources"), depth=0)


def _has_image(resources: Any, depth: int) -> bool:
    """Whether a page's resources hold a picture (in a form XObject too, 3 levels deep)."""
    resources = resources.get_object() if resources is not None else None
    found = resources.get("/XObject") if isinstance(resources, dict) else None
    xobjects = found.get_object() if found is not None else None
    for entry in xobjects.values() if isinstance(xobjects, dict) else ():
        item = entry.get_object()
        if item.get("/Subtype") == "/Image":
            return True
        if depth < 3 and item.get("/Subtype") == "/Form" and \
                _has_image(item.get("/Resources"), depth + 1):
            return True
    return False


# The rewritten copy: Courier 9 pt, 100 characters a line, 66 lines a page (A4). Lines
# placed one by one are 13 times faster than fpdf2's flowing text (multi_cell: 64 ms a
# page, bench/attachments_bench.py), and a fixed-width font needs no measuring.
_COLUMNS, _TOP, _BOTTOM, _LEADING = 100, 15.0, 282.0, 4.0


def render_pdf(text: str) -> bytes:
    """A plain PDF of ``text``, a new page at each PAGE_BREAK (core fonts: Latin-1)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_font("Courier", size=9)
    for page in text.split(PAGE_BREAK):
        pdf.add_page()
        y = _TOP
        for paragraph in latin(page.expandtabs(4)).split("\n"):
            for line in textwrap.wrap(paragraph, _COLUMNS, drop_whitespace=False) or [""]:
                if y > _BOTTOM:
                    pdf.add_page()
                    y = _TOP
                pdf.text(10, y, line)
                y += _LEADING
    return bytes(pdf.output())

"""The text of office documents a request carries: Word, Excel, PowerPoint, OpenDocument.

OpenAI's Responses API reads such files (``input_file``), so a payslip exported from the
HR software as a spreadsheet reaches the model as surely as a PDF. Their formats are zips
of XML parts; the gateway reads the text those parts hold (paragraphs, table cells, sheet
values, slides and notes, headers and footers, comments) the way the formats store it, so
the scan and the policies see it. It does not write them back: when their text must be
redacted, the provider receives a PDF of the redacted text (:mod:`.attachments`).

XML is parsed by defusedxml (entity expansion and external references refused) and the
zip is bounded (parts, inflated bytes) before anything is inflated: a file crafted to
explode costs nothing and counts as unreadable.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from typing import Any

from gateway.text.ocr import Ocr

# The parts that hold text, by format, in the order a reader meets them.
_PARTS = (
    re.compile(r"word/(document|header\d*|footer\d*|footnotes|endnotes|comments)\.xml"),
    re.compile(r"xl/(sharedStrings|worksheets/sheet\d+)\.xml"),
    re.compile(r"ppt/(slides/slide\d+|notesSlides/notesSlide\d+)\.xml"),
    re.compile(r"content\.xml"),  # OpenDocument (odt, ods, odp)
)
_SHARED = "xl/sharedStrings.xml"
# Where the formats keep embedded pictures (Word, Excel, PowerPoint; OpenDocument).
_MEDIA = re.compile(r"(word|xl|ppt)/media/[^/]+\.(png|jpe?g|gif|bmp|tiff?|webp)|"
                    r"Pictures/[^/]+\.(png|jpe?g|gif|bmp|tiff?|webp)", re.I)
# Embedded pictures read by OCR in one file.
MAX_OCR_PICTURES = 20
# Bounds before inflating: no office document an employee sends comes near them.
MAX_PARTS = 2_000
MAX_INFLATED = 64 * 1024 * 1024
# Elements that hold text (w:t, a:t, sheet values and inline strings), those that start a
# new line (paragraphs, rows, shared strings, line breaks) and a new cell (tab).
_TEXT = frozenset({"t", "v"})
_LINE = frozenset({"p", "row", "tr", "si", "br", "h", "table-row"})
_CELL = frozenset({"c", "tab", "tc", "table-cell"})
_ODF = "urn:oasis:names:tc:opendocument"


def read_office(data: bytes, ocr: Ocr | None = None) -> str | None:
    """The text of a Word, Excel, PowerPoint or OpenDocument file, then the words of the
    pictures it embeds when ``ocr`` is given (a scanned RIB pasted in a letter); None when
    ``data`` is none of them, is broken, or is past the bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = [info for info in archive.infolist()
                     if any(p.fullmatch(info.filename) for p in _PARTS)]
            if not parts or len(archive.infolist()) > MAX_PARTS or \
                    sum(info.file_size for info in parts) > MAX_INFLATED:
                return None
            strings = [info for info in parts if info.filename == _SHARED]
            shared = _shared_strings(archive.read(strings[0])) if strings else []
            texts = [_xml_text(archive.read(info), shared)
                     for info in sorted(parts, key=_order) if info.filename != _SHARED]
            if ocr is not None:
                texts.extend(_pictures(archive, ocr))
    # A reader of untrusted files: zipfile and the XML parser raise BadZipFile, KeyError,
    # ValueError, defusedxml's refusals, zlib errors... Any of them: unreadable.
    except Exception:
        return None
    text = "\n".join(t for t in texts if t.strip())
    return text if text.strip() else None


def _pictures(archive: zipfile.ZipFile, ocr: Ocr) -> list[str]:
    """The words of the pictures an office file embeds (its media folder), read in
    parallel: at most MAX_OCR_PICTURES of them, MAX_INFLATED bytes in all once inflated."""
    media = [info for info in archive.infolist() if _MEDIA.fullmatch(info.filename)]
    pictures: list[bytes] = []
    inflated = 0
    for info in sorted(media, key=_order)[:MAX_OCR_PICTURES]:
        inflated += info.file_size
        if inflated > MAX_INFLATED:
            break
        pictures.append(archive.read(info))
    return [reading.text for reading in ocr.read_all(pictures) if reading is not None]


def _order(info: zipfile.ZipInfo) -> tuple[int, ...]:
    """Parts in reading order: sheet10 after sheet9, slide10 after slide9."""
    return tuple(int(n) for n in re.findall(r"\d+", info.filename)) or (0,)


def _parse(xml: bytes) -> Any:
    from defusedxml.ElementTree import fromstring

    return fromstring(xml)


def _shared_strings(xml: bytes) -> list[str]:
    """A workbook's shared strings, which its cells name by index."""
    return ["".join(t.text or "" for t in item.iter() if t.tag.endswith("}t"))
            for item in _parse(xml) if str(item.tag).endswith("}si")]


# A cell's paragraph starts no line of its own, and a row starts with its first cell:
# « Nom<TAB>Morel » on one line, as the table shows it.
_CELL_BREAKS = re.compile(r"\t\n+|\n+\t")


def _xml_text(xml: bytes, strings: list[str]) -> str:
    text = "".join(_pieces(_parse(xml), strings))
    return _CELL_BREAKS.sub(lambda m: "\n" if m.group().startswith("\n") else "\t", text)


def _pieces(root: Any, strings: list[str]) -> Iterator[str]:
    shared = False  # the cell's value is an index into the shared strings
    for element in root.iter():
        namespace, _, tag = str(element.tag).rpartition("}")
        if tag in _LINE:
            yield "\n"
        elif tag in _CELL:
            yield "\t"
            shared = element.get("t") == "s"
        if namespace.startswith("{" + _ODF):
            # OpenDocument writes text straight into its elements, between children.
            if element.text:
                yield element.text
            if element.tail and tag not in _LINE:
                yield element.tail
        elif tag == "v" and shared:
            index = int(element.text or "-1")
            yield strings[index] if 0 <= index < len(strings) else ""
        elif tag in _TEXT and element.text:
            yield element.text

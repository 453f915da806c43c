"""Text written in the pictures a request carries, read by Tesseract, and masked out of them.

A photo of a payslip, a screenshot of a client file or a scanned identity card carries the
same NIR, IBAN or name as a message that types it: unread, it reached the provider where the
typed one is refused. When the ``tesseract`` program is installed (Debian's
``tesseract-ocr`` and ``tesseract-ocr-fra``, in the gateway's image) and ``GATEWAY_OCR`` is
``auto`` (the default), the gateway reads the words of a picture and of a scanned PDF page,
with their boxes, and scans that text like any other field:

- what the policies refuse in it is refused as if typed;
- what redaction replaces is painted over in the picture the provider receives (a black
  box on each word that changed: a picture cannot carry a pseudonym, so none is put back
  in the answer for it); a scanned PDF is rewritten as a PDF of its redacted text, as a
  PDF with a text layer is (:mod:`gateway.proxy.fields.attachments`);
- a picture in which no word is found stays ``unreadable`` to the policies: the gateway
  cannot tell a photo of a face from a blank page.

Tesseract is a program, not a Python package: without it (``GATEWAY_OCR=off`` or not
installed) pictures are named ``unreadable`` to the policies, as before. Each picture is one
Tesseract process on one core (``OMP_THREAD_LIMIT=1``: its own threads would only fight the
gateway's), within ``GATEWAY_OCR_TIMEOUT_SECONDS``. The pictures of a request (the pages of
a scan, the pictures of a Word file, several screenshots) are read in parallel, and at most
``GATEWAY_OCR_WORKERS`` processes run at once whatever the number of requests: a ten-page
scan takes the time of ten pages divided by the cores, and twenty scans at once do not start
two hundred processes on the gateway's host.
"""

from __future__ import annotations

import difflib
import io
import logging
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

# A picture larger than this is not read (a decompression bomb: a few KB of PNG can claim
# billions of pixels); it stays unreadable for the policies to decide. 40 MP covers a
# phone's photo and an A4 page scanned at 600 dpi.
MAX_PIXELS = 40_000_000
# Words Tesseract is less sure of are still scanned: a NIR misread by one digit is still
# worth catching, and noise in a photo seldom looks like personal data.
_MIN_CONFIDENCE = 0.0
# Tesseract's orientation detection, and how sure it must be to turn a picture (its own
# scale: 2 to 3 on a clear page of a few lines, under 1 on noise).
_ROTATE = re.compile(r"^Rotate: (\d+)", re.M)
_ORIENTATION_CONFIDENCE = re.compile(r"^Orientation confidence: ([\d.]+)", re.M)
_ORIENTATION_SURE = 1.0
_EXIF_ORIENTATION = 0x0112
# Type lower than this (pixels, :func:`_small`) is read again at twice the size: below it
# Tesseract misreads digits (« 588 157 » as « 588 167 » in 11-pixel type).
_SMALL_TYPE = 12
# Around each masked word, so that no stroke of a letter is left at its edge.
_PAD = 2
# What Pillow writes back, by the format it read; anything else is sent back as PNG.
_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp", "GIF": "image/gif"}


class OcrError(Exception):
    """Tesseract could not read a picture (broken, too large, too slow)."""


@dataclass(frozen=True, slots=True)
class Word:
    """A word of the text read, at ``start:end`` of it, and its box in the picture."""

    start: int
    end: int
    box: tuple[int, int, int, int]  # left, top, right, bottom


@dataclass(frozen=True, slots=True)
class Reading:
    """A picture's text (lines apart by newlines) and where each word of it is, in the
    picture as read: upright as its EXIF orientation says, then turned ``turn`` degrees
    clockwise when Tesseract found it sideways or upside down."""

    text: str
    words: tuple[Word, ...]
    # Tesseract's mean confidence in the words, 0 to 100.
    confidence: float = 0.0
    turn: int = 0


@dataclass(frozen=True, slots=True)
class Ocr:
    """Tesseract, as the settings ask for it (built once in the lifespan, closed at its end)."""

    binary: str
    languages: str
    timeout_s: float
    # Where pictures are read (:meth:`read_all`): its workers bound the Tesseract processes
    # running at once across all requests. Threads start on the first picture only.
    pool: ThreadPoolExecutor = field(repr=False, compare=False)

    @classmethod
    def from_settings(cls, mode: str, languages: str, timeout_s: float,
                      workers: int = 0) -> Ocr | None:
        """None when turned off or when the program is not installed (logged once).
        ``workers``: Tesseract processes at once, 0 for one per core of the machine."""
        if mode == "off":
            return None
        binary = shutil.which("tesseract")
        if binary is None:
            log.info("OCR off: the tesseract program is not installed; pictures are "
                     "named unreadable to the policies")
            return None
        pool = ThreadPoolExecutor(workers or os.cpu_count() or 1, thread_name_prefix="ocr")
        return cls(binary, languages, timeout_s, pool)

    def read_all(self, pictures: Sequence[bytes]) -> list[Reading | None]:
        """:meth:`try_read` of each picture, in order, read in parallel on the pool
        (blocking: call it from a thread, never from a task of the pool itself)."""
        return list(self.pool.map(self.try_read, pictures))

    def close(self) -> None:
        """Stop the pool: readings under way end, none queued starts."""
        self.pool.shutdown(wait=False, cancel_futures=True)

    def read(self, data: bytes) -> Reading:
        """The words of a picture (blocking: run it in a thread). Raises OcrError.

        A phone's photo is stored sideways with an EXIF tag saying how to show it, and a
        page is often scanned sideways or upside down: read as stored, its NIR comes out as
        noise that Tesseract is nonetheless sure of (a mean confidence of 64 on a page
        upside down), so no reading can tell it went wrong. The picture is put upright as
        its EXIF tag says, then Tesseract's orientation detection (``--psm 0``, about 0.2 s
        of CPU beside the reading's 0.4-0.5) says how to turn it before it is read."""
        pixels, exif_turned = _inspect(data)
        shown = _shown(data) if exif_turned else data
        turn = self._orientation(shown)
        reading = self._tsv(_shown(data, turn) if turn else shown)
        if turn:
            # The detection errs on some upright pages (a page of prose at 1,000 pixels:
            # « Rotate: 180 », sure at 1.87) and its reading upside down missed the NIR:
            # the picture as shown is read too, and the surer of the two readings kept.
            upright = self._tsv(shown)
            if upright.confidence >= reading.confidence:
                reading, turn = upright, 0
        if reading.words and _small(reading) and pixels * 4 <= MAX_PIXELS:
            # A screenshot of a spreadsheet in 11-pixel type: read as it is, « 588 157 »
            # came out « 588 167 » (its NIR no longer a NIR); read twice as large, right.
            reading = _halved(self._tsv(_shown(data, turn, scale=2)))
        return Reading(reading.text, reading.words, reading.confidence, turn)

    def _run(self, data: bytes, *arguments: str) -> str:
        try:
            # The program found at start-up, fixed arguments; the picture goes on stdin.
            done = subprocess.run(  # noqa: S603
                [self.binary, "stdin", "stdout", *arguments],
                input=data, capture_output=True, timeout=self.timeout_s, check=False,
                env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            )
        except (subprocess.TimeoutExpired, OSError) as exc:
            raise OcrError(type(exc).__name__) from None
        if done.returncode != 0:
            raise OcrError(f"tesseract exited with {done.returncode}")
        return done.stdout.decode("utf-8", "replace")

    def _tsv(self, data: bytes) -> Reading:
        return parse_tsv(self._run(data, "-l", self.languages, "tsv"))

    def _orientation(self, data: bytes) -> int:
        """Degrees to turn the picture clockwise to read it, 0 when unsure or upright."""
        try:
            found = self._run(data, "--psm", "0")
        except OcrError:  # too few letters to tell: leave it as it is
            return 0
        turn = _ROTATE.search(found)
        sure = _ORIENTATION_CONFIDENCE.search(found)
        if turn is None or sure is None or float(sure.group(1)) < _ORIENTATION_SURE:
            return 0
        return int(turn.group(1)) % 360

    def try_read(self, data: bytes) -> Reading | None:
        """:meth:`read`, or None (logged) when the picture cannot be read."""
        try:
            return self.read(data)
        except OcrError as exc:
            log.info("picture not read by OCR: %s", exc)
            return None


def _inspect(data: bytes) -> tuple[int, bool]:
    """The picture's pixels, and whether it is shown turned or mirrored (its EXIF
    orientation); refuses what Pillow cannot open or what claims too many pixels, before
    anything decodes it."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as opened:
            width, height = opened.size
            orientation = opened.getexif().get(_EXIF_ORIENTATION, 1)
    except Exception as exc:  # a parser of untrusted bytes: any failure means unreadable
        raise OcrError(f"not a picture: {type(exc).__name__}") from None
    if width * height > MAX_PIXELS:
        raise OcrError(f"{width}x{height} pixels: over {MAX_PIXELS}")
    return width * height, orientation != 1


def _shown(data: bytes, turn: int = 0, scale: int = 1) -> bytes:
    """The picture as shown (its EXIF orientation applied), turned ``turn`` degrees
    clockwise and ``scale`` times as large, as PNG bytes for Tesseract."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as opened:
        image = ImageOps.exif_transpose(opened)
        if turn:
            image = image.rotate(-turn, expand=True)
        if scale != 1:
            image = image.resize((image.width * scale, image.height * scale),
                                 Image.Resampling.LANCZOS)
        out = io.BytesIO()
        image.save(out, format="PNG")
        return out.getvalue()


def _small(reading: Reading) -> bool:
    """Whether the type is smaller than Tesseract reads well: the lower quartile of the
    heights of words of two letters or digits or more (punctuation is lower, and a word
    Tesseract ran across two lines higher) under _SMALL_TYPE pixels. Measured on the
    same lines drawn at 11, 14, 18, 24 and 30 pixels: 8, 10, 13, 16 and 20."""
    heights = sorted(word.box[3] - word.box[1] for word in reading.words
                     if sum(c.isalnum() for c in reading.text[word.start:word.end]) >= 2)
    return bool(heights) and heights[len(heights) // 4] < _SMALL_TYPE


def _halved(reading: Reading) -> Reading:
    """A reading of the picture at twice its size, its boxes brought back to its size."""
    words = tuple(Word(w.start, w.end, (w.box[0] // 2, w.box[1] // 2, -(-w.box[2] // 2),
                                       -(-w.box[3] // 2))) for w in reading.words)
    return Reading(reading.text, words, reading.confidence)


def parse_tsv(tsv: str) -> Reading:
    """Tesseract's TSV output as text and word boxes: a line of the picture is a line of
    the text, its words apart by one space, blocks and paragraphs apart by a newline."""
    parts: list[str] = []
    words: list[Word] = []
    line_of: tuple[str, ...] | None = None
    length = 0
    sure = 0.0
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) < 12 or cells[0] != "5" or not cells[11].strip():
            continue
        if float(cells[10]) < _MIN_CONFIDENCE:
            continue
        line = tuple(cells[1:5])  # page, block, paragraph, line
        if line_of is not None:
            separator = " " if line == line_of else "\n"
            parts.append(separator)
            length += 1
        line_of = line
        text = cells[11].strip()
        left, top, width, height = (int(cell) for cell in cells[6:10])
        words.append(Word(length, length + len(text), (left, top, left + width, top + height)))
        parts.append(text)
        length += len(text)
        sure += float(cells[10])
    return Reading("".join(parts), tuple(words), sure / len(words) if words else 0.0)


def changed_words(reading: Reading, redacted: str) -> list[Word]:
    """The words of ``reading`` that redaction changed, in ``redacted`` (its text after)."""
    spans = [(a1, a2) for tag, a1, a2, _b1, _b2 in
             difflib.SequenceMatcher(None, reading.text, redacted, autojunk=False).get_opcodes()
             if tag != "equal"]
    # An insertion (a1 == a2) changes the word it falls in, or the one before it.
    return [word for word in reading.words
            if any(a1 < word.end and (a2 > word.start or a1 == a2 >= word.start)
                   for a1, a2 in spans)]


def mask(data: bytes, reading: Reading, words: list[Word]) -> tuple[bytes, str]:
    """The picture with a black box over each of ``words`` (boxes of ``reading``: drawn
    on the picture as read, then turned back), in its own format when Pillow writes it
    (else PNG), and that format's media type. It goes out as shown: EXIF orientation
    applied, its metadata (a photo's place and time among them) not copied."""
    from PIL import Image, ImageDraw, ImageOps

    with Image.open(io.BytesIO(data)) as picture:
        kind = picture.format or "PNG"
        canvas = ImageOps.exif_transpose(picture)
    if kind == "JPEG" or canvas.mode == "P":
        canvas = canvas.convert("RGB")
    if reading.turn:
        canvas = canvas.rotate(-reading.turn, expand=True)
    draw = ImageDraw.Draw(canvas)
    for word in words:
        left, top, right, bottom = word.box
        draw.rectangle((left - _PAD, top - _PAD, right + _PAD, bottom + _PAD), fill="black")
    if reading.turn:
        canvas = canvas.rotate(reading.turn, expand=True)
    kind = kind if kind in _FORMATS else "PNG"
    out = io.BytesIO()
    canvas.save(out, format=kind)
    return out.getvalue(), _FORMATS[kind]

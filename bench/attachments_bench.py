"""Cost of reading and rewriting the PDFs a request carries (gateway.proxy.fields.attachments).

Usage: python bench/attachments_bench.py [--pages 1,10,50] [--repeat N] [--no-ocr]
                                        [--scan-pages 4]

A PDF's text is read (pypdf) before the scan, in a thread; when redaction changes it, a
plain PDF of the redacted text is written (fpdf2). Both run off the event loop but take a
core while they run, so the figure that matters is milliseconds per page. The PDFs are
made here with fpdf2: pages of French prose (about 2,400 characters each), the shape of a
contract or a payslip export. Prints the median of per-call times for reading, rewriting,
and the record's description (base64 decode and SHA-256), and the PDF's size.

Then, when Tesseract is installed, the cost of reading a picture's words
(gateway.text.ocr): a screenshot of a few lines and an A4 page scanned at 150 dpi, both
drawn here with Pillow; the wall time and Tesseract's CPU time per picture (it runs as a
child process, one thread), and the time to paint the changed words over. Last, a scanned
PDF of ``--scan-pages`` screenshot pages read whole with one Tesseract process at a time
and with one per core (GATEWAY_OCR_WORKERS), alternated: the pages of a scan are read in
parallel.
"""

from __future__ import annotations

import argparse
import base64
import functools
import io
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.proxy.fields.attachments import Attachment  # noqa: E402
from gateway.proxy.fields.pdf import PAGE_BREAK, read_pdf, render_pdf  # noqa: E402
from gateway.text.ocr import Ocr, changed_words, mask  # noqa: E402

PARAGRAPH = (
    "Entre la société Menuiseries de l'Authion, représentée par son gérant, et M. Jean-"
    "Baptiste Morel, demeurant 12 rue des Lilas à Angers, il est convenu ce qui suit. Le "
    "salarié exercera les fonctions de responsable d'atelier à compter du 1er mars 2027, "
    "pour une rémunération brute annuelle de 38 400 euros, versée en douze mensualités. "
)


def document(pages: int) -> bytes:
    return render_pdf(PAGE_BREAK.join(PARAGRAPH * 7 for _ in range(pages)))


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="1,10,50")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-ocr", action="store_true", help="leave pictures out")
    parser.add_argument("--scan-pages", type=int, default=4)
    args = parser.parse_args()
    read_pdf(document(1))  # pypdf's import, out of the figures
    print(f"{'pages':>5} {'size KB':>8} {'read ms':>8} {'ms/page':>8} {'rewrite ms':>10} "
          f"{'describe ms':>11}")
    for pages in (int(n) for n in args.pages.split(",")):
        print(row(pages, args.repeat))
    ocr = None if args.no_ocr else Ocr.from_settings("auto", "fra+eng", 120)
    if ocr is not None:
        print(f"\n{'picture':>22} {'pixels':>10} {'words':>6} {'OCR ms':>8} "
              f"{'OCR CPU ms':>10} {'mask ms':>8}")
        for name, size, lines in (("screenshot, 4 lines", (1100, 310), 4),
                                  ("A4 scan 150 dpi", (1240, 1754), 40)):
            print(ocr_row(ocr, name, picture(size, lines), args.repeat))
        print(scan_rows(args.scan_pages, max(1, args.repeat // 2)))


def row(pages: int, repeat: int) -> str:
    """One line of figures for a PDF of ``pages`` pages."""
    data = document(pages)
    text, _ = read_pdf(data)
    assert text is not None
    item = Attachment({"d": base64.b64encode(data).decode()}, "d", "pdf", "application/pdf", "d")

    def describe() -> None:
        item._described = None  # the record describes a file once: measure the first time
        item.description()

    read = median_ms(lambda: read_pdf(data), repeat)
    rewrite = median_ms(lambda: render_pdf(text), repeat)
    described = median_ms(describe, repeat)
    return (f"{pages:>5} {len(data) / 1024:>8.1f} {read:>8.1f} {read / pages:>8.2f} "
            f"{rewrite:>10.1f} {described:>11.2f}")


def picture(size: tuple[int, int], lines: int, first: int = 0) -> bytes:
    """Black text on white: ``lines`` lines of the contract's prose, 60 characters each,
    from its line ``first`` on (distinct pages: the gateway reads a repeated picture once)."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=24)
    for index in range(lines):
        start = ((first + index) * 60) % (len(PARAGRAPH) - 60)
        draw.text((40, 30 + 40 * index), PARAGRAPH[start:start + 60], fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def ocr_row(ocr: Ocr, name: str, data: bytes, repeat: int) -> str:
    """One line of figures for reading ``data`` and masking a tenth of its words."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = median_ms(lambda: ocr.read(data), repeat)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = ((after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)) * 1000
    reading = ocr.read(data)
    redacted = "".join("X" if any(w.start <= i < w.end for w in reading.words[::10]) else c
                       for i, c in enumerate(reading.text))
    changed = changed_words(reading, redacted)
    masked = median_ms(lambda: mask(data, reading, changed), repeat)
    from PIL import Image

    width, height = Image.open(io.BytesIO(data)).size
    return (f"{name:>22} {width * height:>10} {len(reading.words):>6} {wall:>8.0f} "
            f"{cpu / repeat:>10.0f} {masked:>8.1f}")


def scan_rows(pages: int, repeat: int) -> str:
    """A scanned PDF's read with one worker and with one per core, alternated."""
    from fpdf import FPDF

    pdf = FPDF()
    for page in range(pages):
        pdf.add_page()
        pdf.image(io.BytesIO(picture((1100, 310), 4, first=page)), x=5, y=5, w=200)
    data = bytes(pdf.output())
    cores = os.cpu_count() or 1
    readers = {workers: Ocr.from_settings("auto", "fra+eng", 120, workers)
               for workers in (1, cores)}
    times: dict[int, list[float]] = {workers: [] for workers in readers}
    for _ in range(repeat):
        for workers, reader in readers.items():
            times[workers].append(median_ms(functools.partial(read_pdf, data, reader), 1))
    lines = [f"\nscanned PDF, {pages} pages of 4 lines: wall ms by Tesseract processes at once"]
    lines += [f"{workers:>22} {statistics.median(found):>10.0f}"
              for workers, found in times.items()]
    return "\n".join(lines)


if __name__ == "__main__":
    main()

"""Cost of reading and rewriting the PDFs a request carries (gateway.proxy.fields.attachments).

Usage: python bench/attachments_bench.py [--pages 1,10,50] [--repeat N]

A PDF's text is read (pypdf) before the scan, in a thread; when redaction changes it, a
plain PDF of the redacted text is written (fpdf2). Both run off the event loop but take a
core while they run, so the figure that matters is milliseconds per page. The PDFs are
made here with fpdf2: pages of French prose (about 2,400 characters each), the shape of a
contract or a payslip export. Prints the median of per-call times for reading, rewriting,
and the record's description (base64 decode and SHA-256), and the PDF's size.
"""

from __future__ import annotations

import argparse
import base64
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.proxy.fields.attachments import (  # noqa: E402
    PAGE_BREAK,
    Attachment,
    read_pdf,
    render_pdf,
)

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
    args = parser.parse_args()
    read_pdf(document(1))  # pypdf's import, out of the figures
    print(f"{'pages':>5} {'size KB':>8} {'read ms':>8} {'ms/page':>8} {'rewrite ms':>10} "
          f"{'describe ms':>11}")
    for pages in (int(n) for n in args.pages.split(",")):
        print(row(pages, args.repeat))


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

if __name__ == "__main__":
    main()

"""The pictures of a request are read in parallel, within a bound on Tesseract processes.

A ten-page scan read one page after another took ten pages' time on a machine with cores
to spare; twenty scans at once could start as many processes as the threads serving them.
Tesseract itself is watched here: a wrapper around the real program notes when each
process starts and ends, so the tests see how many ran at once.
"""

from __future__ import annotations

import io
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from fpdf import FPDF

from gateway.proxy.fields.office import read_office
from gateway.proxy.fields.pdf import read_pdf
from gateway.text.ocr import Ocr
from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh
from tests.hardening.test_ocr import (
    CONTRACT,
    NIR_CARD,
    b64,
    chat_pdf,
    docx_with_a_picture,
    picture,
    pytestmark,  # noqa: F401 (skipped where Tesseract and French are absent)
)

PAGES = [["Dossier du salarié - page 1", "Poste : responsable d'atelier"],
         ["Dossier du salarié - page 2", "Contrat à durée indéterminée"],
         ["Dossier du salarié - page 3", *NIR_CARD[1:]]]


def watched(tmp_path: Path) -> tuple[Path, Path]:
    """A ``tesseract`` that runs the real one and notes its start and end (ns) in a log."""
    real = shutil.which("tesseract")
    assert real is not None
    log = tmp_path / "runs.log"
    wrapper = tmp_path / "tesseract"
    wrapper.write_text(f"""#!/bin/sh
echo "+ $(date +%s%N)" >> {log}
{real} "$@"
status=$?
echo "- $(date +%s%N)" >> {log}
exit $status
""")
    wrapper.chmod(0o755)
    return wrapper, log


def most_at_once(log: Path) -> int:
    """The largest number of Tesseract processes that ran at the same time."""
    events = sorted((int(stamp), 1 if sign == "+" else -1)
                    for sign, stamp in (line.split() for line in log.read_text().splitlines()))
    running = most = 0
    for _, step in events:  # at one stamp, an end (-1) sorts before a start
        running += step
        most = max(most, running)
    return most


def ocr(binary: Path, workers: int) -> Ocr:
    return Ocr(str(binary), "fra+eng", 60.0, ThreadPoolExecutor(workers))


def scan(pages: list[list[str]]) -> bytes:
    """A scanned PDF: one picture per page, no text layer."""
    pdf = FPDF()
    for lines in pages:
        pdf.add_page()
        pdf.image(io.BytesIO(picture(lines)), x=5, y=5, w=200)
    return bytes(pdf.output())


def test_the_pages_of_a_scan_are_read_at_once(tmp_path: Path) -> None:
    binary, log = watched(tmp_path)
    reader = ocr(binary, workers=3)
    text, complete = read_pdf(scan(PAGES), reader)
    reader.close()
    assert text is not None and complete
    pages = text.split("\f")
    assert "page 2" in pages[1] and "588 157 80" in pages[2]  # each page keeps its words
    assert most_at_once(log) >= 2


def test_one_worker_reads_one_picture_at_a_time(tmp_path: Path) -> None:
    binary, log = watched(tmp_path)
    reader = ocr(binary, workers=1)
    text, complete = read_pdf(scan(PAGES), reader)
    reader.close()
    assert text is not None and complete and "588 157 80" in text
    assert most_at_once(log) == 1


def test_the_bound_holds_across_requests(tmp_path: Path) -> None:
    """Three Word files read at once, two pictures each: never more than two processes."""
    binary, log = watched(tmp_path)
    reader = ocr(binary, workers=2)
    files = [docx_with_a_picture(NIR_CARD), docx_with_a_picture(CONTRACT),
             docx_with_a_picture(PAGES[0])]
    texts: list[str | None] = [None] * len(files)

    def read(index: int) -> None:
        texts[index] = read_office(files[index], reader)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reader.close()
    assert texts[0] is not None and "588 157 80" in texts[0]
    assert texts[1] is not None and "Morel" in texts[1]
    assert most_at_once(log) == 2


def test_a_nir_in_the_last_of_several_screenshots_is_refused(
        gw: Gateway, http: httpx.Client) -> None:
    """Several pictures in one message, read at once: the one with the NIR still counts."""
    shots = [{"type": "image_url", "image_url": {"url": "data:image/png;base64,"
                                                 + b64(picture(lines))}}
             for lines in (PAGES[0], CONTRACT, NIR_CARD)]
    response = post_fresh(gw, http, "/v1/chat/completions", {
        "model": "gpt-test", "messages": [{"role": "user", "content": [
            {"type": "text", "text": "Résume ces captures."}, *shots]}]})
    assert response.status_code == 403, response.text
    assert "nir-et-cartes-interdits-hors-site" in response.text
    assert gw.fake.received == []


def test_a_nir_on_the_last_page_of_a_scan_is_refused(gw: Gateway, http: httpx.Client) -> None:
    response = post_fresh(gw, http, *chat_pdf(scan(PAGES)))
    assert response.status_code == 403, response.text
    assert gw.fake.received == []
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["pii_findings"].get("FR_NIR") == 1

"""The GDPR documents as PDF, from the Markdown :mod:`.register` writes (fpdf2, pure Python).

Only the Markdown those documents use is read: ``#``/``##``/``###`` headings, paragraphs,
``- `` bullets, pipe tables, ``**bold**``, ``_italic_``, ``code`` and ``---`` (a new page:
the next document). The PDF core fonts (Helvetica) cover Latin-1, which holds French
(« », é, à, ç…); the few typographic signs outside it are written with their ASCII
equivalents, so no font file has to ship with the gateway.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from gateway.text.latin import latin

_HEADING = {1: 16, 2: 13, 3: 11}
_UNESCAPE = (("\\|", "|"), ("&lt;", "<"), ("&gt;", ">"), ("\\\\", "\\"))


def inline(text: str) -> str:
    """Markdown emphasis as fpdf2's markup (``**bold**``, ``__italic__``), code as text."""
    for escaped, plain in _UNESCAPE:
        text = text.replace(escaped, plain)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    text = re.sub(r"(?<![\w_])_([^_]+)_(?![\w_])", r"__\1__", text)
    return latin(text)


def _cells(line: str) -> list[str]:
    return [inline(cell.strip()) for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]]


def _blocks(markdown: str) -> Iterator[tuple[str, object]]:
    """(kind, content) for each heading, paragraph, bullet, table and page break."""
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].startswith("|"):
                if not re.fullmatch(r"\|(-+\|)+", lines[i].strip()):
                    rows.append(_cells(lines[i]))
                i += 1
            yield "table", rows
            continue
        heading = re.match(r"(#{1,3}) (.*)", line)
        if heading:
            yield "heading", (len(heading.group(1)), inline(heading.group(2)))
        elif line.strip() == "---":
            yield "page", None
        elif line.startswith("- "):
            yield "bullet", inline(line[2:])
        elif line.strip():
            yield "text", inline(line)
        i += 1


def _table(pdf: FPDF, rows: list[list[str]]) -> None:
    if not rows or not any(rows[0]):  # a header of empty cells: a two-column key/value list
        rows = rows[1:]
    if not rows:
        return
    pdf.set_font("Helvetica", size=8)
    with pdf.table(text_align="LEFT", markdown=True, line_height=4,
                   first_row_as_headings=bool(rows[0]) and len(rows) > 1) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(2)


def render(markdown: str, title: str) -> bytes:
    """The PDF of a document (or of several, ``---`` between them)."""
    pdf = FPDF(format="A4")
    pdf.set_title(latin(title))
    pdf.set_creator("AI gateway")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for kind, content in _blocks(markdown):
        if kind == "page":
            pdf.add_page()
        elif kind == "heading":
            level, text = cast(tuple[int, str], content)
            size = _HEADING[level]
            pdf.set_font("Helvetica", style="B", size=size)
            pdf.ln(2)
            pdf.multi_cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
        elif kind == "table":
            _table(pdf, cast(list[list[str]], content))
        else:
            pdf.set_font("Helvetica", size=9)
            text = f"-  {content}" if kind == "bullet" else str(content)
            indent = 4 if kind == "bullet" else 0
            pdf.set_x(pdf.l_margin + indent)
            pdf.multi_cell(0, 4.5, text, markdown=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(1)
    return bytes(pdf.output())

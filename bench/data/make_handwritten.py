"""Turn the hand-written, marked-up texts into the eval's JSONL format.

Usage: python bench/data/make_handwritten.py
  bench/data/handwritten_fr.txt          ->  bench/data/handwritten_fr.jsonl
  bench/data/handwritten_heldout_fr.txt  ->  bench/data/handwritten_heldout_fr.jsonl

In the source, ``[[LABEL:value]]`` marks personal data and ``{{kind:value}}``
a harmless value; texts are separated by a line ``---`` and start with a
line ``@kind``. Lines starting with ``#`` before the first text are comments.
Unlike ``fr_eval.jsonl`` (generated from templates by the same person who
wrote the rules), these texts were written by hand to vary the wording.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
_MARK = re.compile(r"\[\[([A-Z_]+):(.+?)\]\]|\{\{([a-z]+):(.+?)\}\}")


def parse(block: str) -> dict[str, object]:
    """One marked-up text -> {"kind", "text", "spans", "harmless"}."""
    head, _, body = block.strip("\n").partition("\n")
    if not head.startswith("@"):
        raise ValueError(f"text must start with @kind: {head!r}")
    text, spans, harmless, cursor = "", [], [], 0
    for match in _MARK.finditer(body):
        text += body[cursor : match.start()]
        label, kind = match.group(1), match.group(3)
        value = match.group(2) if label else match.group(4)
        entry = {"start": len(text), "end": len(text) + len(value)}
        if label:
            spans.append({"label": label, **entry})
        else:
            harmless.append({"kind": kind, **entry})
        text += value
        cursor = match.end()
    text += body[cursor:]
    return {"kind": head[1:].strip(), "text": text, "spans": spans, "harmless": harmless}


def convert(source: Path) -> None:
    """Write ``source``'s texts next to it as JSONL."""
    text = source.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"^---$", text, flags=re.MULTILINE)[1:] if b.strip()]
    out = source.with_suffix(".jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for index, block in enumerate(blocks):
            row = {"id": index, **parse(block)}
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(blocks)} texts -> {out}")


def main() -> None:
    for name in ("handwritten_fr.txt", "handwritten_heldout_fr.txt"):
        convert(HERE / name)


if __name__ == "__main__":
    main()

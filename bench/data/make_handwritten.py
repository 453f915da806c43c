"""Turn the hand-written, marked-up texts into the eval's JSONL format.

Usage: python bench/data/make_handwritten.py
  bench/data/handwritten_fr.txt          ->  bench/data/handwritten_fr.jsonl
  bench/data/handwritten_heldout_fr.txt  ->  bench/data/handwritten_heldout_fr.jsonl
  bench/data/heldout_realistic_fr.txt    ->  bench/data/heldout_realistic_fr.jsonl
  bench/data/heldout4_realistic_fr.txt   ->  bench/data/heldout4_realistic_fr.jsonl
  bench/data/heldout5_realistic_fr.txt   ->  bench/data/heldout5_realistic_fr.jsonl
  bench/data/heldout6_realistic_fr.txt   ->  bench/data/heldout6_realistic_fr.jsonl
  bench/data/heldout7_realistic_fr.txt   ->  bench/data/heldout7_realistic_fr.jsonl
  bench/data/heldout8_realistic_fr.txt   ->  bench/data/heldout8_realistic_fr.jsonl
  bench/data/dev_fr.txt                  ->  bench/data/dev_fr.jsonl
  bench/data/dev2_fr.txt                 ->  bench/data/dev2_fr.jsonl
  bench/data/dev3_fr.txt                 ->  bench/data/dev3_fr.jsonl
  bench/data/dev4_fr.txt                 ->  bench/data/dev4_fr.jsonl
  bench/data/dev5_fr.txt                 ->  bench/data/dev5_fr.jsonl
  bench/data/dev6_fr.txt                 ->  bench/data/dev6_fr.jsonl
  bench/data/dev7_fr.txt                 ->  bench/data/dev7_fr.jsonl
  bench/data/dev8_fr.txt                 ->  bench/data/dev8_fr.jsonl
  bench/data/dev9_fr.txt                 ->  bench/data/dev9_fr.jsonl

In the source, ``[[LABEL:value]]`` marks personal data and ``{{kind:value}}``
a harmless value; texts are separated by a line ``---`` and start with a
line ``@kind``. Lines starting with ``#`` before the first text are comments.
Unlike ``fr_eval.jsonl`` (generated from templates by the same person who
wrote the rules), these texts were written by hand to vary the wording.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
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


def _digits(value: str) -> str:
    return "".join(
        str(unicodedata.decimal(c)) for c in value if unicodedata.decimal(c, None) is not None
    )


def check(row: dict[str, object]) -> list[str]:
    """Problems with the checksummed values of a row (a typo in the set, not in the engine).

    A NIR may have a wrong key or none, and a card a Luhn typo, only when
    the text labels it as one.
    """
    sys.path.insert(0, str(HERE.parents[1]))
    from gateway.redaction import checksums

    text, problems = str(row["text"]), []
    for span in row["spans"]:  # type: ignore[attr-defined]
        label, value = span["label"], text[span["start"] : span["end"]]
        digits = _digits(value)
        compact = "".join(c for c in value if c.isalnum())
        # A JSON float (« 185057800608436.0 ») keeps its NIR before the dot.
        nir = "".join(c for c in re.sub(r"\.0$", "", value) if c.isalnum())
        if label == "CREDIT_CARD" and not checksums.luhn_valid(digits):
            before = text[max(0, span["start"] - 40) : span["start"]].lower()
            if not re.search(r"carte|\bcb\b|card", before):
                problems.append(f"card fails Luhn and no label: {value!r}")
        elif label == "IBAN_CODE" and not checksums.iban_valid(compact):
            problems.append(f"invalid IBAN: {value!r}")
        elif label == "FR_SIRET" and not checksums.siret_valid(digits):
            problems.append(f"invalid SIRET: {value!r}")
        elif label == "FR_VAT" and not checksums.fr_vat_valid(compact):
            problems.append(f"invalid VAT: {value!r}")
        elif label == "FR_NIR" and not (len(nir) == 15 and checksums.nir_valid(nir)):
            before = text[max(0, span["start"] - 80) : span["start"]].lower()
            if not re.search(r"nir|sécu|secu|sécurité|insee|ss\b", before):
                problems.append(f"NIR without a valid key and no label: {value!r}")
        elif label == "PHONE_NUMBER" and not 8 <= len(digits) <= 15:
            problems.append(f"phone with {len(digits)} digits: {value!r}")
    return problems


def convert(source: Path) -> None:
    """Write ``source``'s texts next to it as JSONL; report suspicious values."""
    text = source.read_text(encoding="utf-8")
    blocks = [b for b in re.split(r"^---$", text, flags=re.MULTILINE)[1:] if b.strip()]
    out = source.with_suffix(".jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for index, block in enumerate(blocks):
            row = {"id": index, **parse(block)}
            for problem in check(row):
                print(f"{source.name} #{index}: {problem}")
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(blocks)} texts -> {out}")


def main() -> None:
    names = sys.argv[1:] or [
        "handwritten_fr.txt",
        "handwritten_heldout_fr.txt",
        "heldout_realistic_fr.txt",
        "heldout4_realistic_fr.txt",
        "heldout5_realistic_fr.txt",
        "heldout6_realistic_fr.txt",
        "heldout7_realistic_fr.txt",
        "heldout8_realistic_fr.txt",
        "dev_fr.txt",
        "dev2_fr.txt",
        "dev3_fr.txt",
        "dev4_fr.txt",
        "dev5_fr.txt",
        "dev6_fr.txt",
        "dev7_fr.txt",
        "dev8_fr.txt",
        "dev9_fr.txt",
    ]
    for name in names:
        if (HERE / name).exists():
            convert(HERE / name)


if __name__ == "__main__":
    main()

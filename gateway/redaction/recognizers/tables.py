"""Names in tables: CSV/TSV blocks whose header names a person column, and JSON/log fields.

A payroll export reads « Tran;Bao;Logistique;2150 »: nothing in the row says
person, the header does (« Nom;Prénom;Service;Salaire »). Cells of a column
headed nom/prénom/name/surname/… are names, in any case and in any order
(« GARNIER Élise » under « Nom Prénom »). The same goes for a JSON key or a
log field (``"lastName": "Ouattara"``, ``name="Kenji Watanabe"``). Header
cells themselves are vocabulary, never names: ``header_cells`` lets the
filters drop a finding on them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..companies import COMPANIES
from ..gazetteer import FIRST_NAMES, NOT_A_NAME
from ..lexicon import (
    FIRM_COLUMNS,
    HEADINGS,
    MAYBE_PERSON_COLUMNS,
    NON_PERSON_COLUMNS,
    PERSON_COLUMNS,
)
from ..organisations import JOB_WORDS, ORG_HEADS
from ..world_names import is_first_name, is_surname

__all__ = ["Tables", "field_names", "find_tables"]

_SEPARATORS = (";", "\t", "|", ",")
_TITLE = re.compile(r"(?i)^(?:m\.|mme|mlle|mr\.?|mrs\.?|ms\.?|dr\.?|monsieur|madame)\s+")
_NAME_CELL = re.compile(r"^[^\W\d_][^\W\d_'’.-]*(?:[ '’.-]+[^\W\d_][^\W\d_'’.-]*){0,5}\.?$")
# Keys of a JSON object or a log line whose value is a person's name. "name"
# alone is also a tool's, a file's or a product's: its value must look like
# a name written by hand (capitals, or a known first name).
_GENERIC_KEYS = frozenset({"name", "customer", "contact", "manager", "employee", "patient"})
_FIELD = re.compile(
    r"[\"']?(?P<key>[A-Za-z_][\w]{1,30})[\"']?[ \t]*[:=][ \t]*"
    # A list of plain strings only: a list of objects (« "employees": [{"lastName": … ») is
    # read key by key, not swallowed whole under its outer key.
    r"(?:\"(?P<dq>[^\"\n]{1,80})\"|'(?P<sq>[^'\n]{1,80})'|\[(?P<list>[^\]\[{}\n]{1,400})\])"
)
_QUOTED = re.compile(r"\"([^\"\n]{1,80})\"")


@dataclass
class Tables:
    """Person cells and header cells found in one text (offsets)."""

    names: list[tuple[int, int]] = field(default_factory=list)
    headers: list[tuple[int, int]] = field(default_factory=list)
    # Cells of columns that never hold people (town, job, company...).
    not_names: list[tuple[int, int]] = field(default_factory=list)


def _column_key(cell: str) -> str:
    return re.sub(r"[\s_-]+", "_", cell.strip().strip("\"'").lower())


def _is_person_column(cell: str) -> bool:
    key = _column_key(cell)
    if key in PERSON_COLUMNS or key.replace("_", "") in PERSON_COLUMNS:
        return True
    words = [w for w in key.split("_") if w not in {"et", "and", "&"}]
    return bool(words) and all(w in PERSON_COLUMNS for w in words)


def _cells(line: str, sep: str) -> list[tuple[int, int]]:
    """(start, end) of each cell of a delimited line, quotes honoured."""
    spans, start, quoted = [], 0, False
    for index, char in enumerate(line):
        if char == '"':
            quoted = not quoted
        elif char == sep and not quoted:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(line)))
    return spans


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\"'":
        start += 1
    while end > start and text[end - 1] in " \t\"'\r":
        end -= 1
    title = _TITLE.match(text[start:end])
    if title:
        start += title.end()
    return start, end


def name_like(value: str, generic: bool = False) -> bool:
    """Could ``value`` be a person's name (letters only, not vocabulary)?"""
    if not _NAME_CELL.match(value) or len(value) < 2:
        return False
    tokens = [t.strip(".'’-").lower() for t in value.split()]
    if all(t in NOT_A_NAME for t in tokens):
        return False
    if generic:
        words = value.split()
        return tokens[0] in FIRST_NAMES or (len(words) >= 2 and all(w[0].isupper() for w in words))
    return True


# Words that open a person's cell in a column of firms (« Artisan Rémi Carlier »).
_SOLE_TRADER = JOB_WORDS | frozenset(
    {"artisan", "artisane", "auto-entrepreneur", "freelance", "indépendant", "indépendante"}
)


def _names_someone(value: str) -> bool:
    """A cell of a client or technician column: a name of the lists, not a firm."""
    words = [w.strip(".'’") for w in value.split()]
    # « Boulangerie Marchal », « Garage Vidal »: a firm's head noun opens the cell.
    if value in COMPANIES or (words and words[0].lower() in ORG_HEADS):
        return False
    return any(is_first_name(w) or is_surname(w) for w in words) and not any(
        w.lower() in NOT_A_NAME for w in words
    )


def _lines(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for line in text.split("\n"):
        yield offset, line
        offset += len(line) + 1


def find_tables(text: str) -> Tables:
    """Person cells under a person-column header, in every delimited block of ``text``."""
    found = Tables()
    if not any(sep in text for sep in _SEPARATORS):
        return found
    lines = list(_lines(text))
    index = 0
    while index < len(lines):
        offset, line = lines[index]
        record = _record_value(line, index > 0 and _is_record(lines[index - 1][1]))
        if record is not None:
            found.names.append((offset + record[0], offset + record[1]))
            index += 1
            continue
        header = _header(line)
        if header is None:
            index += 1
            continue
        sep, cells, person_columns = header
        found.headers.extend((offset + s, offset + e) for s, e in cells)
        maybe_columns = [
            i for i, (s, e) in enumerate(cells) if _column_key(line[s:e]) in MAYBE_PERSON_COLUMNS
        ]
        other_columns = [
            i for i, (s, e) in enumerate(cells) if _column_key(line[s:e]) in NON_PERSON_COLUMNS
        ]
        firm_columns = [
            i for i, (s, e) in enumerate(cells) if _column_key(line[s:e]) in FIRM_COLUMNS
        ]
        index += 1
        while index < len(lines):
            row_offset, row = lines[index]
            row_cells = _cells(row, sep)
            if not row.strip() or abs(len(row_cells) - len(cells)) > 1:
                break
            for column in person_columns + maybe_columns:
                if column < len(row_cells):
                    start, end = _strip(row, *row_cells[column])
                    value = row[start:end]
                    if (
                        start < end
                        and name_like(value)
                        and (column in person_columns or _names_someone(value))
                    ):
                        found.names.append((row_offset + start, row_offset + end))
            for column in other_columns:
                if column < len(row_cells):
                    start, end = row_cells[column]
                    found.not_names.append((row_offset + start, row_offset + end))
            for column in firm_columns:
                if column < len(row_cells):
                    start, end = row_cells[column]
                    first = row[start:end].split()[:1]
                    if not (first and (first[0].lower() in _SOLE_TRADER or _TITLE.match(first[0]))):
                        found.not_names.append((row_offset + start, row_offset + end))
            index += 1
    return found


# A record sheet: one « label<TAB>value » pair a line (« Nom<TAB>Jean Morel »,
# « Prénom usuel;Long »). Its first line reads like a two-column header, so
# the value must be a name there: a known name word, no column word.
_RECORD_SEPARATORS = ("\t", ";", ",")
_PERSON_LABELS = frozenset(
    {"nom_de_naissance", "nom_d'usage", "nom_de_jeune_fille", "prénom_usuel", "prenom_usuel"}
)
_COLUMN_WORDS = PERSON_COLUMNS | NON_PERSON_COLUMNS | HEADINGS | NOT_A_NAME


def _record_cells(line: str) -> tuple[str, list[tuple[int, int]]] | None:
    for sep in _RECORD_SEPARATORS:
        if line.count(sep) == 1:
            cells = _cells(line, sep)
            if len(cells) == 2 and line[cells[0][0] : cells[0][1]].strip():
                return sep, cells
    return None


def _is_record(line: str) -> bool:
    found = _record_cells(line)
    return found is not None and 0 < len(line[found[1][0][0] : found[1][0][1]].strip()) <= 30


def _record_value(line: str, inside: bool) -> tuple[int, int] | None:
    """The name in a record line under a person label, else None.

    ``inside``: the line above is a record line too, so this one is no header.
    """
    found = _record_cells(line)
    if found is None:
        return None
    (label_start, label_end), value_cell = found[1]
    label = _column_key(line[label_start:label_end])
    if not (_is_person_column(label) or label in _PERSON_LABELS):
        return None
    start, end = _strip(line, *value_cell)
    value = line[start:end]
    words = [w.strip(".'’").lower() for w in value.split()]
    if not (name_like(value) and value[0].isupper()) or any(w in _COLUMN_WORDS for w in words):
        return None
    if not inside and not any(is_first_name(w) or is_surname(w) for w in words):
        return None
    return start, end


def _header(line: str) -> tuple[str, list[tuple[int, int]], list[int]] | None:
    for sep in _SEPARATORS:
        if line.count(sep) < 1:
            continue
        cells = _cells(line, sep)
        texts = [line[s:e].strip().strip("\"'") for s, e in cells]
        # A Markdown table (« | Nom | Prénom | ») has an empty cell at each end.
        inner = texts[1:-1] if sep == "|" and line.strip().startswith("|") else texts
        if any(not t or len(t) > 30 or "@" in t for t in inner):
            continue
        columns = [i for i, t in enumerate(texts) if _is_person_column(t)]
        keys = [_column_key(t) for t in texts]
        other = any(k in MAYBE_PERSON_COLUMNS or k in FIRM_COLUMNS for k in keys)
        # « Responsable<TAB>Mehdi Bouzid » or « Poste<TAB>Acheteuse » is a record line, not
        # a header: without a name column, a header has three cells and no name.
        if columns or (other and len(inner) >= 3 and not any(_names_someone(t) for t in texts)):
            return sep, cells, columns
    return None


def field_names(text: str) -> Iterator[tuple[int, int]]:
    """Values of JSON keys and log fields that name a person."""
    for match in _FIELD.finditer(text):
        key = _column_key(match.group("key"))
        generic = key in _GENERIC_KEYS or (key.endswith("_name") and key not in PERSON_COLUMNS)
        if not (generic or _is_person_column(key)) or key in {"username", "user_name"}:
            continue
        if match.group("list") is not None:
            base = match.start("list")
            for item in _QUOTED.finditer(match.group("list")):
                start, end = _strip(text, base + item.start(1), base + item.end(1))
                if name_like(text[start:end], generic):
                    yield start, end
            continue
        group = "dq" if match.group("dq") is not None else "sq"
        start, end = _strip(text, *match.span(group))
        if start < end and name_like(text[start:end], generic):
            yield start, end

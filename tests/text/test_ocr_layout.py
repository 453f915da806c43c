"""Tesseract's TSV output as text with word boxes, and which words a redaction changed:
what paints the black boxes (the program itself is exercised in tests/hardening/test_ocr.py)."""

from __future__ import annotations

from gateway.text.ocr import Word, changed_words, parse_tsv

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def row(block: int, line: int, word: int, left: int, text: str, conf: float = 95.0) -> str:
    return f"5\t1\t{block}\t1\t{line}\t{word}\t{left}\t10\t40\t20\t{conf}\t{text}"


TSV = "\n".join([
    HEADER,
    "1\t1\t0\t0\t0\t0\t0\t0\t900\t200\t-1\t",  # page, block, line rows carry no text
    row(1, 1, 1, 10, "Salarié"), row(1, 1, 2, 60, ":"), row(1, 1, 3, 80, "Jean"),
    row(1, 1, 4, 130, "Morel"),
    row(1, 2, 1, 10, "Poste"), row(1, 2, 2, 60, "  "), row(1, 2, 3, 80, "atelier"),
    row(2, 1, 1, 10, "Fin", conf=-1.0),
])


def test_words_of_a_line_are_apart_by_a_space_and_lines_by_a_newline() -> None:
    reading = parse_tsv(TSV)
    assert reading.text == "Salarié : Jean Morel\nPoste atelier"
    morel = reading.words[3]
    assert reading.text[morel.start:morel.end] == "Morel"
    assert morel.box == (130, 10, 170, 30)
    assert reading.confidence == 95.0  # the mean over the words kept


def test_the_words_a_pseudonym_replaced_are_those_masked() -> None:
    reading = parse_tsv(TSV)
    changed = changed_words(reading, "Salarié : <PERSON_1>\nPoste atelier")
    assert [reading.text[w.start:w.end] for w in changed] == ["Jean", "Morel"]


def test_an_unchanged_text_masks_nothing_and_a_deleted_word_is_masked() -> None:
    reading = parse_tsv(TSV)
    assert changed_words(reading, reading.text) == []
    changed = changed_words(reading, "Salarié : Jean \nPoste atelier")
    assert [reading.text[w.start:w.end] for w in changed] == ["Morel"]


def test_a_one_character_change_masks_its_whole_word() -> None:
    reading = parse_tsv("\n".join([HEADER, row(1, 1, 1, 10, "IBAN"),
                                   row(1, 1, 2, 60, "FR7630006000011234567890189")]))
    [changed] = changed_words(reading, "IBAN FR76300060000112345678901XX")
    assert changed == Word(5, 32, (60, 10, 100, 30))

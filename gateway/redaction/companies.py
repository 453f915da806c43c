"""Companies and brands named after people: a PERSON finding inside one is not a person.

Held-out set #3 (issue 15) hit 3.88 % of its harmless values, mostly firms
and brands that carry a founder's name (« Pierre Fabre », « Jean Lain »,
« Christian Dior ») or that NER takes for one (« Malakoff Humanis »). The
names live in ``data/companies.txt`` (package data, maintained by hand) next
to ``lexicon.BRANDS``. Only whole names count: the words of a company are
not struck from the name lists, since « Bernard » or « Blanc » alone are
people far more often than « Georges Blanc », the restaurant.

A lookup reads the few words just before each PERSON finding and compares
the names that start with each of them, so its cost follows the number of
findings, not the length of the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib import resources

from .lexicon import BRANDS

__all__ = ["COMPANIES", "ONE_WORD_COMPANIES", "company_spans", "is_company_name"]


def _load() -> tuple[str, ...]:
    text = resources.files(__package__).joinpath("data", "companies.txt").read_text("utf-8")
    return tuple(line.strip() for line in text.splitlines() if line.strip() and line[0] != "#")


COMPANIES: frozenset[str] = frozenset((*_load(), *BRANDS))
# « Keolis », « Transdev », « Jacquemus »: a company of one word, lower case.
ONE_WORD_COMPANIES: frozenset[str] = frozenset(c.lower() for c in COMPANIES if " " not in c)
_WORD = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<![\w-])\w")


def _by_first_word(names: Iterable[str]) -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for name in names:
        first = _WORD.match(name)
        if first is not None:
            index.setdefault(first.group(), []).append(name)
    # Longest first: « Louis Dreyfus Company » before « Louis Dreyfus ».
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in index.items()}


_BY_FIRST_WORD = _by_first_word(COMPANIES)
# How far before a finding a company's name may start (« Louis Vuitton Moët
# Hennessy » is the longest the list needs).
_REACH = 40


def company_spans(text: str, findings: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Known company names in ``text`` that a finding starts inside of."""
    spans: list[tuple[int, int]] = []
    for start, _ in findings:
        for word_start in _WORD_START.finditer(text, max(0, start - _REACH), start + 1):
            where = word_start.start()
            word = _WORD.match(text, where)
            for name in _BY_FIRST_WORD.get(word.group() if word else "", ()):
                end = where + len(name)
                if (
                    end > start
                    and text.startswith(name, where)
                    and not (end < len(text) and (text[end].isalnum() or text[end] == "-"))
                ):
                    spans.append((where, end))
                    break
    return spans


# Words that close a firm's name after its founder's (« Jean Lain
# Automobiles », « Stéphane Plaza Immobilier », « Olivier Assurance »,
# « Durand & Fils »): beside them, the name is the company's.
_SUFFIX = re.compile(
    r"(?:[ \t]+|[ \t]*(?:&|et)[ \t]*)"
    r"(?:Immobilier|Automobiles?|Assurances?|Company|Group|Groupe|Aviation|Traiteur|Conseil|"
    r"Consulting|Avocats|Associés|Partners|Holding|Industries?|Distribution|Transports|"
    r"Voyages|Optique|Opticiens|Paysages|Architectes?|Couture|Fils|Frères|Cie|Systèmes|"
    # Trades a craftsman's firm is named after (« Hervé Thermique », « Dupuis Plomberie »).
    r"Thermique|Électricité|Electricité|Électrique|Plomberie|Menuiserie|Maçonnerie|Chauffage|"
    r"Climatisation|Couverture|Peinture|Rénovation|Nettoyage|Services|Informatique|Bâtiment|"
    r"Batiment|Travaux|Élagage|Elagage|Serrurerie|Carrosserie|Déménagements|Demenagements|"
    r"SA|SAS|SASU|SARL|EURL|Inc|Ltd|GmbH)(?![\w-])"
)


def is_company_name(text: str, start: int, end: int) -> bool:
    """True if text[start:end] is a founder's name closed by a firm's word."""
    value = text[start:end]
    cut = value.find(" ")
    return (cut > 0 and _SUFFIX.search(value, cut) is not None) or (
        _SUFFIX.match(text, end) is not None
    )


def companies_within(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Known company names that start inside text[start:end] (« Réunion Guy Degrenne »)."""
    spans: list[tuple[int, int]] = []
    for word_start in _WORD_START.finditer(text, start, end):
        where = word_start.start()
        word = _WORD.match(text, where)
        for name in _BY_FIRST_WORD.get(word.group() if word else "", ()):
            stop = where + len(name)
            if text.startswith(name, where) and not (
                stop < len(text) and (text[stop].isalnum() or text[stop] == "-")
            ):
                spans.append((where, stop))
                break
    return spans

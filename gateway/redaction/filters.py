"""Drop PERSON findings that are not people: brands, headings, table headers.

NER and the capital-letter rules take « Leroy Merlin », « Petit Bateau »,
a « Diagnostic : » starting a line or a « Salaire brut » table header for
names. A finding is dropped when it lies inside a brand, is made of heading
words starting a line before a colon or the line's end, or sits on a table
header cell or in a column of towns, jobs or companies, unless a rule that
saw a person there found it: a title (« M. Boulanger »), a table cell, a
JSON field or a CV header (a field label such as « Client : » does not save
a brand). A finding that starts inside a brand is dropped too: a brand is
often followed by its branch's town (« Darty Mérignac », « Maisons du Monde
Vertou »). So is one holding a known firm with no name beside it (« Réunion
Guy Degrenne »), one word after the noun of a place and « de » (« le site
d'Albert »: the town), and one after a field label naming a firm's trade
(« Mutuelle : Alan »). Then NER-only findings without a sign of a name go
(``name_evidence.py``).
"""

from __future__ import annotations

import re

from .companies import COMPANIES, companies_within, company_spans, is_company_name
from .findings import Finding
from .gazetteer import FIRST_NAMES
from .lexicon import HEADINGS
from .name_evidence import drop_unsupported_ner
from .organisations import ORG_HEADS, SOFTWARE
from .recognizers.tables import find_tables
from .world_names import is_first_name, is_surname

__all__ = ["drop_false_persons"]

# Rules that saw a person where the finding is: a title ("M. Boulanger") or a
# table, field or CV position. A field label ("Client : ...") is weaker: a
# brand after it is still a brand.
_SEEN_AS_PERSON = frozenset({"person_title", "person_title_any", "person_cv"})
_STRONG = _SEEN_AS_PERSON | {"person_table", "person_field"}
# One or two words alone at a line start, then a colon or the end of the line.
_HEADING_LINE = re.compile(r"(?m)^[ \t]*(?P<word>[^\W\d_][\w'’ -]{1,40}?)[ \t]*(?::|$)")


_LINKS = frozenset({"de", "d", "des", "du", "et", "la", "le", "les", "&"})


def _is_heading(line: str) -> bool:
    """Heading words only ("Antécédents", "Conduite à tenir"), or an all-caps
    line opening with one ("EXPÉRIENCE PROFESSIONNELLE")."""
    words = [w.lower().strip("'’") for w in re.split(r"[ '’-]+", line) if w]
    if not words or words[0] not in HEADINGS or words[0] in FIRST_NAMES:
        return False
    return line.isupper() or all(w in HEADINGS or w in _LINKS for w in words)


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)


def _starts_in(spans: list[tuple[int, int]], start: int) -> bool:
    return any(s <= start < e for s, e in spans)


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in spans)


# A capitalised head noun of a firm just before (« Groupe Hervé Thermique »,
# « Pharmacie Martin », « Cabinet Roussel »): the name is the firm's.
_ORG_HEAD_BEFORE = re.compile(r"(?<![\w-])(?P<head>[A-ZÉÈÂ][a-zéèêàâîôûç]+)[ \t]+$")


# In lower case, only words that name a firm, a brand or a product (« sa
# mutuelle Alan », « l'appli Qonto », « le transporteur Heppner »): « le bureau
# Karim » or « la salle Nadia » may name a person's.
_LOWER_HEAD_BEFORE = re.compile(r"(?<![\w-])(?P<head>[a-zéèâ]+)[ \t]+$")
# The same nouns as a field's label (« Mutuelle : Alan », « Banque : Shine »).
_FIRM_LABEL_BEFORE = re.compile(r"(?<![\w-])(?P<head>[A-Za-zéèâÉ]+)[ \t]*:[ \t]*$")
_LOWER_FIRM_HEADS = frozenset(
    {
        "mutuelle",
        "banque",
        "néobanque",
        "assureur",
        "assurance",
        "assurances",
        "société",
        "groupe",
        "enseigne",
        "marque",
        "boulangerie",
        "pharmacie",
        "garage",
        "restaurant",
        "cabinet",
        "agence",
        "transporteur",
        "fournisseur",
        "prestataire",
        "appli",
        "application",
        "logiciel",
        "plateforme",
        "chatbot",
        "prévoyance",
    }
)


def _after_org_head(text: str, start: int) -> bool:
    head = _ORG_HEAD_BEFORE.search(text, max(0, start - 24), start)
    if head is not None and head["head"].lower() in ORG_HEADS:
        return True
    lower = _LOWER_HEAD_BEFORE.search(text, max(0, start - 24), start)
    if lower is not None and lower["head"] in _LOWER_FIRM_HEADS:
        return True
    label = _FIRM_LABEL_BEFORE.search(text, max(0, start - 24), start)
    return label is not None and label["head"].lower() in _LOWER_FIRM_HEADS


# « Ludivine Hoareau de Leroy Merlin »: NER runs a name on into the firm the person
# works for; the name ends before the link word.
_EMPLOYER_LINK = re.compile(r"[ \t]+(?:de|d['’]|du|chez|of|at|from)[ \t]*(?=\w)")


def _cut_at_employer(text: str, finding: Finding) -> Finding:
    if finding.entity_type != "PERSON":
        return finding
    for link in _EMPLOYER_LINK.finditer(text, finding.start, finding.end):
        firm = link.end()
        if any(s == firm for s, _ in company_spans(text, [(firm, firm + 1)])):
            return Finding("PERSON", finding.start, link.start(), finding.score, finding.recognizer)
    return finding


# An item of an enumeration: what lies between commas, semicolons or « et ».
_CHEZ_BEFORE = re.compile(r"(?i:\bchez)[ \t]+$")
_ITEM_BREAK = re.compile(r"[,;:\n]|[ \t](?:et|and|ou|or|&)[ \t]")


def _beside_companies(text: str, start: int, end: int) -> bool:
    """« Nos clients : Carrefour, Leclerc, Intermarché »: one word, an item of a list of firms
    (or of software: « Spark, Airflow, Julia »).

    The finding must be a whole item, and the item before or after it a known firm.
    """
    if not text[start:end].isalpha():
        return False
    breaks = list(_ITEM_BREAK.finditer(text, max(0, start - 60), start))
    after = _ITEM_BREAK.search(text, end, end + 60)
    whole = bool(breaks) and not text[breaks[-1].end() : start].strip()
    # « disponibles chez Leclerc, Auchan et Monoprix »: the first item after « chez ».
    if not (whole or _CHEZ_BEFORE.search(text, max(0, start - 8), start)):
        return False
    # The last item of a text ends with it.
    rest = text[end : after.start() if after is not None else len(text)]
    if rest.strip(" \t.") or (after is None and len(text) - end > 60):
        return False
    neighbours = []
    if whole and len(breaks) > 1:
        neighbours.append(text[breaks[-2].end() : breaks[-1].start()])
    if after is not None:
        following = _ITEM_BREAK.search(text, after.end(), after.end() + 60)
        line_end = text.find("\n", after.end())
        stop = following.start() if following else (len(text) if line_end < 0 else line_end)
        neighbours.append(text[after.end() : stop])
    # « Spark, Airflow, Julia »: software lists name software too.
    return any(
        n.strip(" \t.") in COMPANIES or n.strip(" \t.").lower() in SOFTWARE for n in neighbours
    )


_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _holds_company(text: str, start: int, end: int) -> bool:
    """« Réunion Guy Degrenne »: a known firm inside the finding and no name beside it."""
    for firm_start, firm_end in companies_within(text, start + 1, end):
        if firm_end > end:
            continue
        rest = _NAME_WORD.findall(text[start:firm_start] + " " + text[firm_end:end])
        if not any(is_first_name(w) or is_surname(w) for w in rest):
            return True
    return False


# « le site d'Albert », « l'agence de Valence », « le magasin de Florence »: after the
# noun of a place and « de », one word names the town the place is in.
_PLACE_OF = re.compile(
    r"(?i:\b(?:site|agence|magasin|usine|dépôt|depot|entrepôt|entrepot|antenne|succursale|"
    r"boutique|plateforme|mairie|ville|gare|aéroport|aeroport|chu)[ \t]+(?:de|d['’])[ \t]*)$"
)


def _after_place(text: str, start: int, end: int) -> bool:
    return " " not in text[start:end] and bool(_PLACE_OF.search(text, max(0, start - 24), start))


def drop_false_persons(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without the PERSON ones the module docstring describes."""
    findings = [_cut_at_employer(text, f) for f in findings]
    persons = [f for f in findings if f.entity_type == "PERSON" and f.recognizer not in _STRONG]
    if not persons:
        return drop_unsupported_ner(text, findings)
    brands = company_spans(text, [(f.start, f.end) for f in persons])
    tables = find_tables(text)
    headers = tables.headers
    headings = [m.span("word") for m in _HEADING_LINE.finditer(text) if _is_heading(m["word"])]
    dropped = {
        id(f)
        for f in persons
        if (
            (
                _starts_in(brands, f.start)
                or is_company_name(text, f.start, f.end)
                or _beside_companies(text, f.start, f.end)
                or _after_org_head(text, f.start)
                or _holds_company(text, f.start, f.end)
                or _after_place(text, f.start, f.end)
            )
            and f.recognizer not in _SEEN_AS_PERSON
        )
        or _overlaps(headers, f.start, f.end)
        or _inside(tables.not_names, f.start, f.end)
        or _inside(headings, f.start, f.end)
    }
    return drop_unsupported_ner(text, [f for f in findings if id(f) not in dropped])

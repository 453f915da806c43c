"""PERSON detection: spaCy NER with false-positive filters, plus cheap rules.

fr_core_news_sm alone misses names after titles ("Mme LEROY") and tags
salutations, hyphen fragments ("Rendez" in "Rendez-vous") and streets named
after people ("rue Victor Hugo") as entities; the filters below remove those.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from ..findings import Finding
from ..gazetteer import FIRST_NAMES, NOT_A_NAME
from .address import STREET_PREFIX

__all__ = ["PersonRuleRecognizer", "filter_ner_entities"]

_UP = "A-ZÀ-ÖØ-Þ"
_LOW = "a-zß-öø-ÿ"
# "Jean-Pierre", "Guivarc'h", "O'Brien"
_CAP = rf"[{_UP}][{_LOW}]+(?:-[{_UP}][{_LOW}]+|['’][{_UP}{_LOW}][{_LOW}]*)*"
_ALLCAPS = rf"[{_UP}]{{2,}}(?:[-'’][{_UP}]{{2,}})*"
_PARTICLE = r"(?:[Ll]e|[Ll]a|[Dd]u|[Dd]e|[Dd]a|[Dd]os|[Vv]an|[Vv]on|LE|LA|DU|DE|DA|[dD]['’])"
# One to three name tokens on one line, surname particles allowed.
_NAME_SEQ = rf"(?:{_CAP}|{_ALLCAPS})(?:[ \t]+(?:{_PARTICLE}[ \t]?)?(?:{_CAP}|{_ALLCAPS})){{0,2}}"
_TITLE = (
    r"(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Me|Maître|Maitre|Dr\.?|"
    r"Docteur|Pr\.?|Professeur|Mr\.?|Mrs\.?|Ms\.?|Miss|Sir)"
)
_TITLE_RE = re.compile(rf"{_TITLE}\s+")  # used with .match(pos): anchored
_BAD_CHARS = re.compile(r"[\d@/_:<>=\\|{}\[\]#]")
_EDGE = " \t\n\r,.;:!?()\"'«»“”-–—*"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip surrounding punctuation, titles and salutation words."""
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    title = _TITLE_RE.match(text, start, end)
    if title:
        start = title.end()
    # Drop leading salutation words: "Bonjour Marie" -> "Marie".
    while True:
        head = re.match(r"[\w']+\s+", text[start:end])
        if not head or head.group(0).strip().lower() not in NOT_A_NAME:
            break
        start += head.end()
    return start, end


def _is_plausible(text: str, start: int, end: int, label: str) -> bool:
    """Reject spans that cannot be a name (see module docstring)."""
    value = text[start:end]
    if len(value) < 2 or _BAD_CHARS.search(value) or not any(c.isupper() for c in value):
        return False
    tokens = value.split()
    if all(t.lower().strip(".,'") in NOT_A_NAME for t in tokens):
        return False
    if re.match(r"-[a-zà-ÿ]", text[end : end + 2]):  # "Rendez" in "Rendez-vous"
        return False
    if label == "PERSON":
        if value.isupper() and len(value) <= 4:  # acronyms: RH, TVA, SARL
            return False
        if STREET_PREFIX.search(text[max(0, start - 40) : start]):
            return False  # "rue Victor Hugo" is an address, not a person
    return True


def _pair_score(first: str, second: str) -> float:
    """Score two adjacent capitalised tokens as a person name (0 = not a name)."""
    if first.lower() in NOT_A_NAME or second.lower() in NOT_A_NAME:
        return 0.0
    if first.lower() in FIRST_NAMES or (first.isupper() and second.lower() in FIRST_NAMES):
        return 0.8
    # "Awa CLÉMENT" / "DIOP Sunil": one all-caps surname beside a capitalised
    # word is the usual French way of writing a name in forms.
    first_caps, second_caps = first.isupper(), second.isupper()
    if first_caps != second_caps and len(first if first_caps else second) >= 3:
        return 0.6
    return 0.0


def _split_lines(start: int, end: int, text: str) -> list[tuple[int, int]]:
    """spaCy entities sometimes run across a line break ("Tiago\nN"): split."""
    pieces, cursor = [], start
    for index in range(start, end):
        if text[index] == "\n":
            pieces.append((cursor, index))
            cursor = index + 1
    pieces.append((cursor, end))
    return pieces


def filter_ner_entities(
    text: str, entities: Iterable[tuple[int, int, str]], with_location: bool
) -> list[Finding]:
    """Turn spaCy (start, end, label) triples into filtered PERSON/LOCATION findings."""
    found: list[Finding] = []
    for ent_start, ent_end, label in entities:
        if label in ("PER", "PERSON"):
            entity_type, score = "PERSON", 0.8
        elif with_location and label in ("LOC", "GPE"):
            entity_type, score = "LOCATION", 0.6
        else:
            continue
        for piece_start, piece_end in _split_lines(ent_start, ent_end, text):
            start, end = _trim(text, piece_start, piece_end)
            if start < end and _is_plausible(text, start, end, entity_type):
                found.append(Finding(entity_type, start, end, score, "spacy_ner"))
    return found


_NAME_AFTER_TITLE = re.compile(rf"\b{_TITLE}[ \t]+(?P<value>{_NAME_SEQ})")
# Field labels and sign-offs that introduce a person in business documents.
_NAME_AFTER_LABEL = re.compile(
    r"(?:(?i:\b(?:nom|client|cliente|manager|salariée?|contact|destinataire|responsable|"
    r"interlocut(?:eur|rice)|collègue|collaborat(?:eur|rice)|signataire|demandeu(?:r|se)|"
    r"titulaire|bénéficiaire|employée?|candidate?|patiente?|locataire|propriétaire))"
    r"[ \t]*:?[ \t]+|(?i:\b(?:cordialement|bien à vous|salutations|sincèrement|regards|"
    r"best|merci))[ \t]*[,.!]?[ \t]*\n[ \t]*)"
    rf"(?P<value>{_NAME_SEQ})"
)
_GREETING = re.compile(
    rf"(?i:\b(?:bonjour|bonsoir|salut|coucou|chère|cher|hello|hi|dear))[ \t]+"
    rf"(?P<value>{_CAP}(?:[ \t]+(?:{_CAP}|{_ALLCAPS}))?)(?=[ \t]*[,!\n])"
)
_NAME_TOKEN = re.compile(rf"(?<![\w-])(?:{_CAP}|{_ALLCAPS})(?![\w-])")


class PersonRuleRecognizer:
    """Names after a title, after a greeting, or built on a known first name."""

    name: str = "person_rules"
    entity_types: tuple[str, ...] = ("PERSON",)

    def analyze(self, text: str) -> list[Finding]:
        """Return rule-based PERSON findings."""
        found: list[Finding] = []
        rules = ((_NAME_AFTER_TITLE, 0.85), (_NAME_AFTER_LABEL, 0.75), (_GREETING, 0.7))
        for regex, score in rules:
            for match in regex.finditer(text):
                start, end = match.span("value")
                if _is_plausible(text, start, end, "PERSON"):
                    found.append(Finding("PERSON", start, end, score, self.name))
        found.extend(self._first_name_pairs(text))
        return found

    def _first_name_pairs(self, text: str) -> Iterable[Finding]:
        """'Prénom Nom', 'Prénom NOM' or 'NOM Prénom' with a known first name.

        Tokens are scanned pairwise (overlapping) so "Bonjour Jean Dupont"
        still yields "Jean Dupont".
        """
        tokens = [m.span() for m in _NAME_TOKEN.finditer(text)]
        for (s1, e1), (s2, e2) in itertools.pairwise(tokens):
            if e1 == s2 or text[e1:s2].strip(" \t"):
                continue
            first, second = text[s1:e1], text[s2:e2]
            score = _pair_score(first, second)
            if score and _is_plausible(text, s1, e2, "PERSON"):
                yield Finding("PERSON", s1, e2, score, self.name)

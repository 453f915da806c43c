"""A name found once names the same person wherever it comes back in the text.

HR notes, minutes and e-mails introduce someone once with a title or in full
(« M. Ferhat Oumeziane s'est présenté… », « Le salarié Nsimba Mbuyi… ») and
then write the family name alone, often opening a sentence where a capital
proves nothing and no cue stands before it (« Oumeziane reconnaît les
retards », « Mbuyi invoque la garde de ses enfants »). On dev8_fr (issue 15,
ninth round) those later mentions were a third of the names missed in HR notes.

Every word of a PERSON finding that is at least three letters long and no
word of the vocabulary lists (stop words, headings, roles, jobs, software,
towns, brands, one-word firms, first names that are also words) is a name
wherever else it stands in the same text as a word of its own: in the same
case (« Dembélé »), or capitalised when the finding wrote it in capitals
(« BOATENG Yaw » then « Boateng »). Not inside a hyphenated word
(« Ferrand » of « Clermont-Ferrand »), an address, a handle or a path, and
not where another finding already is. The echoes then go through the same
filters as every PERSON finding (``filters.py``): in a brand, a heading or a
table header they are dropped.
"""

from __future__ import annotations

import re
import unicodedata

from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from .companies import ONE_WORD_COMPANIES
from .filters import drop_false_persons
from .findings import Finding
from .gazetteer import NOT_A_NAME
from .lexicon import AMBIGUOUS_FIRST_NAMES, BRANDS, HEADINGS, ROLE_WORDS
from .organisations import JOB_WORDS, ORG_HEADS, PRODUCT_WORDS, SOFTWARE, TOWNS

__all__ = ["with_echoes"]

ECHO = "person_echo"
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


_VOCABULARY = (
    frozenset(_FR_STOP | _EN_STOP)
    | NOT_A_NAME
    | HEADINGS
    | ROLE_WORDS
    | AMBIGUOUS_FIRST_NAMES
    | JOB_WORDS
    | ORG_HEADS
    | PRODUCT_WORDS
    | SOFTWARE
    | TOWNS
    | ONE_WORD_COMPANIES
    | frozenset(" ".join(BRANDS).lower().split())
)
_VOCABULARY = _VOCABULARY | frozenset(_plain(w) for w in _VOCABULARY)


def _echo_forms(word: str) -> list[str]:
    """The spellings of ``word`` that name the same person elsewhere."""
    if len(word) < 3 or word.lower() in _VOCABULARY or _plain(word) in _VOCABULARY:
        return []
    if word.isupper():
        # « BOATENG » then « Boateng »; each part of « MBARGA-ONDOA » capitalised.
        return [word, re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), word)]
    # A lower-case word names someone again only in chat's own spelling and when long
    # enough not to be a syllable of another word (« hodan », not « na »).
    return [word] if word[0].isupper() or len(word) >= 4 else []


def _pattern(text: str, persons: list[Finding]) -> re.Pattern[str] | None:
    forms = {
        form
        for f in persons
        for m in _WORD.finditer(text, f.start, f.end)
        for form in _echo_forms(m.group())
    }
    if not forms:
        return None
    alternatives = "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))
    # Not in a handle, an address, a path or a hyphenated word.
    return re.compile(rf"(?<![\w@./'’-])(?:{alternatives})(?![\w@-]|\.\w)")


# « Maarten de Vries », « Ana da Costa »: a first name found by one rule and the family
# name after its particle by another (« de » is a cue word) are one name.
_PARTICLE_GAP = re.compile(
    r"[ \t]+(?:de|van|von|der|den|da|dos|das|du|del|della|di|ter|ten)[ \t]+"
)


def _join_particles(text: str, findings: list[Finding]) -> list[Finding]:
    persons = sorted((f for f in findings if f.entity_type == "PERSON"), key=lambda f: f.start)
    joined: list[Finding] = []
    for f in persons:
        last = joined[-1] if joined else None
        if (
            last is not None
            and _PARTICLE_GAP.fullmatch(text, last.end, f.start)
            and text[f.start].isupper()
            and " " not in text[f.start : f.end]
        ):
            joined[-1] = Finding("PERSON", last.start, f.end, max(last.score, f.score), ECHO)
        else:
            joined.append(f)
    if len(joined) == len(persons):
        return findings
    return [f for f in findings if f.entity_type != "PERSON"] + joined


def with_echoes(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` and the later mentions of their PERSON names (module docstring),
    a first name and a family name parted by a particle joined."""
    persons = [f for f in findings if f.entity_type == "PERSON"]
    if not persons:
        return findings
    findings = _join_particles(text, findings)
    pattern = _pattern(text, persons)
    if pattern is None:
        return findings
    taken = sorted((f.start, f.end) for f in findings)
    echoes = [
        Finding("PERSON", m.start(), m.end(), 0.6, ECHO)
        for m in pattern.finditer(text)
        if not any(s < m.end() and m.start() < e for s, e in taken)
    ]
    if not echoes:
        return findings
    return findings + drop_false_persons(text, echoes)

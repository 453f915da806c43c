"""The name heading a CV: its first lines, in capitals or not, above its sections.

A text with a CV's sections (« EXPÉRIENCE », « FORMATION », « COMPÉTENCES CLÉS »…)
names its author on one of its first three lines: two to five capitalised name words
(particles aside), none a job's word (« PRODUCT MANAGER », « INGÉNIEUR DATA » sit under
the name).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from ..gazetteer import NOT_A_NAME
from ..lexicon import ROLE_WORDS
from ..organisations import JOB_WORDS

__all__ = ["cv_header"]

_STOP = frozenset(_FR_STOP | _EN_STOP) | NOT_A_NAME | ROLE_WORDS
_PARTICLE = r"(?:le|la|de|du|des|da|di|del|van|von|ben|el|al|aït|ait|ould|dos|das|ter|ten)"
_CV_SECTION = re.compile(
    r"(?im)^[ \t]*(?:curriculum vitae|cv|expériences?(?: professionnelles?)?|"
    r"experiences?|work experience|formations?|education|compétences|skills|langues|"
    r"languages|centres d['’]intérêt|diplômes|parcours)[ \t]*:?[ \t]*$"
)
_CV_HEADING = re.compile(
    r"(?im)^[ \t]*(?:curriculum vitae|cv|expériences?(?: professionnelles?)?|"
    r"experiences?|work experience|formations?|education|compétences|skills|langues|"
    r"languages|centres d['’]intérêts?|diplômes|parcours|certifications?|qualifications|"
    r"loisirs|hobbies|interests|projets|projects|profil|profile|summary)[ \t]*:?[ \t]*$"
    # In capitals, a section's name may take a qualifier (« COMPÉTENCES CLÉS »,
    # « FORMATION INITIALE », « EXPÉRIENCES EN FRANCE »).
    r"|(?-i:^[ \t]*(?:EXPÉRIENCES?|EXPERIENCES?|FORMATIONS?|COMPÉTENCES|SKILLS|LANGUES|"
    r"PROJETS|PROFIL|CERTIFICATIONS?|QUALIFICATIONS|LOISIRS|DIPLÔMES|PARCOURS)"
    r"(?:[ \t]+[A-ZÀ-Þ'’]+){1,2}[ \t]*:?[ \t]*$)"
)
# Words of a name may hold an apostrophe or a hyphen inside (« NIAMH O'SULLIVAN »,
# « IFEOMA CHUKWU-ADEBAYO »).
_CV_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_CV_NAME_LINE = re.compile(rf"^[ \t]*(?P<name>{_CV_WORD}(?: +{_CV_WORD}){{1,4}})[ \t]*$")


def cv_header(text: str) -> Iterator[tuple[int, int]]:
    """The name on the first lines of a CV (all caps or not)."""
    # A section of the first list alone makes a CV; the wider list wants two
    # (« Catalogue Printemps Été » above « PROJETS EN COURS » is no CV).
    if not _CV_SECTION.search(text) and len(_CV_HEADING.findall(text)) < 2:
        return
    offset = 0
    seen = 0
    for line in text.split("\n"):
        if line.strip():
            seen += 1
            match = _CV_NAME_LINE.match(line)
            words = match.group("name").split() if match else []
            # « PRODUCT MANAGER », « INGÉNIEUR DATA » under the name: the job, not a name.
            # A name's words are capitalised, particles aside (« Infirmière diplômée d'État »).
            job = any(w.lower() in JOB_WORDS for w in words) or any(
                w[0].islower() and not re.fullmatch(_PARTICLE, w) for w in words
            )
            if (
                match
                and not job
                and not all(w.lower() in _STOP for w in words)
                and not _CV_HEADING.match(line)
            ):
                yield offset + match.start("name"), offset + match.end("name")
                return
            if seen >= 3:
                return
        offset += len(line) + 1

"""Keep a NER-only PERSON finding only when something says it is a name.

spaCy's small French model tags almost any capitalised word it does not know
as PER. On dev2_fr (issue 15) that was most of the 16.6 % of harmless values
hit: « Capgemini », « Figma », « Bureau Vallée », « Product Owner », « Darty
Mérignac », « Roubaix – Kubernetes ». A finding that only NER made (no title,
greeting, label or table rule agreed) is dropped when:

- it opens with the head noun of an organisation or a job word
  (« Cabinet Fiducial », « Senior Manager »);
- it runs across a spaced dash (« Roubaix – Kubernetes »: two things);
- none of its words is a known first name or family name (gazetteer), nor
  an initial (« S. Koné »), and one of them is a known software, company or
  town, or is written in camel case (« SharePoint »), or it is one word
  alone (« Capgemini »). Several unknown words without such a sign
  (« Siddharth Rao ») are kept: there, a name is likelier than a company.

Names outside the lists keep their other routes: titles, greetings,
sign-offs, field labels, tables and « Prénom NOM » pairs (``recognizers``).
"""

from __future__ import annotations

import re
import unicodedata

from .companies import ONE_WORD_COMPANIES
from .findings import Finding
from .gazetteer import FIRST_NAMES, FRENCH_SURNAMES, SURNAMES
from .lexicon import AMBIGUOUS_FIRST_NAMES, BRANDS
from .organisations import JOB_WORDS, ORG_HEADS, PRODUCT_WORDS, SOFTWARE, TOWNS
from .world_names import is_first_name, is_surname

__all__ = ["drop_unsupported_ner"]

NER = "FrNerRecognizer"
_SPACED_DASH = re.compile(r"\s[-–—]\s")
_TOKEN = re.compile(r"[^\W\d_][\w'’.-]*")


def _plain(word: str) -> str:
    """Lower case without accents ("Éric" -> "eric")."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _plain_set(*sets: frozenset[str]) -> frozenset[str]:
    return frozenset(_plain(w) for words in sets for w in words)


# Capitalised in a NER span, « Aurore » or « Rose » is the first name.
_NAMES = _plain_set(FIRST_NAMES, FRENCH_SURNAMES, SURNAMES, AMBIGUOUS_FIRST_NAMES)
_NOT_NAME_HEADS = _plain_set(ORG_HEADS, JOB_WORDS)
_JOB_ENDS = _plain_set(JOB_WORDS)
_FIRST_NAMES = _plain_set(FIRST_NAMES, AMBIGUOUS_FIRST_NAMES)
_NOT_NAME_WORDS = _plain_set(
    SOFTWARE, TOWNS, PRODUCT_WORDS, frozenset(" ".join(BRANDS).lower().split())
) | frozenset(  # one-word companies that no name list knows (« Navette Keolis »)
    _plain(w) for w in ONE_WORD_COMPANIES if not (is_first_name(w) or is_surname(w))
)
_INITIAL = re.compile(r"^[A-Z]\.?$")
# French noun and adjective endings, and English ones (« Quarterly Review », « Business
# Partnership »).
_COMMON_ENDING = re.compile(
    r"(?:ique|elle|aire|ment|tion|sion|ite|ance|ence|isme|able|ible|iere|ly|ness|ship)$"
)
# "SharePoint", "TeamViewer", "imageRUNNER"; not "McDonald", "MacLeod", "DeSouza".
_CAMEL = re.compile(r"^(?!Mc|Mac|De|Di|Da|Le|La|Van|Von|O['’])\w*[a-zà-ÿ][A-ZÀ-Þ]")


def _is_known_name(word: str) -> bool:
    """A gazetteer name, whole or in its hyphenated parts ("Jean-Éric")."""
    plain = _plain(word.strip(".'’"))
    return plain in _NAMES or any(p in _NAMES for p in plain.split("-") if len(p) > 2)


def _is_world_name(word: str) -> bool:
    """A name of the package data (``world_names``): weaker than the gazetteer's."""
    word = word.strip(".'’")
    return is_first_name(word) or is_surname(word)


# Words that put a person right after them: « Merci Adaeze », « voir avec
# Kowalczyk », « cc Folasade ». A one-word finding after one of them is kept
# unless a list names it a software, a company or a town.
_PERSON_CUE = re.compile(
    r"(?i:\b(?:merci|thanks|thank you|thx|avec|with|cc|de la part de|congés de|absence de|"
    r"arrêt de|part de|"
    # A field or an HR note's word for a person (« Salarié : Kpodar », « l'intéressé
    # Kpodar »): the label rule found it too, but Presidio keeps NER's equal span.
    r"salariée?|employée?|candidate?|intéressée?|dénommée?|collaborat(?:eur|rice)|"
    r"titulaire|bénéficiaire|demandeu(?:r|se)|locataire|patiente?|stagiaire|apprentie?|"
    r"intérimaire|conjointe?|époux|épouse|née|nom|prénom|nom de famille|"
    # A past participle then « par »: « rédigé par Hanane », « suivi par Ouafae ».
    r"\w+(?:é|ée|és|ées|i|ie|is|ise|it|ite|u|ue|ert|erte)[ \t]+par)[ \t]*[,:]?[ \t]*)$"
)


_TOWNS = _plain_set(TOWNS)


def _brand_and_town(words: list[str]) -> bool:
    """« Leclerc Brétigny », « Darty Mérignac »: a shop and its town, no first name."""
    if len(words) != 2 or not any(_plain(w) in _TOWNS for w in words):
        return False
    return not any(_plain(w) in _FIRST_NAMES or is_first_name(w) for w in words)


def is_unsupported(value: str, before: str = "") -> bool:
    """True if a NER PERSON span ``value`` carries no sign of being a name.

    ``before`` is the text just before the span, on its line.
    """
    if _SPACED_DASH.search(value):
        return True
    words = _TOKEN.findall(value)
    if not words or _plain(words[0]) in _NOT_NAME_HEADS:
        return True
    # « Key Account Manager », « Senior Product Owner »: an English title ends on its job.
    if len(words) > 1 and _plain(words[-1]) in _JOB_ENDS:
        return True
    if _brand_and_town(words):
        return True
    if any(_is_known_name(w) for w in words) or any(_INITIAL.match(w) for w in value.split()):
        return False
    if any(_plain(w) in _NOT_NAME_WORDS or _CAMEL.match(w) for w in words):
        return True
    # « Oksana Melnyk », « Salimata »: a town or a software beside it
    # (« Marseille Prado ») outweighs a name of the data files.
    # Alone, a family name of the data files is too often a firm (« Hilti »).
    if len(words) > 1 and any(_is_world_name(w) for w in words):
        return False
    # « Revue Mensuelle », « Fiche Technique », « Direction Financière »: a
    # word no list knows that ends like a French noun or adjective is a
    # heading's, not an unknown family name's.
    if len(words) > 1 and any(_COMMON_ENDING.search(_plain(w)) for w in words):
        return True
    if len(words) == 1 and is_first_name(words[0]):
        return False
    return len(words) == 1 and not _PERSON_CUE.search(before)


def _line_before(text: str, start: int) -> str:
    return text[max(text.rfind("\n", 0, start) + 1, start - 40) : start]


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.start < b.end and b.start < a.end


def drop_unsupported_ner(text: str, findings: list[Finding]) -> list[Finding]:
    """``findings`` without the NER-only PERSON ones the module docstring describes."""
    persons = [f for f in findings if f.entity_type == "PERSON"]
    ruled = [f for f in persons if f.recognizer != NER]
    dropped = {
        id(f)
        for f in persons
        if f.recognizer == NER
        and not any(_overlaps(f, r) for r in ruled)
        and is_unsupported(text[f.start : f.end], _line_before(text, f.start))
    }
    return [f for f in findings if id(f) not in dropped]

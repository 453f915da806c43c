"""PERSON detection: spaCy NER with false-positive filters, plus cheap rules.

fr_core_news_sm alone misses names after titles ("Mme LEROY") and tags
salutations, hyphen fragments ("Rendez" in "Rendez-vous") and streets named
after people ("rue Victor Hugo") as entities; the filters below remove those.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from presidio_analyzer import LocalRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from ..gazetteer import FIRST_NAMES, NOT_A_NAME, SURNAMES
from ..organisations import ORG_HEADS
from ..world_names import KOREAN_SYLLABLES, is_first_name, is_surname
from .address import STREET_PREFIX
from .base import take_precomputed
from .letters import LOW, UP

__all__ = ["PersonRuleRecognizer", "is_plausible", "trim_name"]

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY

_UP = UP
_LOW = LOW
# "Jean-Pierre", "Guivarc'h", "O'Brien", "D'Souza", "N'Diaye"; a Korean given
# name keeps its second syllable in lower case ("Ye-jin", "Seo-yeon").
_KOREAN = "|".join(sorted(KOREAN_SYLLABLES, key=len, reverse=True))
_CAP = (
    rf"(?:[{_UP}]['’])?[{_UP}][{_LOW}]+"
    rf"(?:-[{_UP}][{_LOW}]+|-(?:{_KOREAN})(?![{_LOW}])|['’][{_UP}{_LOW}][{_LOW}]*)*"
)
_ALLCAPS = rf"[{_UP}]{{2,}}(?:[-'’][{_UP}]{{2,}})*"
_PARTICLE = r"(?:[Ll]e|[Ll]a|[Dd]u|[Dd]e|[Dd]a|[Dd]os|[Vv]an|[Vv]on|LE|LA|DU|DE|DA|[dD]['’])"
# One to three name tokens on one line, surname particles allowed.
# Name words are parted by spaces: a tab parts cells (« Chiamaka<TAB>Qualité »).
_NAME_SEQ = rf"(?:{_CAP}|{_ALLCAPS})(?: +(?:{_PARTICLE} ?)?(?:{_CAP}|{_ALLCAPS})){{0,2}}"
_CAP_PARTICLES = frozenset({"El", "Al", "Ben", "Ait", "Aït", "Ould", "Abou", "Bou", "Ibn"})
_TITLE = (
    r"(?:M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Me|Maître|Maitre|Dr\.?|"
    r"Docteur|Pr\.?|Professeur|Mr\.?|Mrs\.?|Ms\.?|Miss|Sir)"
)
_TITLE_RE = re.compile(rf"{_TITLE}\s+")  # used with .match(pos): anchored
_CODE_PIECE = re.compile(r"(?<![A-Z])[A-Z]{1,2}-|-[A-Z]{1,2}(?![A-Z])")
# A name holds no digit nor sign of code, and no « + » or « & » (« Kuehne+Nagel »).
_BAD_CHARS = re.compile(r"[\d@/_:<>=\\|{}\[\]#+&]")
_EDGE = " \t\n\r,.;:!?()\"'«»“”-–—*"


def trim_name(text: str, start: int, end: int) -> tuple[int, int]:
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


def is_plausible(text: str, start: int, end: int, label: str) -> bool:
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
        if value.isupper() and _CODE_PIECE.search(value):  # codes: GG-COMPTA-RW
            return False
        if STREET_PREFIX.search(text[max(0, start - 40) : start]):
            return False  # "rue Victor Hugo" is an address, not a person
        if _EN_STREET_TYPE.search(value) and _HOUSE_NUMBER.search(text, max(0, start - 8), start):
            return False  # "22 Ashby Crescent": a street, not Mr Ashby
        if _NAMED_PLACE.search(text, max(0, start - 40), start):
            return False  # "salle Marie Curie", "lycée Victor Hugo": a place
    return True


_EN_STREET_TYPE = re.compile(
    r"[ \t](?:Street|Road|Lane|Avenue|Drive|Court|Way|Place|Square|Terrace|Grove|Close|"
    r"Crescent|Gardens|Mews|Row|Hill|Walk|Rise|Parade|Green)$"
)
_HOUSE_NUMBER = re.compile(r"(?<![\w,.])\d{1,5}[A-Z]?[ \t]+$")
# Places named after a person: the person is not in the text.
_NAMED_PLACE = re.compile(
    r"(?i:\b(?:salle|lycée|lycee|collège|college|école|ecole|hôpital|hopital|institut|fondation|"
    r"musée|musee|stade|gymnase|gare|amphi|amphithéâtre|bâtiment|batiment|résidence|centre|"
    r"clinique|médiathèque|bibliothèque|prix|espace|complexe|pavillon|campus|promotion|promo)"
    r"(?:[ \t]+(?:de la|du|des|de|d['’]))?)[ \t]+$"
)


def _pair_score(first: str, second: str) -> float:
    """Score two adjacent capitalised tokens as a person name (0 = not a name)."""
    if first.lower() in NOT_A_NAME or second.lower() in NOT_A_NAME:
        return 0.0
    if first.lower() in FIRST_NAMES or (first.isupper() and second.lower() in FIRST_NAMES):
        return 0.8
    if first.lower() in SURNAMES or second.lower() in SURNAMES:
        return 0.7
    # Names of other origins (``world_names``): a known first name then a
    # capitalised word (« Saliou Ndiaye »), or « NOM Prénom » in a form.
    if not first.isupper() and is_first_name(first) and not second.isupper():
        return 0.75
    if first.isupper() != second.isupper() and (
        (is_first_name(second) and is_surname(first))
        or (is_first_name(first) and is_surname(second))
    ):
        return 0.75
    # "Awa CLÉMENT" / "DIOP Sunil": one all-caps surname beside a capitalised
    # word is the usual French way of writing a name in forms.
    first_caps, second_caps = first.isupper(), second.isupper()
    if first_caps != second_caps and len(first if first_caps else second) >= 3:
        caps, other = (first, second) if first_caps else (second, first)
        # "CHRU Brest", "SNCF Voyages": a short acronym beside a word is an
        # organisation, unless the word is a known first name ("DIOP Awa",
        # « KOLA Blerina », of any origin).
        if len(caps) <= 4 and not is_first_name(other):
            return 0.0
        return 0.6
    return 0.0


_NAME_AFTER_TITLE = re.compile(rf"\b{_TITLE}[ \t]+(?P<value>{_NAME_SEQ})")
# Field labels and sign-offs that introduce a person in business documents.
_LABELS = (
    "noms? de|nom|client|cliente|manager|salariée?|contact|destinataire|responsable|"
    "interlocut(?:eur|rice)|collègue|collaborat(?:eur|rice)|signataire|demandeu(?:r|se)|"
    "titulaire|bénéficiaire|employée?|candidate?|patiente?|locataire|propriétaire|"
    "prénom|présente?s?|participante?s?|absente?s?|excusée?s?|de la part de|"
    # « l'intéressée Awa Sow », « le dénommé Kpodar »: HR notes' and reports' words.
    "intéressée?|dénommée?|née"
)
_SIGN_OFFS = "cordialement|bien à vous|salutations|sincèrement|regards|best|merci"
_GREETINGS = "bonjour|bonsoir|salut|coucou|chère|cher|hello|hi|dear"


def _first_letter(*alternatives: str) -> str:
    """A lookahead on the first letters of some words.

    Python's ``re`` tries every alternative at every word start; checking
    the first letter before the alternation makes these scans 2-3x faster.
    """
    letters = sorted({word[0] for words in alternatives for word in words.split("|")})
    return "(?=(?i:[" + "".join(letters) + "]))"


_NAME_AFTER_LABEL = re.compile(
    _first_letter(_LABELS, _SIGN_OFFS)
    # Without a colon, a tab after the label parts a table's header cells
    # (« Client<TAB>Ville »): record sheets are read by ``tables.py``.
    + rf"(?:(?i:\b(?:{_LABELS}))(?:[ \t]*:[ \t]+| +)"
    + rf"|(?i:\b(?:{_SIGN_OFFS}))[ \t]*[,.!]?[ \t]*\n[ \t]*)"
    + rf"(?P<value>{_NAME_SEQ})"
)
_GREETING = re.compile(
    _first_letter(_GREETINGS)
    + rf"(?i:\b(?:{_GREETINGS}))[ \t]+"
    + rf"(?P<value>{_CAP}(?: +(?:{_CAP}|{_ALLCAPS}))?)(?=[ \t]*[,!\n])"
)
# An initial and a family name inside a line (« Signé : P. Lemarchand », « cc
# J. Okafor »). Not at a line start, where « A. Introduction » numbers a
# section, and not « M. », a title the title rule reads.
_INITIAL_NAME = re.compile(rf"(?<=\S[ \t])(?P<value>(?!M\.)[{_UP}]\. ?{_CAP})(?![\w-])")
_NAME_TOKEN = re.compile(rf"(?<![\w-])(?:{_CAP}|{_ALLCAPS})(?![\w-])")
# After a title a stop word can be a family name (« Mme Le », « M. Do »); after a
# label or a greeting, one alone is the sentence going on.
_STOP_WORDS = _FR_STOP | _EN_STOP
_SAINT = re.compile(r"\b(?:Saint|Sainte|St|Ste)[ \t.-]+$")


class PersonRuleRecognizer(LocalRecognizer):
    """Names after a title, a field label or a greeting, or built on a known first name.

    The cues are French and English ("Mme", "Dr", "Nom :", "Bonjour",
    "Dear", "Cordialement,"); the first-name gazetteer covers both, and a
    known first name alone counts too ("demande à Julie").
    """

    name: str
    _RULES = (
        (_NAME_AFTER_TITLE, 0.85, "person_title"),
        (_NAME_AFTER_LABEL, 0.75, "person_label"),
        (_GREETING, 0.7, "person_greeting"),
        (_INITIAL_NAME, 0.65, "person_initial"),
    )

    def __init__(self, language: str = "fr") -> None:
        super().__init__(
            supported_entities=["PERSON"],
            name="PersonRuleRecognizer",
            supported_language=language,
        )

    def load(self) -> None:
        """Nothing to load: the rules are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """Return rule-based PERSON results."""
        precomputed = take_precomputed(nlp_artifacts, self.id)
        if precomputed is not None:
            return precomputed
        spans: list[tuple[int, int, float, str]] = []
        for regex, score, rule in self._RULES:
            for match in regex.finditer(text):
                start, end = match.span("value")
                if rule == "person_label" and (
                    _is_job_title(match, text[start:end]) or _is_department(text[start:end])
                ):
                    continue
                if rule != "person_title" and text[start:end].lower() in _STOP_WORDS:
                    continue  # « Cordialement,\nLa conseillère »: an article
                if is_plausible(text, start, end, "PERSON"):
                    spans.append((start, end, score, rule))
        tokens = [m.span() for m in _NAME_TOKEN.finditer(text)]
        spans.extend((s, e, sc, "person_pair") for s, e, sc in self._first_name_pairs(text, tokens))
        spans.extend((s, e, sc, "person_lone") for s, e, sc in self._lone_first_names(text, tokens))
        return [
            RecognizerResult(
                "PERSON", s, e, score, recognition_metadata={_NAME_KEY: rule, _ID_KEY: self.id}
            )
            for s, e, score, rule in spans
        ]

    @staticmethod
    def _first_name_pairs(
        text: str, tokens: list[tuple[int, int]]
    ) -> Iterable[tuple[int, int, float]]:
        """'Prénom Nom', 'Prénom NOM' or 'NOM Prénom' with a known first name.

        Tokens are scanned pairwise (overlapping) so "Bonjour Jean Dupont"
        still yields "Jean Dupont".
        """
        for index, ((s1, e1), (s2, e2)) in enumerate(itertools.pairwise(tokens)):
            if not _adjacent(text, e1, s2):
                continue
            first, second = text[s1:e1], text[s2:e2]
            after = tokens[index + 2] if index + 2 < len(tokens) else None
            # « Hamza El Amrani », « Karim Ben Salah »: the particle and the name after it.
            if second in _CAP_PARTICLES and after and _adjacent(text, e2, after[0]):
                third = text[after[0] : after[1]]
                score = _pair_score(first, third) or (0.75 if is_first_name(first) else 0.0)
                if score and is_plausible(text, s1, after[1], "PERSON"):
                    yield s1, after[1], score
                    continue
            score = _pair_score(first, second)
            if score and is_plausible(text, s1, e2, "PERSON"):
                yield s1, e2, score

    @staticmethod
    def _lone_first_names(
        text: str, tokens: list[tuple[int, int]]
    ) -> Iterable[tuple[int, int, float]]:
        """A known first name standing alone: "demande à Julie", "@Fabien".

        Colleagues are named by first name alone in chats, tickets and
        notes. A name next to another capitalised word is left to the pair
        rule and NER ("rue Victor Hugo" is not "Hugo"), and "Saint Martin"
        is a place.
        """
        for index, (start, end) in enumerate(tokens):
            word = text[start:end]
            if word.isupper() or not is_first_name(word):
                continue
            before = tokens[index - 1] if index else None
            after = tokens[index + 1] if index + 1 < len(tokens) else None
            if (before and _adjacent(text, before[1], start)) or (
                after and _adjacent(text, end, after[0])
            ):
                continue
            if _SAINT.search(text, max(0, start - 6), start):
                continue
            if word.lower() not in FIRST_NAMES and _opens_phrase(text, start, end):
                continue
            if is_plausible(text, start, end, "PERSON"):
                yield start, end, 0.6


_PHRASE_START = re.compile(r"(?:^|[.!?:;]|\n)[ \t\-*•>]*$")


def _opens_phrase(text: str, start: int, end: int) -> bool:
    """A word opening a line or a sentence that goes on (« Avis du manager »).

    A capital there says nothing, so a first name of the data files
    (``world_names``) needs the word to stand alone on its line (a signature).
    """
    if not _PHRASE_START.search(text, max(0, start - 80), start):
        return False
    newline = text.find("\n", end)
    rest = text[end : newline if newline >= 0 else len(text)].strip(" \t,.!")
    return bool(rest) and not rest.startswith("(")  # « - Milica (planning) »: a list item


def _is_job_title(match: re.Match[str], value: str) -> bool:
    """« Responsable Achats », « Responsable Grands Comptes »: a title, not « Responsable : X ».

    Without a colon, what follows « responsable » is a department unless a
    word of it is a known name.
    """
    label = match.group(0)[: match.start("value") - match.start()]
    if ":" in label or not label.lower().startswith("responsable"):
        return False
    return not any(is_first_name(w) or is_surname(w) for w in value.split())


# A signature line that names a team, not a person (« Kind regards,\nTalent
# Acquisition Team », « Cordialement,\nL'équipe Paie »).
_TEAM_WORDS = frozenset({"team", "équipe", "equipe", "department", "desk", "support", "staff"})


def _is_department(value: str) -> bool:
    """« Contact : Service Après-Vente », « Client : Cabinet Roux »: a service or a firm."""
    words = value.lower().split()
    return bool(words) and (words[0] in ORG_HEADS or any(w in _TEAM_WORDS for w in words))


def _adjacent(text: str, end: int, start: int) -> bool:
    """True if only spaces separate two tokens (a tab parts table cells)."""
    return end < start and not text[end:start].strip(" ")

"""PERSON from the shape of the document and the words around a name, in any case.

The capital letter is what NER and the pair rules lean on; chat drops it
(« bonjour jean », « avec m. dupont », « dis à karim ») and documents move it
(a CV's all-caps header, a payroll table's « NOM Prénom » cells). This
recognizer adds:
- a title in any case, then one to three name words (« monsieur le gall »,
  « mme da silva », « Bonjour monsieur Okafor »), not a role (« monsieur le
  directeur »);
- a greeting or a cue word then a known first name in lower case (« bonjour
  jean », « cc sophie martin », « dis à karim »), and a known first name in
  lower case on its own when it is not also a common word;
- an @mention (« @sophie »), and a chat handle opening a line of a
  transcript (« mathilde.roux 10:42 ... », « kevin.b : ... ») when it starts
  with a known first name;
- the name heading a CV (``cv_header.py``: a document with CV sections, its
  first line of two to five name words);
- table cells under a person column and JSON/log fields that name a person
  (``tables.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from presidio_analyzer import LocalRecognizer, RecognizerResult
from spacy.lang.en.stop_words import STOP_WORDS as _EN_STOP
from spacy.lang.fr.stop_words import STOP_WORDS as _FR_STOP

from ..gazetteer import FRENCH_SURNAMES, NOT_A_NAME, SURNAMES
from ..lexicon import AMBIGUOUS_FIRST_NAMES, CONTACT_VERBS, HEADINGS, ROLE_WORDS
from ..organisations import JOB_WORDS, ORG_HEADS, PRODUCT_WORDS, SOFTWARE
from ..world_names import is_first_name, is_surname
from .base import take_precomputed
from .chat_names import chat_names, lower_pairs, syllable_names, vocatives
from .cv_header import cv_header
from .letters import LOW, UP
from .tables import field_names, find_tables

__all__ = ["PersonContextRecognizer"]

_NAME_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_ID_KEY = RecognizerResult.RECOGNIZER_IDENTIFIER_KEY
_STOP = frozenset(_FR_STOP | _EN_STOP) | NOT_A_NAME | ROLE_WORDS
_WORD = r"[^\W\d_][^\W\d_'’-]*"
# Words of one name are parted by spaces (` +` below): a tab parts table cells.
_PARTICLE = r"(?:le|la|de|du|des|da|di|del|van|von|ben|el|al|aït|ait|ould|dos|das|ter|ten)"
_TITLE_ANY = re.compile(
    r"(?<![\w.])(?<!\d )(?i:m\.|mme\.?|mlle\.?|monsieur|madame|mademoiselle|mr\.?|mrs\.?|ms\.?|"
    r"dr\.?|docteur|maître|me)[ \t]+"
    # A lookahead: a rejected « me passes le dossier de » must not swallow the
    # « mme » of « de mme lemaître » that follows.
    rf"(?=(?P<name>(?:{_PARTICLE} +)?{_WORD}(?: +(?:{_PARTICLE} +)?{_WORD}){{0,2}}))"
)


# Verbs that take a person (« rappelle jean-marc », « relance fatou ») and the
# family of someone (« enfants Emir et Zehra », « son fils ramin »).
def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


_FAMILY = _words(
    "fils fille filles enfant enfants conjoint conjointe épouse époux mari frère sœur soeur "
    "neveu nièce cousin cousine"
)
_CUE_WORDS = "|".join(sorted(CONTACT_VERBS | _FAMILY, key=len, reverse=True))
# Chat words and times that end a lower-case name (« rappelle jean-marc stp »).
_NAME_TAIL_STOP = _words(
    "stp svp pls plz please asap merci demain hier soir matin aujourd'hui ajd lundi mardi "
    "mercredi jeudi vendredi samedi dimanche"
)
_TAIL_BREAK = HEADINGS | _NAME_TAIL_STOP
_CUE = re.compile(
    r"(?<![\w@])(?i:bonjour|bonsoir|salut|coucou|hello|hi|hey|merci|thx|bravo|cc|avec|à|a|pour|chez|"
    r"par|de|et|dis|demande|préviens|ping|ask|tell|with|thanks|c['’]est|cordialement|cdt|"
    rf"bises|bisous|(?P<verb>{_CUE_WORDS}))[ \t,]+"
    # All a lookahead: « dis à bineta » tries « à » then « bineta ».
    rf"(?=(?P<first>{_WORD}(?:-{_WORD})?)(?![\w@/-]|\.\w)"
    rf"(?P<rest>(?: +{_WORD}(?:-{_WORD})?){{0,2}}))"
)
# A common Asian family name, then one to three given names ("Zhang Wei",
# "Nguyen Duc Anh", "TRUONG Minh Khoa").
_NAME_TOKEN = rf"(?:[{UP}][{LOW}]+|[{UP}]{{2,}})"
_SURNAME_RUN = re.compile(
    rf"(?<![\w-])(?P<surname>{_NAME_TOKEN})(?: +{_NAME_TOKEN}){{1,3}}(?![\w-])"
)
_LOWER_FIRST = re.compile(rf"(?<![\w@./-]){_WORD}(?:-{_WORD})?(?![\w@/-]|\.\w)")
_MENTION = re.compile(r"(?<![\w.@])@(?P<name>[^\W\d_][\w.-]*[^\W_])")
_MENTION_STOP = frozenset({"here", "channel", "all", "everyone", "tous", "team", "equipe"})
# Slack / Teams exports: the speaker's handle, then the time or a colon.
_HANDLE_LINE = re.compile(
    # « [10:42] nathan.roche: … »: a time stamp may come first.
    r"(?m)^[ \t]*(?:\[?\d{1,2}[:h]\d{2}(?::\d{2})?\]?[ \t]+)?"
    r"@?(?P<name>[a-zà-ÿ]+(?:[._][a-zà-ÿ]+){1,2})"
    r"(?=[ \t]+\[?\d{1,2}[:h]\d{2}|[ \t]*:[ \t])"
)


class PersonContextRecognizer(LocalRecognizer):
    """Names found by context rather than by capitals (see the module docstring)."""

    name: str

    def __init__(self, language: str = "fr") -> None:
        super().__init__(
            supported_entities=["PERSON"],
            name="PersonContextRecognizer",
            supported_language=language,
        )

    def load(self) -> None:
        """Nothing to load: the rules are compiled at import."""

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None
    ) -> list[RecognizerResult]:
        """PERSON results of every rule, each named after its rule."""
        precomputed = take_precomputed(nlp_artifacts, self.id)
        if precomputed is not None:
            return precomputed
        spans: list[tuple[int, int, float, str]] = []
        spans.extend(_titles(text))
        spans.extend(_cues(text))
        spans.extend(_surname_runs(text))
        spans.extend(_lower_first_names(text))
        spans.extend(
            (m.start("name"), m.end("name"), 0.7, "person_mention")
            for m in _MENTION.finditer(text)
            if m.group("name").lower() not in _MENTION_STOP
        )
        spans.extend(
            (m.start("name"), m.end("name"), 0.7, "person_handle")
            for m in _HANDLE_LINE.finditer(text)
            if is_first_name(re.split(r"[._]", m.group("name"))[0])
        )
        spans.extend((s, e, 0.7, "person_login") for s, e in _logins(text))
        spans.extend(
            (s, e, 0.7, "person_lower_pair") for s, e in lower_pairs(text, _STOP, _CHAT_STOP)
        )
        spans.extend((s, e, 0.75, "person_sign_off") for s, e in _sign_offs(text))
        spans.extend((s, e, 0.7, "person_transcript") for s, e in _transcript_speakers(text))
        spans.extend(
            (*m.span(group), 0.7, "person_chat_start")
            for m in _CHAT_START.finditer(text)
            for group in ("name" if m.group("name") else "mid",)
            if _is_chat_name(m.group(group))
        )
        spans.extend((s, e, 0.65, "person_chat_subject") for s, e in chat_names(text, _CHAT_STOP))
        spans.extend((s, e, 0.65, "person_vocative") for s, e in vocatives(text, _STOP))
        spans.extend((s, e, 0.65, "person_syllables") for s, e in syllable_names(text))
        spans.extend((s, e, 0.85, "person_cv") for s, e in cv_header(text))
        tables = find_tables(text)
        spans.extend((s, e, 0.8, "person_table") for s, e in tables.names)
        spans.extend((s, e, 0.8, "person_field") for s, e in field_names(text))
        return [
            RecognizerResult(
                "PERSON", s, e, score, recognition_metadata={_NAME_KEY: rule, _ID_KEY: self.id}
            )
            for s, e, score, rule in spans
        ]


def _is_name_word(word: str) -> bool:
    lower = word.lower()
    return lower not in _STOP and len(lower) >= 2


def _titles(text: str) -> Iterator[tuple[int, int, float, str]]:
    for match in _TITLE_ANY.finditer(text):
        start = match.start("name")
        words = list(re.finditer(r"\S+", match.group("name")))
        capital = text[start].isupper()
        end = start
        for word in words:
            value = word.group()
            if re.fullmatch(_PARTICLE, value, re.IGNORECASE):
                continue  # kept only if a name word follows
            # « voir mme lemaitre demain »: a time word ends the name; after a
            # capital, a lower-case word is the sentence's verb (« M. Yannick Ferrand
            # travaille »).
            if (
                not _is_name_word(value)
                or value in _NAME_TAIL_STOP
                or (capital and value[0].islower())
            ):
                break
            end = start + word.end()
        if end > start and not (
            match.group(0)[:2].lower() == "me" and text[start].islower()
        ):  # "me" is a pronoun unless a capitalised name follows
            yield start, end, 0.8, "person_title_any"


def _cues(text: str) -> Iterator[tuple[int, int, float, str]]:
    for match in _CUE.finditer(text):
        first = match.group("first").lower()
        # A family name that is also a word ("le", "do", "song") names no one here,
        # nor does a French one alone (« chez legrand », « avec leroy merlin »: firms).
        capital = match.group("first")[0].isupper()
        # After a family word, a capitalised word is the relative's name (« enfants Emir »).
        family = capital and (match.group("verb") or "").lower() in _FAMILY
        if first in _STOP or not (
            is_first_name(first)
            or first in SURNAMES
            or (capital and is_surname(first) and first not in FRENCH_SURNAMES)
            or (family and first not in HEADINGS)
        ):
            continue
        start, end = match.span("first")
        base = match.start("rest")
        particle = False
        for word in re.finditer(r"\S+", match.group("rest")):
            value = word.group()
            # « avec hugues de kerdrel »: a particle counts when a name word follows.
            if not particle and re.fullmatch(_PARTICLE, value, re.IGNORECASE):
                particle = True
                continue
            if not _is_name_word(value) or value.lower() in _TAIL_BREAK:
                break
            # « à Thandiwe hier soir »: after a capital, a lower-case word ends the name.
            if capital and value[0].islower():
                break
            end = base + word.end()
        # "avec olivier" is a tree as often as a man, unless a surname follows.
        if first in AMBIGUOUS_FIRST_NAMES and end == match.end("first"):
            continue
        yield start, end, 0.75, "person_cue"


def _surname_runs(text: str) -> Iterator[tuple[int, int, float, str]]:
    for match in _SURNAME_RUN.finditer(text):
        surname = match.group("surname").lower()
        if surname not in SURNAMES or surname in _STOP:
            continue
        words = match.group().split()
        if any(w.lower() in _STOP for w in words[1:]):
            continue
        yield match.start(), match.end(), 0.7, "person_surname"


def _lower_first_names(text: str) -> Iterator[tuple[int, int, float, str]]:
    """A known first name written in lower case, when it is not also a common word.

    The data files' names count (``world_names``): their lists left out every
    word of the French and English lemma tables, so « shirin », « eudes » or
    « siddharth » name someone wherever chat puts them.
    """
    for match in _LOWER_FIRST.finditer(text):
        word = match.group()
        if word.islower() and len(word) >= 4 and word not in _CHAT_STOP and is_first_name(word):
            yield match.start(), match.end(), 0.6, "person_lower"


# A login in a log or a ticket: « user=wojciech.nowak », « login: k.mensah »,
# « Accepted password for ahmetdemir ». Only a handle built on a known name.
_LOGIN = re.compile(
    r"(?i:\b(?:user(?:name)?|login|identifiant|utilisateur|account|compte|for|actor|author|owner|by|"
    r"assignee|assigned to|assignée? à|attribuée? à|reporter|requester|demandeur)"
    r"[\"']?[ \t]*[=:]?[ \t]*)[\"']?"  # « user=k.mensah », JSON « "user":"k.mensah" »
    r"(?!(?:user|username|login)\b)(?P<name>[a-z][a-z0-9]*(?:[._-][a-z][a-z0-9]*){0,2})"
    r"(?![\w@.-])"
)


def _is_name_handle(handle: str) -> bool:
    parts = [p.rstrip("0123456789") for p in re.split(r"[._-]", handle)]
    if len(parts) > 1:
        return (len(parts[0]) >= 3 and is_first_name(parts[0])) or any(
            len(p) >= 4 and is_surname(p) and p not in _STOP for p in parts
        )
    word = parts[0]
    if len(word) >= 5 and is_surname(word[1:]) and word[1:] not in _STOP:
        return True  # « mkonate »: an initial, then a family name
    # Glued « ahmetdemir »: a first name then a family name.
    return any(
        is_first_name(word[:cut]) and is_surname(word[cut:]) for cut in range(3, len(word) - 2)
    )


# « user=a.rakotobe »: an initial, a dot and a family name no list holds, after
# a key that names a user (not « by » or « for », which prose uses too).
_INITIAL_HANDLE = re.compile(r"^[a-z]\.[a-z]{4,}$")
_USER_KEY = re.compile(
    r"(?i)(?:user(?:name)?|login|identifiant|utilisateur|account|compte|actor)\b"
)


# The user field of a web server's access log: « 10.0.0.1 - mkonate [02/Dec/… ».
_ACCESS_LOG_USER = re.compile(r"(?m)^\S+ - (?P<name>[a-z][a-z0-9._-]{2,40}) \[")


def _logins(text: str) -> Iterator[tuple[int, int]]:
    for match in _ACCESS_LOG_USER.finditer(text):
        if _is_name_handle(match.group("name")):
            yield match.span("name")
    for match in _LOGIN.finditer(text):
        handle = match.group("name").lower()
        if _is_name_handle(handle) or (
            _INITIAL_HANDLE.match(handle) and _USER_KEY.match(match.group(0))
        ):
            yield match.span("name")


# A chat line opening on a lower-case first name spoken to: « serkan ton code
# c'est… », « olek t'as les accès ? », « jovana, tu peux… ».
# « sung-min est malade », « fatou c'est quoi le code ? »: a verb after the name
# at a line start; mid-line, after a comma, only words spoken to someone
# (« salle Vercors, irina tu préviens… »).
_SPOKEN_TO = r"tu|t['’]|ton|ta|tes|vous|votre|vos|te|peux|pourrais|stp|svp|you|can|could"
_CHAT_START = re.compile(
    r"(?m)(?:^[ \t]*@?(?P<name>[a-zà-ÿ]{3,}(?:-[a-zà-ÿ]+)?)(?=[ \t]*[,:][ \t]|[ \t]+"
    r"(?:as|es|dis|merci|est|c['’]est|a|va|doit|peut|sera|arrive|vient|je|j['’]|voilà|voici|"
    + _SPOKEN_TO
    + r")\b)|[,;][ \t]+(?P<mid>[a-zà-ÿ]{3,}(?:-[a-zà-ÿ]+)?)(?=[ \t]+(?:"
    + _SPOKEN_TO
    + r")\b))"
)


_CHAT_STOP = _STOP | AMBIGUOUS_FIRST_NAMES


def _is_chat_name(word: str) -> bool:
    return word not in _STOP and word not in AMBIGUOUS_FIRST_NAMES and is_first_name(word)


_CAP_WORD = rf"[{UP}][{LOW}]+(?:-[{UP}][{LOW}]+)?"
# Closings the title rules do not read (« Bonne journée », « À bientôt »), then a
# line of one or two capitalised words that no list calls vocabulary.
_SIGN_OFF = re.compile(
    r"(?im)^[ \t]*(?:bonne (?:journée|soirée|fin de journée|semaine)|belle journée|à bientôt|"
    r"a bientot|amitiés|bises|bisous|cheers|kind regards|best regards|many thanks)[ \t]*[,.!]?"
    rf"[ \t]*\n[ \t]*(?P<name>{_CAP_WORD}(?: +{_CAP_WORD})?)[ \t]*$"
)
_NOT_SIGNATURE = _STOP | HEADINGS | ORG_HEADS | JOB_WORDS | PRODUCT_WORDS | SOFTWARE


def _sign_offs(text: str) -> Iterator[tuple[int, int]]:
    for match in _SIGN_OFF.finditer(text):
        if not any(w.lower() in _NOT_SIGNATURE for w in match.group("name").split()):
            yield match.span("name")


# A transcript: lines opening on « Name: » (« Arben: ok pour moi »). Field
# labels look the same (« Objet : », « Date : »), so it takes two such lines,
# one of them a known first name, and no word a list calls vocabulary.
_SPEAKER = re.compile(
    rf"(?m)^[ \t]*(?P<name>{_CAP_WORD}|[a-zà-ÿ]{{3,}}(?:-[a-zà-ÿ]+)?)[ \t]?:[ \t]+\S"
)


def _transcript_speakers(text: str) -> Iterator[tuple[int, int]]:
    # In lower case (« louise : oui »), only a known first name speaks.
    speakers = [
        m
        for m in _SPEAKER.finditer(text)
        if m.group("name").lower() not in _NOT_SIGNATURE
        and (m.group("name")[0].isupper() or is_first_name(m.group("name")))
    ]
    if len(speakers) >= 2 and any(is_first_name(m.group("name")) for m in speakers):
        yield from (m.span("name") for m in speakers)

"""Postal addresses: French street lines, postcode + city, English street lines."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from ..gazetteer import FIRST_NAMES
from ..organisations import TOWNS
from .address_parts import around_street
from .address_shapes import shape_rules
from .base import Rule, RuleRecognizer, accept, take_precomputed
from .letters import UP

__all__ = ["STREET_PREFIX", "STREET_TYPES", "FrAddressRecognizer"]

# Street types that are never ordinary words in a sentence.
_STREET_ONLY = (
    "rue",
    "avenue",
    "av",
    "boulevard",
    "bd",
    "bld",
    "allée",
    "allee",
    "impasse",
    "quai",
    "rte",
    "rond-point",
    "lotissement",
    "faubourg",
    "chaussée",
    "lieu-dit",
    "ruelle",
    "hent",
    "venelle",
    # Business parks: « ZA du Bois Joli, lot 7 », « ZI des Paluds ».
    "za",
    "zi",
    "zac",
    "zae",
)

# Street types that are also ordinary words ("un mail à", "à la place de"): a street
# only after a number or when capitalised.
_ALSO_WORDS = (
    "chemin",
    "place",
    "route",
    "cours",
    "square",
    "passage",
    "voie",
    "sentier",
    "cité",
    "cite",
    "résidence",
    "residence",
    "esplanade",
    "promenade",
    "hameau",
    "parvis",
    "villa",
    "clos",
    "mail",
    "traverse",
    "montée",
    "montee",
    "domaine",
    "cour",
)
STREET_TYPES = (*_STREET_ONLY, *_ALSO_WORDS)
_TYPES = "|".join(sorted((re.escape(t) for t in STREET_TYPES), key=len, reverse=True))
_UP = UP
# A capitalised word (or a number, "rue du 8 Mai 1945"), optionally elided.
_CWORD = rf"(?:[dlDL][’']\s?)?[{_UP}][\w’'-]*"
_WORD = rf"(?:{_CWORD}|\d{{1,4}}\b)"
# French links, and Breton articles ("hent ar Feunteun", "straed an Iliz").
_LINK = r"(?:de|du|des|la|le|les|et|à|au|aux|sur|sous|en|lès|les|ar|an|al|[dl][’'])"
_NAME = (
    rf"(?:[ \t]+{_LINK}|[ \t]*[dl][’'])*[ \t]*{_WORD}"
    rf"(?:(?:[ \t]+{_LINK})*[ \t]+{_WORD}|-{_WORD}){{0,6}}"
)

_ONLY = "|".join(sorted((re.escape(t) for t in _STREET_ONLY), key=len, reverse=True))
_CAPITALISED_TYPES = "|".join(
    sorted((re.escape(t.capitalize()) for t in STREET_TYPES), key=len, reverse=True)
)
# The end of "rue de la", "12 place du", "Place des": what comes next is a
# street name, not a person. Types that are also common words ("mail",
# "place", "cours", "cité"...) count only after a number or capitalised:
# "un mail à Aurélien Lopez" and "à la place de Martin" name people.
STREET_PREFIX = re.compile(
    rf"(?:(?i:\b(?:{_ONLY}))|\d{{1,4}}(?:[ \t]?(?i:bis|ter|[a-d]))?,?[ \t]+(?i:{_TYPES})"
    rf"|\b(?:{_CAPITALISED_TYPES}))"
    r"\.?(?:[ \t]+(?:de|du|des|la|le|les)|[ \t]*[dl][’'])*[ \t]*$"
)
# Abbreviations written with their dot after a number ("12 r. des Lilas",
# "4 pl. du Marché"); a postcode with no town may close the street ("11 place
# Bellecour 69002").
_ABBREVIATED = r"(?:r|pl|imp|ch|sq|crs|all|fg|rés|res|bd|av)\."
_STREET = re.compile(
    rf"(?<![\w,.])\d{{1,4}}(?:[ \t]?(?i:bis|ter|quater|[a-d])\b)?,?[ \t]+"
    rf"(?i:(?:{_TYPES})\b\.?|{_ABBREVIATED}){_NAME}"
    rf"(?:,?[ \t]+(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{{3}}(?!\w|[ \t]*\n?[ \t]*[{_UP}]))?"
)
# French postcodes: departments 01-95, overseas 97x/98x; optional CEDEX.
_CITY = re.compile(
    rf"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{{3}}[ \t]+{_CWORD}"
    rf"(?:(?:[ \t-]+{_LINK})*[ \t-]+(?!(?i:cedex)\b){_CWORD}){{0,4}}"
    r"(?:[ \t]+(?i:cedex)(?:[ \t]?\d{1,2})?)?"
)
# Chat drops the town's capital (« 33000 bordeaux »): a known town only.
_CITY_LOWER = re.compile(
    r"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}[ \t]+(?P<town>[a-zà-ÿ][a-zà-ÿ'’-]+)\b"
)


def _city_lower_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 0.7) if value.split()[1] in TOWNS else None


# A comma may precede it: a CSV row (« 17,Flat 2,88 Queen's Road,Bristol »).
_EN_STREET = re.compile(
    r"(?<![\w.])\d{1,5}[A-Z]?[ \t]+(?:(?:[A-Z][a-z'’]+|\d{1,3}(?:st|nd|rd|th))[ \t]+){1,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Square|Terrace|"
    # British residential street types (« 14 Elm Grove », « 3 Mill Close »).
    r"Grove|Close|Crescent|Gardens|Mews|Row|Hill|Walk|Rise|Parade|Green)\b\.?"
)
_POSTCODE_RE = r"(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}"
# A US town, state and ZIP code (« San Francisco, CA 94103 »).
_US_STATES = (
    "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|"
    "NH|NJ|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY"
)
_US_CITY = re.compile(
    r"[A-Z](?<![\w,.].)[a-z]+(?:[ \t][A-Z][a-z]+){0,2},[ \t]*"
    rf"(?:{_US_STATES})[ \t]+\d{{5}}(?:-\d{{4}})?(?![\w-])"
)
# A post box or a sorting code, the line of a company's address before its
# CEDEX town: « BP 90123 », « CS 70012 », « TSA 21113 ».
_BOX = re.compile(
    r"[BCT](?<![\w,.].)(?:(?<=B)(?:P|\.P\.)[ \t]?\d{1,5}|(?:(?<=C)S|(?<=T)SA)[ \t]?\d{4,5})"
    # Its town line follows (« BP 2026 résultats » is no address).
    # or after a spaced dash (« BP 123 - 75001 Paris »).
    rf"(?=(?:,|[ \t]+[–—-])?[ \t]*\n?[ \t]*{_POSTCODE_RE}[ \t]+[{_UP}])"
)
# Belgian and Swiss streets put the number last: « Avenue Louise 231 »,
# « Rue du Rhône 14 ». A capitalised type opens them.
_STREET_NUMBER_LAST = re.compile(
    r"(?=[ACBIPQRS])(?<![\w,.])(?:Rue|Avenue|Boulevard|Chaussée|Allée|Impasse|Quai|Place|"
    r"Chemin|Route|Rond-Point|Bd\.?|Av\.)"  # « Bd Anspach 1 »
    rf"{_NAME}[ \t]+\d{{1,3}}(?:[ \t]?[a-z])?(?![\w.-]|,\d|[ \t]?[%€])"
)
# A business park names no street number: « ZA du Bois Joli », « ZI des
# Paluds », « Zone artisanale des Noës », « Parc d'activités du Golf ».
_PARK = re.compile(
    r"(?=[ZzPp])(?<![\w,.])(?:ZA|ZI|ZAC|ZAE|Z\.A\.|Z\.I\.|(?i:zone[ \t]+(?:artisanale|industrielle|"
    r"commerciale|d['’]activités?)|parc[ \t]+d['’]activités?))"
    rf"{_NAME}"
)
# Its English kin: « Riverside Business Park », « Kingsway Trading Estate ».
_EN_PARK = re.compile(
    rf"(?<![\w,.])[{_UP}][a-z]+(?:[ \t][{_UP}][a-z]+){{0,2}}[ \t]+"
    r"(?:Business|Industrial|Retail|Trading|Science|Technology)[ \t]+"
    r"(?:Park|Estate|Centre|Center)\b"
)
# Chat drops the street's capitals: « 6 rue pasteur », « 12 rue victor hugo ».
# One word after the type (two when the first is a first name), so « 3 rue
# pasteur et je passe » stops at « pasteur ».
_STREET_LOWER = re.compile(
    rf"\d(?<![\w,.]\d)\d{{0,3}}(?:[ \t]?(?:bis|ter))?,?[ \t]+(?:{_ONLY})\b\.?"
    r"(?:[ \t]+(?:de|du|des|la|le|les)\b|[ \t]+[dl][’'])*(?:[ \t]+|(?<=[’']))"
    r"(?P<first>[a-zà-ÿ][a-zà-ÿ'’-]+)(?:[ \t]+(?P<second>[a-zà-ÿ][a-zà-ÿ'’-]+))?"
)


def _street_lower_validate(value: str) -> tuple[int, float] | None:
    match = _STREET_LOWER.fullmatch(value)
    if match is None:
        return None
    if match["second"] is not None and match["first"] not in FIRST_NAMES:
        return match.end("first"), 0.7
    return len(value), 0.7


# Words after a 5-digit number that mean an amount or a quantity, not a city.
_NOT_CITY = {
    "euros",
    "euro",
    "eur",
    "francs",
    "dollars",
    "usd",
    "ht",
    "ttc",
    "unités",
    "unites",
    "pièces",
    "pieces",
    "articles",
    "km",
    "kg",
    "go",
    "mo",
    "ko",
    "habitants",
    "clients",
    "salariés",
    "salaries",
    "exemplaires",
    "points",
    "heures",
    "jours",
    "mois",
    "ans",
}


def _city_validate(value: str) -> tuple[int, float] | None:
    parts = value.split()
    if len(parts) < 2 or parts[1].lower().strip(".,") in _NOT_CITY:
        return None
    return len(value), 0.7


_POSTCODE = r"(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}"
# A street named without its number, when a postcode follows ("chemin des
# Vignes, 13100 Aix").
_STREET_NO_NUMBER = re.compile(
    rf"(?<![\w,.])(?i:(?:{_TYPES}))\b\.?{_NAME}(?=,?[ \t]*\n?[ \t]*{_POSTCODE}[ \t]+[{_UP}])"
)
# Or when a comma and its town follow (« Mas des Oliviers, route d'Uzès, à Nîmes »).
# Types that are also words count capitalised only (« cours de Python, à Lyon » stays).
_STREET_BEFORE_TOWN = re.compile(
    rf"(?<![\w,.])(?:(?i:{_ONLY}|chemin|route)|{_CAPITALISED_TYPES})\b\.?{_NAME}"
    rf"(?=[ \t]*,[ \t]*(?:à|a)[ \t]+[{_UP}])"
)
# A UK or Irish postcode with its town ("Leeds LS2 7DJ", "Brighton BN1 3XA").
_UK_CITY = re.compile(
    rf"(?<![\w,.])[{_UP}][a-z]+(?:[ -][{_UP}][a-z]+)?[ \t]+[A-Z]{{1,2}}\d[A-Z\d]?[ \t]?\d[A-Z]{{2}}"
    r"(?![\w])"
)
# What names a dwelling before its street or its town: a house ("Villa Les
# Mimosas", "Le Clos Fleuri", "Ty Nevez", "Mas des Oliviers"), a building or
# a flat ("bât. C", "Appartement 42", "Flat 3", "Unit 7"), each followed by a
# comma. House names start with a keyword or an article.
_HOUSE_WORDS = (
    r"(?:villa|résidence|residence|domaine|mas|clos|grange|ferme|manoir|château|chateau|"
    r"moulin|bastide|chalet|maison|hameau|lieu-dit|ty|ti|ker|bâtiment|batiment|bât\.?|bat\.?|"
    r"lotissement|floor|"
    r"appartement|appt\.?|apt\.?|apartment|flat|unit|suite|escalier|esc\.?|étage|etage|"
    r"building|house|cottage|court|immeuble|rés\.?|res\.?|lot|boîte|porte)"
)
# « bât. B », « Appartement 42 », « 3e étage », « Villa Les Mimosas ».
_ORDINAL = r"(?:\d{1,2}(?:e|er|ère|ème|eme|st|nd|rd|th)|Ground)"  # « 3e étage », « 2nd Floor »
_HOUSE = rf"(?:{_ORDINAL}[ \t]+)?(?i:{_HOUSE_WORDS})(?!\w)"
_PART = (
    rf"(?:{_HOUSE}(?:[ \t]+[^,\n]{{1,40}}?)?"
    rf"|(?:Le|La|Les|L['’])[ \t]*[{_UP}][^,\n\d]{{1,40}}?"
    rf"|[{_UP}][\w'’-]+[ \t]+(?i:court|house|cottage|lodge)"
    # A British street without its number before the town (« Cottage 2, Mill Lane, Bath … »).
    rf"|[{_UP}][a-z]+[ \t]+(?:Lane|Road|Street|Close|Grove|Crescent|Gardens|Terrace|Mews|Drive))"
)
# A line of its own before the street names a dwelling only with a house
# word (« Le Clos des Vignes », « Résidence Les Tilleuls, bât. B »): a line
# « Mehdi de La Tour » above a street is the addressee.
_HOUSE_LINE = rf"(?:(?:Le|La|Les|L['’])[ \t]*)?{_HOUSE}(?:[ \t]+[^,\n]{{1,40}}?)?"
# Parts end with a comma or a spaced dash (« Bât. B2 – Résidence du Parc – 33 … »).
# After a first part, a village may follow (« Rose Cottage, Church Lane, Little
# Shelford, Cambridge CB22 5HG »).
_SEP = r"(?:[ \t]*,|[ \t]+[–—-])[ \t]*"
_VILLAGE = rf"[{_UP}][a-z]+(?:[ -][{_UP}][a-z]+)?"
_PREFIX = re.compile(
    rf"(?<![\w'’-])(?:{_PART}{_SEP}|{_HOUSE_LINE}[ \t]*\n[ \t]*)"
    rf"(?:(?:{_PART}|{_VILLAGE}){_SEP}|{_HOUSE_LINE}[ \t]*\n[ \t]*){{0,3}}$"
)
# A house-name line before the town line ("Le Moulin de la Roche\n24200
# Sarlat"), or before it on the same line ("La Haute Touche, 72540 Loué").
_HOUSE_BEFORE_CITY = re.compile(
    rf"(?m)(?<![\w,.])(?P<value>{_PART})[ \t]*(?:,|\n)[ \t]*(?={_POSTCODE}[ \t]+[{_UP}])"
)


_RULE_KEY = RecognizerResult.RECOGNIZER_NAME_KEY
_TOWN_GATE = re.compile(rf",[ \t]*(?:à|a)[ \t]+[{_UP}]")
# The rules that need a postcode after them run only on texts that hold one.
_GATE = re.compile(r"\d{5}")


class FrAddressRecognizer(RuleRecognizer):
    """Entity type ``ADDRESS``: street lines and "postcode city"."""

    def __init__(self) -> None:
        super().__init__(
            "ADDRESS",
            "FrAddressRecognizer",
            [
                Rule("address_street", _STREET, accept(0.85), score=0.85),
                Rule("address_city", _CITY, _city_validate, score=0.7),
                Rule("address_city_lower", _CITY_LOWER, _city_lower_validate, score=0.7),
                Rule("address_street_en", _EN_STREET, accept(0.7), score=0.7),
                Rule("address_street_bare", _STREET_NO_NUMBER, accept(0.7), score=0.7, gate=_GATE),
                Rule("address_city_uk", _UK_CITY, accept(0.65), score=0.65),
                Rule("address_house", _HOUSE_BEFORE_CITY, accept(0.7), "value", 0.7, _GATE),
                Rule("address_city_us", _US_CITY, accept(0.7), score=0.7, gate=_GATE),
                Rule("address_box", _BOX, accept(0.7), score=0.7, gate=_GATE),
                Rule("address_street_last", _STREET_NUMBER_LAST, accept(0.85), score=0.85),
                Rule("address_street_lower", _STREET_LOWER, _street_lower_validate, score=0.7),
                Rule("address_street_park", _PARK, accept(0.7), score=0.7),
                Rule("address_street_park", _EN_PARK, accept(0.85), score=0.85),
                Rule(
                    "address_street_town",
                    _STREET_BEFORE_TOWN,
                    accept(0.7),
                    score=0.7,
                    gate=_TOWN_GATE,
                ),
                *shape_rules(accept(0.7)),
            ],
            context=[
                "adresse",
                "domicile",
                "domicilié",
                "domiciliée",
                "habite",
                "livraison",
                "address",
                "lives",
            ],
            context_boost=0.15,
        )

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """Street and town lines, each extended back over the dwelling named before it."""
        precomputed = take_precomputed(nlp_artifacts, self.id)
        if precomputed is not None:
            return precomputed
        results = super().analyze(text, entities, None, regex_flags)
        extra: list[RecognizerResult] = []
        for result in results:
            window = max(0, result.start - 140)
            prefix = _PREFIX.search(text, window, result.start)
            if prefix is not None:
                # A dwelling, a street and a town in a row outrank the name NER
                # reads in them (« Ivy House, Mill Road, … » as a person « Mill Road »).
                result.start = prefix.start()
                result.score = max(result.score, 0.85)
            if result.recognition_metadata.get(_RULE_KEY, "").startswith("address_street"):
                result.end, parts = around_street(text, result.start, result.end)
                metadata = {**result.recognition_metadata, _RULE_KEY: "address_part"}
                extra.extend(
                    RecognizerResult("ADDRESS", s, e, 0.7, recognition_metadata=metadata)
                    for s, e in parts
                )
        return results + extra

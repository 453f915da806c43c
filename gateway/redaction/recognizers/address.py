"""Postal addresses: French street lines, postcode + city, English street lines."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from ..organisations import TOWNS
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
_ABBREVIATED = r"(?:r|pl|imp|ch|sq|crs|all|fg)\."
_STREET = re.compile(
    rf"(?<![\w,.])\d{{1,4}}(?:[ \t]?(?i:bis|ter|quater|[a-d])\b)?,?[ \t]+"
    rf"(?i:(?:{_TYPES})\b\.?|{_ABBREVIATED}){_NAME}"
    rf"(?:,?[ \t]+(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{{3}}(?!\w|[ \t]*\n?[ \t]*[{_UP}]))?"
)
# French postcodes: departments 01-95, overseas 97x/98x; optional CEDEX.
_CITY = re.compile(
    rf"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{{3}}[ \t]+{_CWORD}"
    rf"(?:(?:[ \t-]+{_LINK})*[ \t-]+{_CWORD}){{0,4}}"
    r"(?:[ \t]+(?i:cedex)(?:[ \t]?\d{1,2})?)?"
)
# Chat drops the town's capital (« 33000 bordeaux »): a known town only.
_CITY_LOWER = re.compile(
    r"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}[ \t]+(?P<town>[a-zà-ÿ][a-zà-ÿ'’-]+)\b"
)


def _city_lower_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 0.7) if value.split()[1] in TOWNS else None


_EN_STREET = re.compile(
    r"(?<![\w,.])\d{1,5}[A-Z]?[ \t]+(?:[A-Z][a-z'’]+[ \t]+){1,3}"
    r"(?:Street|St|Avenue|Ave|Road|Rd|Lane|Ln|Boulevard|Blvd|Drive|Dr|Court|Ct|Way|Place|Square|Terrace)\b\.?"
)
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
    r"appartement|appt\.?|apt\.?|apartment|flat|unit|suite|escalier|esc\.?|étage|etage|"
    r"building|house|cottage|court)"
)
_PART = (
    rf"(?:(?i:{_HOUSE_WORDS})[ \t]+[^,\n]{{1,40}}?"
    rf"|(?:Le|La|Les|L['’])[ \t]*[{_UP}][^,\n\d]{{1,40}}?"
    rf"|[{_UP}][\w'’-]+[ \t]+(?i:court|house|cottage|lodge))"
)
_PREFIX = re.compile(rf"(?:{_PART}[ \t]*,[ \t]*){{1,3}}$")
# A house-name line before the town line ("Le Moulin de la Roche\n24200
# Sarlat"), or before it on the same line ("La Haute Touche, 72540 Loué").
_HOUSE_BEFORE_CITY = re.compile(
    rf"(?m)(?<![\w,.])(?P<value>{_PART})[ \t]*(?:,|\n)[ \t]*(?={_POSTCODE}[ \t]+[{_UP}])"
)


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
                Rule("address_street_bare", _STREET_NO_NUMBER, accept(0.7), score=0.7),
                Rule("address_city_uk", _UK_CITY, accept(0.65), score=0.65),
                Rule("address_house", _HOUSE_BEFORE_CITY, accept(0.7), "value", 0.7),
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
        for result in results:
            window = max(0, result.start - 140)
            prefix = _PREFIX.search(text, window, result.start)
            if prefix is not None:
                result.start = prefix.start()
        return results

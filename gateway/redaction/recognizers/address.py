"""Postal addresses: French street lines, postcode + city, English street lines."""

from __future__ import annotations

import re

from .base import Rule, RuleRecognizer, accept

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
_UP = "A-ZÀ-ÖØ-Þ"
# A capitalised word (or a number, "rue du 8 Mai 1945"), optionally elided.
_CWORD = rf"(?:[dlDL][’']\s?)?[{_UP}][\w’'-]*"
_WORD = rf"(?:{_CWORD}|\d{{1,4}}\b)"
_LINK = r"(?:de|du|des|la|le|les|et|à|au|aux|sur|sous|en|lès|les|[dl][’'])"
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
_STREET = re.compile(
    rf"(?<![\w,.])\d{{1,4}}(?:[ \t]?(?i:bis|ter|quater|[a-d])\b)?,?[ \t]+"
    rf"(?i:(?:{_TYPES}))\b\.?{_NAME}"
)
# French postcodes: departments 01-95, overseas 97x/98x; optional CEDEX.
_CITY = re.compile(
    rf"(?<![\w,.])(?:0[1-9]|[1-8]\d|9[0-5]|9[78])\d{{3}}[ \t]+{_CWORD}"
    rf"(?:(?:[ \t-]+{_LINK})*[ \t-]+{_CWORD}){{0,4}}"
    r"(?:[ \t]+(?i:cedex)(?:[ \t]?\d{1,2})?)?"
)
_EN_STREET = re.compile(
    r"(?<![\w,.])\d{1,5}[A-Z]?[ \t]+(?:[A-Z][a-z]+[ \t]+){1,3}"
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


class FrAddressRecognizer(RuleRecognizer):
    """Entity type ``ADDRESS``: street lines and "postcode city"."""

    def __init__(self) -> None:
        super().__init__(
            "ADDRESS",
            "FrAddressRecognizer",
            [
                Rule("address_street", _STREET, accept(0.85), score=0.85),
                Rule("address_city", _CITY, _city_validate, score=0.7),
                Rule("address_street_en", _EN_STREET, accept(0.7), score=0.7),
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

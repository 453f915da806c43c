"""Address lines with no French street number (issue 15, ninth round).

dev9_fr measured ADDRESS at 0.708 before these rules. The street and town
rules of ``address.py`` want « 12 rue … » or a postcode; the misses named the
place otherwise:

- a lieu-dit, a hamlet or a residence, with no number and often no postcode
  (« au lieu-dit Kerroc'h », « hameau des Granges à Saint-Véran »,
  « résidence Les Hauts de Sèvres, bât 2 »): the keyword and a capitalised
  name (« la résidence principale », « un hameau de 200 habitants » stay);
- the building, staircase, floor and door alone (« bât C esc 2 4e étage porte
  droite », a CSV cell « Bât. D, esc. 4 »): two of them side by side, so « le
  bâtiment B est fermé » stays;
- German-speaking Swiss, Portuguese, Spanish and Italian streets, whose number
  follows the name (« Bahnhofstrasse 42 », « Rua Augusta 120 »);
- a Swiss post box (« Case postale 2145 »).

Each rule's name starts with ``address_street`` so that the town after it and
the other cells of its row are taken too (``address_parts.around_street``).
"""

from __future__ import annotations

import re

from .base import Rule, Validator
from .letters import UP

__all__ = ["shape_rules"]

_CWORD = rf"(?:[dlDL][’']\s?)?[{UP}][\w’'-]*"
_LINK = r"(?:de|du|des|la|le|les|et|sur|sous|en|lès|[dl][’'])"
_PLACE_NAME = (
    rf"(?:[ \t]+{_LINK}|[ \t]*[dl][’'])*[ \t]*{_CWORD}"
    rf"(?:(?:[ \t]+{_LINK})*[ \t]+{_CWORD}|-{_CWORD}){{0,4}}"
)
_PLACE = re.compile(
    r"(?<![\w,.-])(?i:lieu[- ]dit|lieudit|hameau|résidence|residence)(?![\w-])" + _PLACE_NAME
)
_COMPONENT = (
    r"(?:(?i:bâtiment|batiment|bât|bat|escalier|esc|appartement|appart|appt|apt|entrée|entree)\.?"
    r"[ \t]*(?:n°[ \t]*)?[A-Z0-9]{1,4}"
    r"|\d{1,2}(?:e|er|ère|ème|eme)[ \t]+(?i:étage|etage)"
    r"|(?i:porte)[ \t]+(?:(?i:gauche|droite|face)|[A-Z0-9]{1,3}))(?![\w-])"
)
_UNITS = re.compile(
    r"(?<![\w-])" + _COMPONENT + r"(?:[ \t]*,?[ \t]*" + _COMPONENT + r")+"
    r"(?:[ \t]+(?i:gauche|droite))?(?![\w-])"
)
_FOREIGN_STREET = re.compile(
    rf"(?<![\w.-])(?:[{UP}][a-zäöüß]+(?:strasse|straße|gasse|weg|platz|allee|ring|graben)"
    rf"|(?:Rua|Avenida|Travessa|Calle|Carrer|Paseo|Viale|Piazza|Vicolo)"
    rf"(?:[ \t]+(?:de|da|do|dos|das|del|della|di|dei|la|el)|[ \t]+{_CWORD}){{1,5}})"
    r"[ \t]+\d{1,4}[a-z]?(?![\w.,-]\d|[ \t]?[%€])"
)
_POST_BOX = re.compile(r"(?<![\w-])(?i:case postale|postfach|casella postale)[ \t]+\d{1,5}\b")


def _literal_gate(*words: str) -> re.Pattern[str]:
    """A regex of the words as written, capitalised and in capitals: an alternation
    of plain literals, which ``re`` scans for in about 2 µs on a 180-character
    prompt where a class or ``(?i)`` in it takes 6 to 9."""
    variants = (form for word in words for form in (word, word.capitalize(), word.upper()))
    return re.compile("|".join(re.escape(v) for v in dict.fromkeys(variants)))


# What a text must hold for each rule to run: the four rules cost 29 µs on a
# 180-character prompt, the four gates 8.
_PLACE_GATE = _literal_gate("lieu", "hameau", "résidence", "residence")
_UNITS_GATE = _literal_gate("bât", "bat", "esc", "appt", "apt", "appart", "étage", "etage")
_FOREIGN_GATE = _literal_gate(
    *(f"{end} " for end in ("strasse", "straße", "gasse", "weg", "platz", "allee", "ring")),
    *(f"{start} " for start in ("rua", "avenida", "travessa", "calle", "carrer", "paseo")),
    *(f"{start} " for start in ("viale", "piazza", "vicolo", "graben")),
)
_BOX_GATE = _literal_gate("case postale", "postfach", "casella")


def shape_rules(validate: Validator) -> tuple[Rule, ...]:
    """The rules of this module, named so that ``around_street`` extends them."""
    return (
        Rule("address_street_place", _PLACE, validate, score=0.7, gate=_PLACE_GATE),
        Rule("address_street_units", _UNITS, validate, score=0.7, gate=_UNITS_GATE),
        Rule("address_street_foreign", _FOREIGN_STREET, validate, score=0.7, gate=_FOREIGN_GATE),
        Rule("address_street_box", _POST_BOX, validate, score=0.7, gate=_BOX_GATE),
    )

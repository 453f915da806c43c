"""E-mail addresses, phone numbers and IP addresses (all offline, regex based)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from presidio_analyzer import RecognizerResult

from ..checksums import digits_only
from ..rows import cell_separator, row_value
from .base import Rule, RuleRecognizer, accept

__all__ = ["EmailRecognizer", "FrPhoneRecognizer", "IpRecognizer"]

_EMAIL = re.compile(
    r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
)


# Written to dodge scrapers: "jean [at] acme [dot] fr", "jean(at)acme.fr",
# "jean @ acme.fr", "jean{at}acme.fr", "jean [@] acme.fr". The domain needs a
# dot (or "[dot]") and a TLD; " at " alone is English, so it needs " dot " too.
_AT = r"(?:\s*(?:\[at\]|\(at\)|\{at\}|\[@\]|\(@\)|@)\s*)"
_DOT = r"(?:\.|\s*(?:\[dot\]|\(dot\)|\{dot\}|\[\.\]|\(\.\))\s*)"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL_OBFUSCATED = re.compile(
    rf"(?<![\w.%+-])[\w%+-]+(?:(?i:{_DOT})[\w%+-]+)*(?i:{_AT}){_LABEL}(?:(?i:{_DOT}){_LABEL})*(?i:{_DOT})[A-Za-z]{{2,24}}"
    r"(?![\w-])"
)
_EMAIL_WORDS = re.compile(
    rf"(?<![\w.%+-])[\w.%+-]+ (?i:at) {_LABEL}(?: (?i:dot) {_LABEL})* (?i:dot) [A-Za-z]{{2,24}}"
    r"(?![\w-])"
)


def _obfuscated_validate(value: str) -> tuple[int, float] | None:
    # A plain address is the plain rule's; this one adds the spelled-out forms.
    return len(value), 0.9


class EmailRecognizer(RuleRecognizer):
    """E-mail addresses; the TLD is checked by shape, never via tldextract.

    Presidio's EmailRecognizer calls tldextract, which downloads the public
    suffix list on first use and hangs without network.
    """

    def __init__(self) -> None:
        super().__init__(
            "EMAIL_ADDRESS",
            "EmailRecognizer",
            [
                Rule("email", _EMAIL, accept(0.95), score=0.95),
                Rule("email_obfuscated", _EMAIL_OBFUSCATED, _obfuscated_validate, score=0.9),
                Rule("email_words", _EMAIL_WORDS, accept(0.8), score=0.8),
            ],
            context=["mail", "e-mail", "courriel", "adresse électronique", "email"],
            context_boost=0.05,
        )


# Digits or dots next to the number mean it belongs to something longer (an
# IP address, a version, an amount): no phone there.
# A comma after a word is a CSV separator ("Dupont,0612345678"), not a decimal.
# The check looks behind the number's first character, which each pattern
# names first: a pattern opening with a character set lets ``re`` skip ahead
# to the next candidate instead of trying the look-behinds at every position
# (about 10x faster on a 200-character prompt, measured for issue 15).
_P_AFTER_FIRST = r"(?:(?<![\w+.,/-].)(?<!\d .)|(?<=[^\d\s],.))"
_P_END = r"(?![\w/]|[.,-]?\d)"
_FR_NATIONAL = re.compile(
    "0" + _P_AFTER_FIRST + r"[1-9](?P<sep>[ ./-]?)\d{2}(?:(?P=sep)\d{2}){3}" + _P_END
)
# Ten digits grouped another way, with one separator kind throughout:
# "0 6 7 2 1 8 4 4 0 9", "0612 345 678", "0262 41 88 09", "06 712 345 67".
_FR_LOOSE = re.compile(
    "0"
    + _P_AFTER_FIRST
    + r"\d{0,3}(?P<sep>[ ./-])\d{1,4}(?:(?P=sep)\d{1,4}){1,8}"
    + r"(?![\w/]|[.,-]?\d|\s\d)"
)


def _loose_validate(value: str) -> tuple[int, float] | None:
    digits = digits_only(value)
    if len(digits) != 10 or digits[1] == "0" or _FR_NATIONAL.fullmatch(value):
        return None  # the usual grouping is phone_fr's
    return len(value), 0.6


# Between the groups of an international number: a space, a dot, a dash, a slash, or a dot
# of another kind (middle dot, bullet, hyphenation point, bullet and dot operators,
# katakana middle dot: « +33 (0)6·48·21·77·03 »); the trunk « (0) » may stand after 33.
_DOTS = "\u00b7\u2022\u2027\u2219\u22c5\u30fb"
_INTL_SEP = rf"[ ./\-{_DOTS}]"
_FR_INTL = re.compile(
    r"[(+0](?<![\w+.,/-].)(?:(?<=\()\+33\)|(?<=\+) ?33|(?<=0)0 ?33)"
    rf"{_INTL_SEP}?(?:\(0\){_INTL_SEP}?)?[1-9](?:{_INTL_SEP}?\d{{2}}){{4}}" + _P_END
)
_E164 = re.compile(
    r"[+0]" + _P_AFTER_FIRST + r"(?:(?<=\+)|0)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}" + _P_END
)
_US = re.compile(r"\((?<![\w(]\()\d{3}\) ?\d{3}[ .-]\d{4}" + _P_END)
# Without brackets (« 415.555.0132 », « 212-555-0147 ») or in the UK's
# national spelling (« 020 7946 0321 », « 07700 900461 »), a number is a
# reference as often as a phone: only a phone word nearby lifts it over
# the threshold.
_NATIONAL_ABROAD = re.compile(
    "[02-9]"
    + _P_AFTER_FIRST
    + r"(?:(?<=[2-9])\d{2}(?P<sep>[.-])[2-9]\d{2}(?P=sep)\d{4}"
    + r"|(?<=0)(?:\d{2} \d{4} \d{4}|\d{3} \d{3} \d{4}|7\d{3} \d{6}))"
    + _P_END
)


# Ten digits by pairs parted by what a table, a form or a mail puts between them: a tab or
# a semicolon (cells), an underscore, a middle dot, a bullet, an en or em dash, a line
# break inside spaced pairs (a wrapped line); « +33 » or « 0033 » then the nine digits.
_PARTING = rf"(?:[ ]?[\t;|,_{_DOTS}\u2013\u2014][ ]?|[ ]?\r?\n[ ]?|\\t| )"
_FR_PARTED = re.compile(
    r"[+0](?<![\w+].)(?<!\d..)(?<!\d...)"
    rf"(?:(?<=\+)33{_PARTING}[1-9]|(?<=0)033{_PARTING}[1-9]|(?<=0)[1-9])"
    rf"(?:{_PARTING}\d\d(?!\d)){{4,}}(?![^\W_])"
)
_PAIR = re.compile(r"\d\d?")
# Cells parted like this hold figures as often as phones: a phone word lifts them, or the
# row they stand in (rows.py: a record's value, not figures of their own columns).
_CELL_PARTS = frozenset("\t;,|")
_CELLS_SCORE = 0.4


def _parted_validate(value: str) -> tuple[int, float] | None:
    """Ten digits (four pairs after the first), one kind of parting throughout, or spaces
    and one line break; not the spaces alone (phone_fr's)."""
    pairs = _PAIR.findall(value.removeprefix("+").removeprefix("00").removeprefix("33"))
    gaps = [g.strip(" ") or " " for g in re.split(r"\+?\d+", value)[1:-1]]
    gaps = ["\t" if g == "\\t" else g.replace("\r", "") for g in gaps]
    if len(pairs) != 5:  # more: a row of figures
        return None
    kinds = set(gaps)
    wrapped = kinds == {" ", "\n"} and gaps.count("\n") == 1
    if not wrapped and (len(kinds) != 1 or kinds == {" "}):
        return None
    cells = not wrapped and kinds <= _CELL_PARTS and value[0] == "0" and value[:2] != "00"
    return len(value), _CELLS_SCORE if cells else 0.75


def _e164_validate(value: str) -> tuple[int, float] | None:
    digits = digits_only(value)
    return (len(value), 0.6) if 8 <= len(digits) <= 15 else None


class FrPhoneRecognizer(RuleRecognizer):
    """French numbers in every usual spelling, plus international E.164.

    One regex per format instead of Presidio's PhoneRecognizer (a
    ``phonenumbers`` scan over eight regions, and FR scored 0.4 without context).
    """

    def __init__(self) -> None:
        super().__init__(
            "PHONE_NUMBER",
            "FrPhoneRecognizer",
            [
                Rule("phone_fr", _FR_NATIONAL, accept(0.75), score=0.75),
                Rule("phone_fr_loose", _FR_LOOSE, _loose_validate, score=0.6),
                Rule("phone_fr_parted", _FR_PARTED, _parted_validate, score=0.75),
                Rule("phone_fr_intl", _FR_INTL, accept(0.85), score=0.85),
                Rule("phone_e164", _E164, _e164_validate, score=0.6),
                Rule("phone_us", _US, accept(0.55), score=0.55),
                Rule("phone_abroad", _NATIONAL_ABROAD, accept(0.35), score=0.35),
            ],
            context=[
                "tel",
                "tél",
                "téléphone",
                "telephone",
                "portable",
                "mobile",
                "fixe",
                "fax",
                "joindre",
                "appeler",
                "rappeler",
                "standard",
                "ligne",
                "numéro",
                "numero",
                "phone",
                "call",
                "cell",
                "whatsapp",
                "office",
            ],
            context_boost=0.2,
        )

    def enhance_using_context(
        self,
        text: str,
        raw_recognizer_results: list[RecognizerResult],
        other_raw_recognizer_results: list[RecognizerResult],
        nlp_artifacts: Any,
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        """A phone word nearby (as every rule recognizer); pairs in cells also by their
        row: one value of a record, not five figures (rows.py)."""
        for result in raw_recognizer_results:
            if result.score == _CELLS_SCORE:
                value = text[result.start:result.end]
                sep = cell_separator(value)
                if sep is not None and row_value(text, result.start, result.end, sep):
                    result.score = 0.75
        return super().enhance_using_context(
            text, raw_recognizer_results, other_raw_recognizer_results, nlp_artifacts, context)


def _ipv4_validate(value: str) -> tuple[int, float] | None:
    address = value.split("/", 1)[0]
    try:
        ipaddress.IPv4Address(address)
    except ValueError:
        return None
    return len(value), 0.85


def _ipv6_validate(value: str) -> tuple[int, float] | None:
    address = value.split("/", 1)[0]
    if sum(ch in "0123456789abcdefABCDEF" for ch in address) < 2:
        return None
    try:
        ipaddress.IPv6Address(address)
    except ValueError:
        return None
    return len(value), 0.9


_IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w]|\.\d)")
_IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
    r"(?:/\d{1,3})?(?![\w:])"
)


class IpRecognizer(RuleRecognizer):
    """IPv4 (strict octets) and IPv6 (validated with ``ipaddress``), optional /prefix."""

    def __init__(self) -> None:
        super().__init__(
            "IP_ADDRESS",
            "IpRecognizer",
            [
                Rule("ipv4", _IPV4, _ipv4_validate, score=0.85),
                Rule("ipv6", _IPV6, _ipv6_validate, score=0.9),
            ],
            context=["ip", "adresse ip", "serveur", "server", "host", "connexion", "vpn"],
            context_boost=0.1,
        )

"""Checksum-validated identifiers: IBAN, payment card, NIR, SIREN, SIRET, FR VAT."""

from __future__ import annotations

import re

from ..checksums import (
    IBAN_LENGTHS,
    digits_only,
    fr_vat_valid,
    iban_valid,
    luhn_valid,
    nir_valid,
    siren_valid,
    siret_valid,
)
from .base import PatternRule, RegexRecognizer

__all__ = [
    "credit_card_recognizer",
    "fr_vat_recognizer",
    "iban_recognizer",
    "nir_recognizer",
    "siren_siret_recognizer",
]

# Digits glued to letters/other digits are part of something else (a ref, a
# longer number). Amount suffixes rule out "125 000 000 €" as a SIREN.
_NUM_START = r"(?<![\w.,/-])(?<!\d )"
_NUM_END = r"(?![\w/-]|[.,]\d| ?\d|\s?(?:€|EUR|euros?|\$|USD|k€|M€|%))"


def _iban_validate(value: str) -> tuple[int, float] | None:
    """Accept the longest prefix (at separator boundaries) that is a valid IBAN."""
    compact_len = 0
    cut_points: list[tuple[int, int]] = []  # (raw length, compact length)
    for index, char in enumerate(value):
        if char.isalnum():
            compact_len += 1
            cut_points.append((index + 1, compact_len))
    expected = IBAN_LENGTHS.get(value[:2].upper())
    for raw_len, clen in reversed(cut_points):
        if clen < 15 or (expected is not None and clen != expected):
            continue
        if iban_valid(value[:raw_len]):
            return raw_len, 1.0
    return None


def iban_recognizer() -> RegexRecognizer:
    """IBAN of any country, mod-97 validated, spaced by 4 or compact."""
    regex = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]){11,30}(?![\w])", re.IGNORECASE)
    return RegexRecognizer(
        "iban",
        [PatternRule("IBAN_CODE", regex, _iban_validate, name="iban")],
        context_words=["iban", "rib", "virement", "bancaire", "compte", "bank", "account"],
    )


_CARD_LENGTHS = {13, 15, 16, 19}


def _card_validate(value: str) -> tuple[int, float] | None:
    """Luhn + issuer prefix; drop trailing groups a greedy match swallowed."""
    groups = re.split(r"([ -])", value)
    # groups alternates digits and separators: rebuild prefixes group by group.
    for last in range(len(groups) - 1, -1, -2):
        raw = "".join(groups[: last + 1])
        digits = digits_only(raw)
        if len(digits) not in _CARD_LENGTHS:
            continue
        issuer = digits[0] in "3456" or digits[:2] in {"22", "23", "24", "25", "26", "27"}
        if issuer and luhn_valid(digits):
            return len(raw), 0.95
    return None


def credit_card_recognizer() -> RegexRecognizer:
    """Payment card numbers (Visa, Mastercard, Amex, CB...), Luhn validated."""
    regex = re.compile(r"(?<![\w.,-])\d(?:[ -]?\d){12,18}(?![\w])")
    return RegexRecognizer(
        "credit_card",
        [PatternRule("CREDIT_CARD", regex, _card_validate, name="credit_card")],
        context_words=["carte", "cb", "visa", "mastercard", "amex", "card", "credit", "paiement"],
    )


def _nir_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 1.0) if nir_valid(value) else None


def nir_recognizer() -> RegexRecognizer:
    """French social security number: sex, YY, MM, dept (2A/2B), commune, order, key."""
    regex = re.compile(
        _NUM_START
        + r"[12] ?\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\d) ?(?:\d{2}|2[AB]) ?\d{3} ?\d{3} ?\d{2}"
        + _NUM_END,
        re.IGNORECASE,
    )
    return RegexRecognizer(
        "fr_nir",
        [PatternRule("FR_NIR", regex, _nir_validate, name="fr_nir")],
        context_words=["sécurité sociale", "securite sociale", "nir", "insee", "sécu", "ssn"],
    )


def _siren_validate(value: str) -> tuple[int, float] | None:
    if not siren_valid(value):
        return None
    # Grouped "123 456 789" is the usual way a SIREN is written; a bare
    # 9-digit number is weaker evidence (Luhn passes 1 time in 10).
    return len(value), 0.6 if " " in value else 0.5


def _siret_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 0.85) if siret_valid(value) else None


def siren_siret_recognizer() -> RegexRecognizer:
    """SIREN (9 digits) and SIRET (14 digits), Luhn validated."""
    siren = re.compile(_NUM_START + r"\d{3}[ .]?\d{3}[ .]?\d{3}" + _NUM_END)
    siret = re.compile(_NUM_START + r"\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}" + _NUM_END)
    return RegexRecognizer(
        "fr_siren_siret",
        [
            PatternRule("FR_SIREN", siren, _siren_validate, name="fr_siren"),
            PatternRule("FR_SIRET", siret, _siret_validate, name="fr_siret"),
        ],
        context_words=[
            "siren",
            "siret",
            "rcs",
            "entreprise",
            "société",
            "societe",
            "immatriculation",
        ],
        context_boost=0.4,
    )


def _vat_validate(value: str) -> tuple[int, float] | None:
    if not fr_vat_valid(value):
        return None
    compact = "".join(value.split())
    return len(value), 1.0 if compact[2:4].isdigit() else 0.6


def fr_vat_recognizer() -> RegexRecognizer:
    """French intra-community VAT number: FR + 2-char key + SIREN."""
    regex = re.compile(
        r"(?<![\w])FR ?[0-9A-HJ-NP-Z]{2} ?\d{3} ?\d{3} ?\d{3}(?![\w])", re.IGNORECASE
    )
    return RegexRecognizer(
        "fr_vat",
        [PatternRule("FR_VAT", regex, _vat_validate, name="fr_vat")],
        context_words=["tva", "vat", "intracommunautaire", "intracom"],
    )

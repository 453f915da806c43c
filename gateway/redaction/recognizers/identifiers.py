"""Checksum-validated identifiers: payment card, NIR, SIREN, SIRET, FR VAT (IBAN: iban.py)."""

from __future__ import annotations

import re
from typing import Any

from presidio_analyzer import RecognizerResult

from ..card_place import card_in_place
from ..checksums import (
    digits_only,
    fr_vat_valid,
    luhn_valid,
    nir_valid,
    siren_valid,
    siret_valid,
)
from ..spread import (
    CARD_SPREAD,
    DIGITWISE,
    FIGURES,
    NIR_SPREAD,
    card_spread_validate,
    digitwise_validate,
    figures_validate,
    nir_spread_validate,
)
from .base import Rule, RuleRecognizer, Validator
from .iban import IbanRecognizer

__all__ = [
    "CreditCardRecognizer",
    "FrNirRecognizer",
    "FrSirenRecognizer",
    "FrSiretRecognizer",
    "FrVatRecognizer",
    "IbanRecognizer",
]

# Digits glued to letters/other digits are part of something else (a ref, a
# longer number). Amount suffixes rule out "125 000 000 €" as a SIREN.
_NUM_START = r"(?<![\w.,/-])(?<!\d )"
_NUM_END = r"(?![\w/-]|[.,]\d| ?\d|\s?(?:€|EUR|euros?|\$|USD|k€|M€|%))"


_CARD_LENGTHS = {13, 14, 15, 16, 19}


def _card_validate(value: str) -> tuple[int, int, float] | None:
    """Luhn + issuer prefix on the longest run of whole groups that is a card.

    A greedy match swallows digits around the number: trailing groups (an
    expiry, a quantity) and leading ones ("le 12/11 4970 ...", "2 x 4970...").
    """
    groups = re.split(r"([ .\-\u00a0\u202f]+)", value)
    # groups alternates digits and separators: try runs of whole groups.
    starts = [sum(len(g) for g in groups[:i]) for i in range(0, len(groups), 2)]
    best: tuple[int, int, float] | None = None
    for first_index, first in enumerate(range(0, len(groups), 2)):
        for last in range(len(groups) - 1, first - 1, -2):
            raw = "".join(groups[first : last + 1])
            digits = digits_only(raw)
            if len(digits) not in _CARD_LENGTHS:
                continue
            if _issuer(digits) and luhn_valid(digits) and (best is None or len(raw) > best[1]):
                # A 14-digit Diners number reads like a SIRET (Luhn too): only
                # beside a card word, which lifts this score over the threshold.
                best = (starts[first_index], len(raw), 0.3 if len(digits) == 14 else 0.95)
    if best is None and _TYPO.fullmatch(value) and _sixteen_digit_issuer(value):
        # Sixteen digits grouped by four, one of them mistyped (« carte 4970
        # 3736 2804 2838 ») or one dropped or doubled in the last group: still
        # someone's card, but only beside a card word, which lifts this score
        # over the threshold.
        return 0, len(value), 0.3
    return best


_TYPO = re.compile(r"\d{4}(?:([ .-]?)\d{4})\1\d{4}\1\d{3,5}")


def _issuer(digits: str) -> bool:
    """The first digits a card of that length starts with (Visa, Mastercard, Amex, JCB…).

    A 13-digit number is a Visa or nothing: « 2730993242718 » in a NIR
    column is a NIR without its key, not a card.
    """
    if len(digits) == 13:
        return digits[0] == "4"
    if len(digits) == 14:  # Diners Club
        return digits[:2] in {"36", "38", "39"} or "300" <= digits[:3] <= "305"
    if len(digits) == 15:
        return digits[:2] in {"34", "37"}
    return _sixteen_digit_issuer(digits)


def _sixteen_digit_issuer(digits: str) -> bool:
    """Visa, Mastercard (51-55, 22-27), CB, Discover, JCB: how a 16-digit card starts."""
    return digits[0] in "456" or digits[:2] in {"22", "23", "24", "25", "26", "27", "35"}


def _digitwise(kind: str) -> Validator:
    """Accept a digit-at-a-time run that is an identifier of ``kind``."""

    def validate(value: str) -> tuple[int, float] | None:
        return (len(value), 1.0) if digitwise_validate(value) == kind else None

    return validate


def _figures(kind: str) -> Validator:
    """Accept a number written by thousands or in scientific notation that is an
    identifier of ``kind`` (spread.FIGURES)."""

    def validate(value: str) -> tuple[int, float] | None:
        return (len(value), 1.0) if figures_validate(value) == kind else None

    return validate


# Groups spaced, dashed, dotted (« 4973.0123.8845.1205 ») or doubly spaced.
_CARD = re.compile(r"(?<![\w.,-])\d(?:(?:[ .-]|  )?\d){12,18}(?![\w])")
# Digits in one run glued after a letter or an underscore (« CB_4970… »,
# « X4970… », a reference prefix or a stray key) or after a comma (a CSV
# row « 99120,3,4970… »: no decimal has thirteen digits after its comma).
_GLUED_CARD = re.compile(r"(?<=[^\W\d]|,)\d{13,19}(?!\w)")


class CreditCardRecognizer(RuleRecognizer):
    """Payment card numbers (Visa, Mastercard, Amex, CB...), Luhn validated."""

    def __init__(self) -> None:
        super().__init__(
            "CREDIT_CARD",
            "CreditCardRecognizer",
            [
                Rule("credit_card", _CARD, _card_validate, score=0.95),
                Rule("credit_card_glued", _GLUED_CARD, _card_validate, score=0.95),
                # Other separators, one digit at a time (spread.py).
                Rule("credit_card_spread", CARD_SPREAD, card_spread_validate, score=0.95),
                Rule("credit_card_digitwise", DIGITWISE, _digitwise("CREDIT_CARD"),
                     score=0.95),
                Rule("credit_card_figures", FIGURES, _figures("CREDIT_CARD"), score=0.95),
            ],
            context=["carte", "cb", "visa", "mastercard", "amex", "card", "credit", "paiement"],
        )

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: Any = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        """The rules' cards, less those in groups that stand among figures without a card
        word or a card above (a table's row of four 4-digit figures: card_place.py)."""
        found = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [r for r in found
                if _one_run(r) or card_in_place(text, r.start, r.end, below=True)]


def _one_run(result: RecognizerResult) -> bool:
    """A card in one group of digits, or one digit at a time: not judged by its place."""
    rule = (result.recognition_metadata or {}).get(RecognizerResult.RECOGNIZER_NAME_KEY)
    return rule in ("credit_card_glued", "credit_card_digitwise", "credit_card_figures")


def _nir_validate(value: str) -> tuple[int, float] | None:
    """A valid key is proof; a wrong key or none needs a label nearby.

    13 characters without the key, or 15 with a wrong one (a typo is still
    someone's NIR), score below the threshold: the context words ("NIR",
    "sécurité sociale", "n° SS"...) lift them over it. Grouped like a NIR
    ("1 84 03 75 112 045") is evidence enough without a label.
    """
    whole = value
    value = _FLOAT_TAIL.sub("", value)  # a JSON float: « 185057800608436.0 »
    compact = re.sub(r"(?i)cl[ée]|key|[ .\-–/():,]", "", value)
    if len(compact) == 15:
        if nir_valid(compact):
            return len(whole), 1.0
        apart = _KEY_APART.search(value)
        if apart is None:
            # A mistyped key, grouped the way a NIR is printed, is still one.
            return len(whole), 0.55 if _GROUPED.fullmatch(value) else 0.45
        value = whole = value[: apart.start()]  # « 045 - 12 rue … »: the dash opened something else
    return len(whole), 0.55 if _GROUPED.fullmatch(value) else 0.45


# Sex, year, month (01-12, or 20-42 / 50-99 when unknown), department (2A/2B
# for Corsica), commune, order, optional key; groups separated by nothing, a
# space, a dot, a dash or a slash. Forms often print the key apart: « 1 85 07
# 75 120 045 clé 24 », « ... (clé 24) ».
_SEP = r"[ .\-/]?"
_KEY_APART = re.compile(r"[ \t]+[-–/][ \t]*\d{2}$")
_FLOAT_TAIL = re.compile(r"\.0$")
# Printed like a NIR, one separator throughout: « 1 84 03 75 112 045 »,
# « 1.85.05.78.006.084.36 », « 185 05 78 006 084 36 », key or not.
_GROUPED = re.compile(
    r"[12](?:(?P<s>[ .-])\d{2}|\d{2}(?P<t>[ .-]))(?(s)(?P=s)|)\d{2}(?(s)(?P=s)|(?P=t))\w{2}"
    r"(?(s)(?P=s)|(?P=t))\d{3}(?(s)(?P=s)|(?P=t))\d{3}(?:(?(s)(?P=s)|(?P=t))\d{2})?"
)
_NIR = re.compile(
    _NUM_START
    + rf"[12]{_SEP}\d{{2}}{_SEP}(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d){_SEP}(?:\d{{2}}|2[AB])"
    + rf"{_SEP}\d{{3}}{_SEP}\d{{3}}"
    # The key spaced, after a dash (« 045 - 24 ») or named (« clé 24 »).
    + rf"(?:{_SEP}\d{{2}}|[ \t]+[-–/][ \t]*\d{{2}}"
    + r"|[ \t]*,?[ \t]*\(?(?:clé|cle|key)[ \t]*:?[ \t]*\d{2}\)?)?"
    # A JSON number written as a float by a spreadsheet export.
    + r"(?:\.0(?![\d.]))?"
    + _NUM_END,
    re.IGNORECASE,
)

# Inside a file name, an identifier or a URL ("fiche_185057800608491.pdf",
# "u185057800608491", "/dossiers/185057800608491.png") the boundaries above do
# not hold. There, only the 15 contiguous characters with a valid key count: the
# key is proof enough (1 chance in 97 for a random number of that shape).
_NIR_GLUED = re.compile(
    r"(?<!\d)[12]\d{2}(?:0[1-9]|1[0-2]|[2-4]\d|[5-9]\d)(?:\d{2}|2[AB])\d{8}(?:\.0)?(?!\d)",
    re.IGNORECASE,
)


def _nir_glued_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 1.0) if nir_valid(_FLOAT_TAIL.sub("", value)) else None


class FrNirRecognizer(RuleRecognizer):
    """French social security number: sex, YY, MM, dept (2A/2B), commune, order, key."""

    def __init__(self) -> None:
        super().__init__(
            "FR_NIR",
            "FrNirRecognizer",
            [
                Rule("fr_nir", _NIR, _nir_validate, score=1.0),
                Rule("fr_nir_glued", _NIR_GLUED, _nir_glued_validate, score=1.0),
                # Other separators, one digit at a time, the key valid (spread.py).
                Rule("fr_nir_spread", NIR_SPREAD, nir_spread_validate, score=1.0),
                Rule("fr_nir_digitwise", DIGITWISE, _digitwise("FR_NIR"), score=1.0),
                Rule("fr_nir_figures", FIGURES, _figures("FR_NIR"), score=1.0),
            ],
            context=[
                "sécurité sociale",
                "securite sociale",
                "nir",
                "insee",
                "sécu",
                "secu",
                "n° ss",
                "ss",
                "s.s.",
                "assuré social",
                "assure social",
                "immatriculation",
                "immatriculé",
                "immatriculée",
                "securite_sociale",
                "numero_securite_sociale",
                "num_securite_sociale",
                "num_ss",
                "num_secu",
                "numero_secu",
                "no_secu",
                "nss",
                "no ss",
                "numéro ss",
                "carte vitale",
                "social security",
                "ssn",
            ],
            context_boost=0.35,
            context_before=80,
        )


def _siren_validate(value: str) -> tuple[int, float] | None:
    if not siren_valid(value):
        return None
    # Grouped "123 456 789" is the usual way a SIREN is written; a bare
    # 9-digit number is weaker evidence (Luhn passes 1 time in 10).
    return len(value), 0.6 if " " in value else 0.5


def _siret_validate(value: str) -> tuple[int, float] | None:
    return (len(value), 0.85) if siret_valid(value) else None


_COMPANY_CONTEXT = (
    "siren",
    "siret",
    "rcs",
    "entreprise",
    "société",
    "societe",
    "immatriculation",
    "company",
    "registration",
)
_SIREN = re.compile(_NUM_START + r"\d{3}[ .]?\d{3}[ .]?\d{3}" + _NUM_END)
_SIRET = re.compile(_NUM_START + r"\d{3}[ .]?\d{3}[ .]?\d{3}[ .]?\d{5}" + _NUM_END)


class FrSirenRecognizer(RuleRecognizer):
    """SIREN (9 digits), Luhn validated; weak without context."""

    def __init__(self) -> None:
        super().__init__(
            "FR_SIREN",
            "FrSirenRecognizer",
            [Rule("fr_siren", _SIREN, _siren_validate, score=0.5)],
            context=_COMPANY_CONTEXT,
            context_boost=0.4,
        )


class FrSiretRecognizer(RuleRecognizer):
    """SIRET (SIREN + 5-digit establishment number), Luhn validated."""

    def __init__(self) -> None:
        super().__init__(
            "FR_SIRET",
            "FrSiretRecognizer",
            [Rule("fr_siret", _SIRET, _siret_validate, score=0.85)],
            context=_COMPANY_CONTEXT,
            context_boost=0.4,
        )


def _vat_validate(value: str) -> tuple[int, float] | None:
    if not fr_vat_valid(value):
        return None
    compact = "".join(value.split())
    return len(value), 1.0 if compact[2:4].isdigit() else 0.6


_VAT = re.compile(r"(?<![\w])FR ?[0-9A-HJ-NP-Z]{2} ?\d{3} ?\d{3} ?\d{3}(?![\w])", re.IGNORECASE)


class FrVatRecognizer(RuleRecognizer):
    """French intra-community VAT number: FR + 2-char key + SIREN."""

    def __init__(self) -> None:
        super().__init__(
            "FR_VAT",
            "FrVatRecognizer",
            [Rule("fr_vat", _VAT, _vat_validate, score=1.0)],
            context=["tva", "vat", "intracommunautaire", "intracom", "vat number"],
        )

"""Checksum helpers used to validate structured identifiers.

Validating a checksum is what lets a recognizer give a high score to a bare
number without context words: a random 9-digit string passes Luhn only one
time in ten, a random NIR key matches one time in 97.
"""

from __future__ import annotations

__all__ = [
    "digits_only",
    "fr_vat_key",
    "fr_vat_valid",
    "iban_valid",
    "luhn_valid",
    "nir_key",
    "nir_valid",
    "siren_valid",
    "siret_valid",
]

# Expected IBAN lengths for the countries we meet most; unknown countries are
# accepted on mod-97 alone when their length is plausible (15..34).
IBAN_LENGTHS: dict[str, int] = {
    "AD": 24,
    "AT": 20,
    "BE": 16,
    "BG": 22,
    "CH": 21,
    "CY": 28,
    "CZ": 24,
    "DE": 22,
    "DK": 18,
    "EE": 20,
    "ES": 24,
    "FI": 18,
    "FR": 27,
    "GB": 22,
    "GR": 27,
    "HR": 21,
    "HU": 28,
    "IE": 22,
    "IS": 26,
    "IT": 27,
    "LI": 21,
    "LT": 20,
    "LU": 20,
    "LV": 21,
    "MA": 28,
    "MC": 27,
    "MT": 31,
    "NL": 18,
    "NO": 15,
    "PL": 28,
    "PT": 25,
    "RO": 24,
    "SE": 24,
    "SI": 19,
    "SK": 24,
    "SM": 27,
    "TN": 24,
}

# La Poste's establishments share SIREN 356 000 000 and use a digit-sum rule
# for their SIRET instead of Luhn.
LA_POSTE_SIREN = "356000000"


def digits_only(value: str) -> str:
    """Return the ASCII digits of ``value`` (separators removed)."""
    return "".join(ch for ch in value if "0" <= ch <= "9")


def luhn_valid(number: str) -> bool:
    """Return True if the digit string passes the Luhn (mod 10) check."""
    if not number or not number.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = ord(char) - 48
        if index % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def iban_valid(value: str) -> bool:
    """Return True if ``value`` (spaces allowed) is an IBAN with a valid mod-97 key."""
    compact = "".join(value.split()).replace("-", "").upper()
    if len(compact) < 15 or len(compact) > 34 or not compact.isalnum():
        return False
    country = compact[:2]
    if not country.isalpha() or not compact[2:4].isdigit():
        return False
    expected = IBAN_LENGTHS.get(country)
    if expected is not None and len(compact) != expected:
        return False
    rearranged = compact[4:] + compact[:4]
    numeric = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(numeric) % 97 == 1


def _nir_numeric(body: str) -> int | None:
    """Map the 13-character NIR body to an int (Corsica 2A -> 19, 2B -> 18)."""
    upper = body.upper()
    if upper[5:7] == "2A":
        return int(upper[:5] + "19" + upper[7:]) if (upper[:5] + upper[7:]).isdigit() else None
    if upper[5:7] == "2B":
        return int(upper[:5] + "18" + upper[7:]) if (upper[:5] + upper[7:]).isdigit() else None
    return int(upper) if upper.isdigit() else None


def nir_key(body: str) -> int | None:
    """Return the 2-digit key of a 13-character NIR body, or None if malformed."""
    if len(body) != 13:
        return None
    numeric = _nir_numeric(body)
    if numeric is None:
        return None
    return 97 - (numeric % 97)


def nir_valid(value: str) -> bool:
    """Return True for a French NIR (15 chars, spaces allowed) with a correct key."""
    compact = "".join(value.split()).upper()
    if len(compact) != 15 or compact[0] not in "12" or not compact[13:].isdigit():
        return False
    key = nir_key(compact[:13])
    return key is not None and key == int(compact[13:])


def siren_valid(value: str) -> bool:
    """Return True for a 9-digit SIREN passing Luhn."""
    digits = digits_only(value)
    return len(digits) == 9 and luhn_valid(digits)


def siret_valid(value: str) -> bool:
    """Return True for a 14-digit SIRET (Luhn, or digit sum mod 5 for La Poste)."""
    digits = digits_only(value)
    if len(digits) != 14:
        return False
    if digits.startswith(LA_POSTE_SIREN):
        return sum(int(ch) for ch in digits) % 5 == 0
    return luhn_valid(digits)


def fr_vat_key(siren: str) -> int:
    """Return the numeric key of the French VAT number built on ``siren``."""
    return (12 + 3 * (int(siren) % 97)) % 97


def fr_vat_valid(value: str) -> bool:
    """Return True for 'FRkk' + SIREN with a correct numeric key (spaces allowed)."""
    compact = "".join(value.split()).upper()
    if len(compact) != 13 or not compact.startswith("FR"):
        return False
    key, siren = compact[2:4], compact[4:]
    if not siren.isdigit():
        return False
    if key.isdigit():
        return int(key) == fr_vat_key(siren)
    # Alphanumeric keys (newer companies) cannot be verified offline; the
    # recognizer scores them lower instead of rejecting them.
    return key.isalnum()

"""Checksum helpers: valid and invalid examples."""

from __future__ import annotations

import pytest

from gateway.redaction.checksums import (
    fr_vat_key,
    fr_vat_valid,
    iban_valid,
    luhn_valid,
    nir_key,
    nir_valid,
    siren_valid,
    siret_valid,
)


def test_luhn() -> None:
    assert luhn_valid("4970101234567893")
    assert not luhn_valid("4970101234567890")
    assert not luhn_valid("")
    assert not luhn_valid("12a4")


@pytest.mark.parametrize(
    "value",
    ["FR76 3000 6000 0112 3456 7890 189", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32"],
)
def test_iban_valid(value: str) -> None:
    assert iban_valid(value)


@pytest.mark.parametrize(
    "value", ["FR76 3000 6000 0112 3456 7890 188", "FR76300060000112345678901", "XX00"]
)
def test_iban_invalid(value: str) -> None:
    assert not iban_valid(value)


def test_nir_key_and_corsica() -> None:
    assert nir_key("1850578006084") == 91
    assert nir_valid("1 85 05 78 006 084 91")
    assert not nir_valid("1 85 05 78 006 084 92")
    # Corsica: 2A counts as 19, 2B as 18 for the key.
    assert nir_key("185112A004123") == 97 - (1851119004123 % 97)
    assert nir_valid("185112A00412355")
    assert nir_valid("185112B004123" + f"{97 - (1851118004123 % 97):02d}")
    assert not nir_valid("385057800608491")  # first digit must be 1 or 2


def test_siren_siret_vat() -> None:
    assert siren_valid("732 829 320")
    assert not siren_valid("732 829 321")
    assert siret_valid("73282932000074")
    assert not siret_valid("73282932000075")
    # La Poste: SIREN 356000000, digit sum mod 5 instead of Luhn.
    assert siret_valid("35600000049837")
    assert not siret_valid("35600000049838")
    assert fr_vat_key("732829320") == 44
    assert fr_vat_valid("FR44 732829320")
    assert not fr_vat_valid("FR45732829320")

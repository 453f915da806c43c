"""E-mail addresses, phone numbers and IP addresses (all offline, regex based)."""

from __future__ import annotations

import ipaddress
import re

from ..checksums import digits_only
from .base import PatternRule, RegexRecognizer, accept

__all__ = ["email_recognizer", "ip_recognizer", "phone_recognizer"]


def email_recognizer() -> RegexRecognizer:
    """E-mail addresses; the TLD is checked by shape, never via tldextract.

    presidio's EmailRecognizer calls tldextract, which downloads the public
    suffix list on first use and hangs without network.
    """
    regex = re.compile(
        r"(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
        r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?![\w-])"
    )
    return RegexRecognizer(
        "email", [PatternRule("EMAIL_ADDRESS", regex, accept(0.95), name="email")]
    )


# Digits or dots next to the number mean it belongs to something longer (an
# IP address, a version, an amount): no phone there.
_P_START = r"(?<![\w+.,/-])(?<!\d )"
_P_END = r"(?![\w/]|[.,-]?\d)"


def _e164_validate(value: str) -> tuple[int, float] | None:
    digits = digits_only(value)
    return (len(value), 0.6) if 8 <= len(digits) <= 15 else None


def phone_recognizer() -> RegexRecognizer:
    """French numbers in every usual spelling, plus international E.164.

    One regex per format instead of presidio's phonenumbers scan over eight
    regions: this is the main reason the recognizer is cheap.
    """
    fr_national = re.compile(_P_START + r"0[1-9](?P<sep>[ .-]?)\d{2}(?:(?P=sep)\d{2}){3}" + _P_END)
    fr_intl = re.compile(_P_START + r"(?:\+|00) ?33 ?(?:\(0\) ?)?[1-9](?:[ .-]?\d{2}){4}" + _P_END)
    e164 = re.compile(_P_START + r"(?:\+|00)[1-9]\d{0,2}(?:[ .-]?\(?\d{1,4}\)?){2,6}" + _P_END)
    us = re.compile(r"(?<![\w(])\(\d{3}\) ?\d{3}[ .-]\d{4}" + _P_END)
    return RegexRecognizer(
        "phone",
        [
            PatternRule("PHONE_NUMBER", fr_national, accept(0.75), name="phone_fr"),
            PatternRule("PHONE_NUMBER", fr_intl, accept(0.85), name="phone_fr_intl"),
            PatternRule("PHONE_NUMBER", e164, _e164_validate, name="phone_e164"),
            PatternRule("PHONE_NUMBER", us, accept(0.55), name="phone_us"),
        ],
        context_words=[
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
            "phone",
            "call",
            "cell",
            "whatsapp",
            "numéro",
            "numero",
        ],
        context_boost=0.2,
    )


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


def ip_recognizer() -> RegexRecognizer:
    """IPv4 (strict octets) and IPv6 (validated with ``ipaddress``), optional /prefix."""
    ipv4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?![\w]|\.\d)")
    ipv6 = re.compile(
        r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?"
        r"(?:/\d{1,3})?(?![\w:])"
    )
    return RegexRecognizer(
        "ip",
        [
            PatternRule("IP_ADDRESS", ipv4, _ipv4_validate, name="ipv4"),
            PatternRule("IP_ADDRESS", ipv6, _ipv6_validate, name="ipv6"),
        ],
        context_words=["ip", "adresse ip", "serveur", "server", "host", "connexion", "vpn"],
        context_boost=0.1,
    )

"""Recognizer registry: builds the pattern recognizers for a set of entity types."""

from __future__ import annotations

from collections.abc import Callable, Collection

from .address import address_recognizer
from .base import PatternRule, Recognizer, RegexRecognizer
from .contact import email_recognizer, ip_recognizer, phone_recognizer
from .identifiers import (
    credit_card_recognizer,
    fr_vat_recognizer,
    iban_recognizer,
    nir_recognizer,
    siren_siret_recognizer,
)
from .person import PersonRuleRecognizer, filter_ner_entities
from .secrets import secret_recognizer

__all__ = [
    "PatternRule",
    "PersonRuleRecognizer",
    "Recognizer",
    "RegexRecognizer",
    "build_recognizers",
    "filter_ner_entities",
]

_FACTORIES: tuple[Callable[[], Recognizer], ...] = (
    email_recognizer,
    phone_recognizer,
    ip_recognizer,
    iban_recognizer,
    credit_card_recognizer,
    nir_recognizer,
    siren_siret_recognizer,
    fr_vat_recognizer,
    address_recognizer,
    secret_recognizer,
    PersonRuleRecognizer,
)


def build_recognizers(entities: Collection[str]) -> list[Recognizer]:
    """Instantiate every non-NER recognizer producing at least one wanted type."""
    wanted = set(entities)
    return [r for r in (f() for f in _FACTORIES) if wanted.intersection(r.entity_types)]

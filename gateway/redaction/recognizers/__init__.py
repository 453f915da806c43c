"""Our Presidio recognizers and the registry built from them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from presidio_analyzer import EntityRecognizer, RecognizerRegistry

from .address import FrAddressRecognizer
from .base import Rule, RuleRecognizer, accept
from .contact import EmailRecognizer, FrPhoneRecognizer, IpRecognizer
from .identifiers import (
    CreditCardRecognizer,
    FrNirRecognizer,
    FrSirenRecognizer,
    FrSiretRecognizer,
    FrVatRecognizer,
    IbanRecognizer,
)
from .person import PersonRuleRecognizer
from .person_context import PersonContextRecognizer
from .person_ner import FrNerRecognizer, filter_ner_entities
from .secrets import SecretRecognizer

__all__ = [
    "LANGUAGE",
    "CreditCardRecognizer",
    "EmailRecognizer",
    "FrAddressRecognizer",
    "FrNerRecognizer",
    "FrNirRecognizer",
    "FrPhoneRecognizer",
    "FrSirenRecognizer",
    "FrSiretRecognizer",
    "FrVatRecognizer",
    "IbanRecognizer",
    "IpRecognizer",
    "PersonContextRecognizer",
    "PersonRuleRecognizer",
    "Rule",
    "RuleRecognizer",
    "SecretRecognizer",
    "accept",
    "build_registry",
    "filter_ner_entities",
]

# Prompts are analysed as French; the context words of every recognizer are
# French and English, which covers the English prompts French staff write.
LANGUAGE = "fr"

_FACTORIES: tuple[Callable[[], EntityRecognizer], ...] = (
    EmailRecognizer,
    FrPhoneRecognizer,
    IpRecognizer,
    IbanRecognizer,
    CreditCardRecognizer,
    FrNirRecognizer,
    FrSirenRecognizer,
    FrSiretRecognizer,
    FrVatRecognizer,
    FrAddressRecognizer,
    SecretRecognizer,
    PersonRuleRecognizer,
    PersonContextRecognizer,
)


def build_registry(
    entities: Collection[str], extra: Iterable[EntityRecognizer] = ()
) -> RecognizerRegistry:
    """A Presidio registry with only the recognizers producing a wanted type.

    None of Presidio's predefined recognizers is loaded: its EmailRecognizer
    downloads the public suffix list, its PhoneRecognizer scans eight regions,
    and the rest are for other countries. ``extra`` recognizers (from the
    configuration) are added as they are.
    """
    wanted = set(entities)
    recognizers: list[EntityRecognizer] = [
        r for r in (f() for f in _FACTORIES) if wanted.intersection(r.supported_entities)
    ]
    ner = wanted & {"PERSON", "LOCATION"}
    if ner:
        recognizers.append(FrNerRecognizer(ner))
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for recognizer in [*recognizers, *extra]:
        registry.add_recognizer(recognizer)
    return registry

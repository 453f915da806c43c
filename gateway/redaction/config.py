"""Configuration of the redaction service and of per-entity actions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from .errors import RedactionError

__all__ = ["ALL_ENTITIES", "DEFAULT_ENTITIES", "Action", "RedactionConfig"]


class Action(StrEnum):
    """What to do with a detected value.

    ``pseudonymize``: replace by ``<TYPE_n>``, restorable in the answer.
    ``mask``: replace by ``<TYPE>``, irreversible.
    ``block``: the request must be refused (the text is also masked).
    """

    PSEUDONYMIZE = "pseudonymize"
    MASK = "mask"
    BLOCK = "block"


ALL_ENTITIES: frozenset[str] = frozenset(
    {
        "PERSON",
        "EMAIL_ADDRESS",
        "PHONE_NUMBER",
        "IBAN_CODE",
        "CREDIT_CARD",
        "FR_NIR",
        "FR_SIREN",
        "FR_SIRET",
        "FR_VAT",
        "ADDRESS",
        "LOCATION",
        "IP_ADDRESS",
        "SECRET",
    }
)
# LOCATION (bare city/country names from NER) is noisy with the small French
# model and rarely personal on its own; street addresses are ADDRESS.
DEFAULT_ENTITIES: frozenset[str] = ALL_ENTITIES - {"LOCATION"}


def _default_actions() -> dict[str, Action]:
    return {"SECRET": Action.MASK}


@dataclass(frozen=True)
class RedactionConfig:
    """Settings for :class:`RedactionService` and :class:`Pseudonymizer`.

    ``thresholds`` overrides ``default_threshold`` per entity type;
    ``actions`` overrides ``default_action`` per entity type.
    ``recognizers`` adds Presidio recognizers (``EntityRecognizer``
    instances; ``from_mapping`` also takes ``PatternRecognizer.from_dict``
    dictionaries); their entity types are detected on top of ``entities``.
    """

    entities: frozenset[str] = DEFAULT_ENTITIES
    default_threshold: float = 0.5
    thresholds: Mapping[str, float] = field(default_factory=dict)
    default_action: Action = Action.PSEUDONYMIZE
    actions: Mapping[str, Action] = field(default_factory=_default_actions)
    spacy_model: str = "fr_core_news_sm"
    cache_size: int = 2048
    max_batch_texts: int = 64
    ner_chunk_chars: int = 20_000
    # NER only on the words around capitalised words that may be a name and
    # that no rule found already (see ``segments.py``); False runs it on
    # every text whole (slower, same recall on the eval sets).
    ner_sentence_filter: bool = True
    recognizers: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        unknown = set(self.entities) - ALL_ENTITIES
        if unknown:
            raise RedactionError(f"unknown entity types: {sorted(unknown)}")
        if self.recognizers:
            from presidio_analyzer import EntityRecognizer

            if not all(isinstance(r, EntityRecognizer) for r in self.recognizers):
                raise RedactionError("recognizers must be presidio EntityRecognizer instances")

    @property
    def detected_entities(self) -> frozenset[str]:
        """``entities`` plus the types of the added recognizers."""
        extra = {e for r in self.recognizers for e in r.supported_entities}
        return self.entities | extra

    def threshold(self, entity_type: str) -> float:
        """Minimum score for ``entity_type`` to be reported."""
        return self.thresholds.get(entity_type, self.default_threshold)

    def action(self, entity_type: str) -> Action:
        """Action applied to values of ``entity_type``."""
        return self.actions.get(entity_type, self.default_action)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> RedactionConfig:
        """Build from a plain mapping (e.g. loaded from YAML); unknown keys raise."""
        known = {f.name for f in fields(cls)}
        extra = set(data) - known
        if extra:
            raise RedactionError(f"unknown redaction settings: {sorted(extra)}")
        values = dict(data)
        if "entities" in values:
            values["entities"] = frozenset(values["entities"])
        if "default_action" in values:
            values["default_action"] = Action(values["default_action"])
        if "recognizers" in values:
            values["recognizers"] = tuple(_recognizer(r) for r in values["recognizers"])
        if "actions" in values:
            values["actions"] = {
                **_default_actions(),
                **{k: Action(v) for k, v in values["actions"].items()},
            }
        try:
            return cls(**values)
        except (TypeError, ValueError) as exc:
            raise RedactionError(f"invalid redaction settings: {exc}") from exc


def _recognizer(spec: Any) -> Any:
    """A recognizer instance, or one built from a PatternRecognizer dictionary."""
    if not isinstance(spec, Mapping):
        return spec
    from presidio_analyzer import PatternRecognizer

    try:
        return PatternRecognizer.from_dict({"supported_language": "fr", **spec})
    except (TypeError, ValueError) as exc:
        raise RedactionError(f"invalid recognizer {spec.get('name')!r}: {exc}") from exc

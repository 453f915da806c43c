"""Route targets: which catalogue model a ``route`` rule sends a request to.

Resolved once at load, per kind of request (chat, embedding), from what the catalogue
says of each model; the engine stays free of I/O and of the catalogue's own types (the
core hands a list of :class:`CatalogueModel`). A rule may name models in order of
preference (the first present wins) or describe its target (:class:`RouteSelector`),
which keeps the bundled policies valid for any company's catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from .schema import RouteSelector

KINDS = ("chat", "embedding")
_WHERE = {"eu": "dans l'UE", "us": "aux États-Unis", "on_prem": "en interne"}


@dataclass(frozen=True, slots=True)
class CatalogueModel:
    """What routing needs to know of one catalogue entry."""

    name: str
    kind: str = "chat"
    hosting: str = "us"
    provider: str = ""
    # Input + output price per million tokens, for ``prefer: cheapest``.
    price: float = 0.0


def kind_of(endpoint: str) -> str:
    """The kind of model an endpoint needs (``embeddings`` -> ``embedding``)."""
    return "embedding" if endpoint == "embeddings" else "chat"


def as_models(known: Collection[str | CatalogueModel]) -> list[CatalogueModel]:
    """Accept bare model names (tests, scripts) as chat models of unknown hosting."""
    return [m if isinstance(m, CatalogueModel) else CatalogueModel(m) for m in known]


def resolve(
    route_to: list[str] | RouteSelector, models: list[CatalogueModel] | None
) -> dict[str, str]:
    """Target per kind; a kind with no possible target is absent.

    Without a catalogue (``models is None``) named targets are taken unchecked, first
    one, for every kind; a selector cannot be resolved.
    """
    if isinstance(route_to, RouteSelector):
        if models is None:
            return {}
        return {
            kind: chosen for kind in KINDS
            if (chosen := _select(route_to, [m for m in models if m.kind == kind])) is not None
        }
    if models is None:
        return dict.fromkeys(KINDS, route_to[0]) if route_to else {}
    targets: dict[str, str] = {}
    for kind in KINDS:
        names = {m.name for m in models if m.kind == kind}
        chosen = next((name for name in route_to if name in names), None)
        if chosen is not None:
            targets[kind] = chosen
    return targets


def _select(selector: RouteSelector, models: Iterable[CatalogueModel]) -> str | None:
    providers = {p.lower() for p in selector.providers}
    eligible = [
        m for m in models
        if m.hosting in selector.hosting and (not providers or m.provider.lower() in providers)
    ]
    if not eligible:
        return None
    if selector.prefer == "cheapest":
        # min keeps the first of equals: catalogue order breaks ties.
        return min(eligible, key=lambda m: m.price).name
    return eligible[0].name


def describe(route_to: list[str] | RouteSelector) -> str:
    """The target as the policy writes it, for messages and warnings (French)."""
    if isinstance(route_to, RouteSelector):
        what = f"un modèle hébergé {' ou '.join(_WHERE[h] for h in route_to.hosting)}"
        if route_to.providers:
            what += f" chez {' ou '.join(route_to.providers)}"
        return what
    return " ou ".join(route_to)

"""The model catalogue: which names clients may ask for, and where each one goes.

Loaded once at start from ``GATEWAY_MODELS_FILE`` and validated strictly, so a typo in a
provider name or a price is reported with the file, the entry and the field instead of
surfacing as a failed request hours later.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from gateway.errors import ConfigError
from gateway.policies.targets import CatalogueModel

Provider = Literal[
    "openai", "azure", "anthropic", "mistral", "ollama", "openai_compatible", "echo"
]
Hosting = Literal["eu", "us", "on_prem"]
# OpenAI APIs besides chat that a model's server may answer itself.
NativeApi = Literal["responses", "completions"]
# Providers whose servers answer the Responses API: their entries pass it through unless
# the catalogue says otherwise (``native_apis: []``).
_RESPONSES_BY_DEFAULT = frozenset({"openai", "azure"})
# From the most to the least contained: a fallback may only go as far as its entry.
HOSTING_RANK: dict[str, int] = {"on_prem": 0, "eu": 1, "us": 2}


class Prices(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: float = Field(default=0.0, ge=0)
    output: float = Field(default=0.0, ge=0)


# The longest model name a request may carry (a 400 otherwise) and the log stores whole.
MODEL_NAME_MAX = 400


class ModelEntry(BaseModel):
    """One catalogue entry (the README's "Configuring real providers" shows the YAML shape)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    provider: Provider
    upstream_model: str | None = Field(default=None, max_length=MODEL_NAME_MAX)
    base_url: str | None = None
    api_key_env: str | None = None
    # Azure OpenAI only: the REST API version sent as ``api-version``.
    api_version: str | None = None
    hosting: Hosting = "us"
    price_per_mtok: Prices = Field(default_factory=Prices)
    kind: Literal["chat", "embedding"] = "chat"
    # Per-model upstream timeout override, in seconds.
    timeout: float | None = Field(default=None, gt=0)
    # Chat models tried, in order, when this one fails before answering (after retries).
    fallbacks: tuple[str, ...] = ()
    # APIs passed through untranslated (None: ``responses`` for OpenAI and Azure). Any other
    # model gets ``/v1/responses`` and ``/v1/completions`` translated to chat.
    native_apis: tuple[NativeApi, ...] | None = None

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/") if value else value

    @property
    def target_model(self) -> str:
        return self.upstream_model or self.name

    def serves(self, api: NativeApi) -> bool:
        """Whether this model's server answers ``api`` itself (else it is translated)."""
        if self.native_apis is None:
            return api == "responses" and self.provider in _RESPONSES_BY_DEFAULT
        return api in self.native_apis

    def cost(self, prompt_tokens: int | None, completion_tokens: int | None) -> float | None:
        """Cost of one call from its token usage, in the catalogue's currency."""
        if prompt_tokens is None and completion_tokens is None:
            return None
        prices = self.price_per_mtok
        total = (prompt_tokens or 0) * prices.input + (completion_tokens or 0) * prices.output
        return round(total / 1_000_000, 10)


class CatalogueFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    models: list[ModelEntry]


# The embedded test model behaves like an external (EU) provider, so the bundled policies
# pseudonymize what is sent to it and a newcomer sees redaction at work on the first try.
ECHO_MODEL = ModelEntry(name="echo", provider="echo", hosting="eu", kind="chat")
ECHO_EMBEDDING = ModelEntry(
    name="echo-embedding", provider="echo", hosting="eu", kind="embedding"
)


class Catalogue:
    """Catalogue entries by name, in file order."""

    def __init__(self, entries: list[ModelEntry]) -> None:
        self.entries = entries
        self._by_name = {entry.name: entry for entry in entries}

    def get(self, name: str) -> ModelEntry | None:
        return self._by_name.get(name)

    def names(self) -> list[str]:
        return [entry.name for entry in self.entries]

    def for_policies(self) -> list[CatalogueModel]:
        """What the policy engine needs of each entry to choose route targets."""
        return [
            CatalogueModel(
                name=entry.name, kind=entry.kind, hosting=entry.hosting,
                provider=entry.provider,
                price=entry.price_per_mtok.input + entry.price_per_mtok.output,
            )
            for entry in self.entries
        ]


def _describe(error: ValidationError, raw: object, path: Path) -> str:
    lines = [f"{path}: invalid model catalogue"]
    for item in error.errors():
        loc = list(item["loc"])
        where = "/".join(str(part) for part in loc)
        if len(loc) >= 2 and loc[0] == "models" and isinstance(loc[1], int):
            entries = raw.get("models") if isinstance(raw, dict) else None
            entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
            name = entry.get("name") if isinstance(entry, dict) else None
            field = ".".join(str(part) for part in loc[2:]) or "(entry)"
            where = f"entry {loc[1] + 1}" + (f" ({name})" if name else "") + f", field {field}"
        lines.append(f"  {where}: {item['msg']}")
    return "\n".join(lines)


def load_catalogue(path: Path | None) -> Catalogue:
    """Load and validate the catalogue; with no file, the local ``echo`` models only."""
    if path is None:
        return Catalogue([ECHO_MODEL, ECHO_EMBEDDING])
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the model catalogue ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from exc
    try:
        parsed = CatalogueFile.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, raw, path)) from exc
    seen: set[str] = set()
    for index, entry in enumerate(parsed.models, start=1):
        if entry.name in seen:
            raise ConfigError(f"{path}: entry {index} ({entry.name}): duplicate model name")
        seen.add(entry.name)
        if entry.provider in {"azure", "openai_compatible"} and not entry.base_url:
            raise ConfigError(
                f"{path}: entry {index} ({entry.name}), field base_url: required for "
                f"provider {entry.provider}"
            )
        if entry.native_apis and entry.provider in {"anthropic", "echo"}:
            raise ConfigError(
                f"{path}: entry {index} ({entry.name}), field native_apis: provider "
                f"{entry.provider} serves no OpenAI API (its requests are translated)"
            )
        if entry.provider == "azure" and not entry.api_version:
            raise ConfigError(
                f"{path}: entry {index} ({entry.name}), field api_version: required for azure"
            )
    _check_fallbacks(path, parsed.models)
    return Catalogue(parsed.models)


def _check_fallbacks(path: Path, entries: list[ModelEntry]) -> None:
    """A fallback is another chat model of the catalogue, hosted the same way or stricter.

    Stricter hosting (on_prem ⊂ eu ⊂ us) keeps a fallback from carrying a request further
    than the policies cleared it for; the request path checks the policies again.
    """
    by_name = {entry.name: entry for entry in entries}
    for index, entry in enumerate(entries, start=1):
        where = f"{path}: entry {index} ({entry.name}), field fallbacks"
        if entry.fallbacks and entry.kind != "chat":
            raise ConfigError(f"{where}: only chat models take fallbacks")
        for name in entry.fallbacks:
            target = by_name.get(name)
            if target is None:
                raise ConfigError(f"{where}: {name!r} is not a model of the catalogue")
            if name == entry.name:
                raise ConfigError(f"{where}: a model cannot be its own fallback")
            if target.kind != "chat":
                raise ConfigError(f"{where}: {name!r} is not a chat model")
            if HOSTING_RANK[target.hosting] > HOSTING_RANK[entry.hosting]:
                raise ConfigError(
                    f"{where}: {name!r} is hosted {target.hosting}, less contained than "
                    f"{entry.hosting}; a fallback must be hosted the same way or stricter "
                    "(on_prem, then eu, then us)"
                )

"""Builds one adapter per catalogue entry, once, at start."""

from __future__ import annotations

import logging

from gateway.catalogue import Catalogue, ModelEntry
from gateway.errors import ConfigError
from gateway.providers.anthropic import AnthropicAdapter
from gateway.providers.base import Adapter, HttpAdapter
from gateway.providers.echo import EchoAdapter
from gateway.providers.http import UpstreamClient
from gateway.providers.openai_compat import (
    AzureOpenAIAdapter,
    MistralAdapter,
    OllamaAdapter,
    OpenAIAdapter,
    OpenAICompatibleAdapter,
)
from gateway.settings import Settings, read_env_secret

logger = logging.getLogger(__name__)

_HTTP_ADAPTERS: dict[str, type[HttpAdapter]] = {
    "openai": OpenAIAdapter,
    "anthropic": AnthropicAdapter,
    "mistral": MistralAdapter,
    "azure": AzureOpenAIAdapter,
    "ollama": OllamaAdapter,
    "openai_compatible": OpenAICompatibleAdapter,
}


def build_adapter(entry: ModelEntry, client: UpstreamClient, settings: Settings) -> Adapter:
    if entry.provider == "echo":
        return EchoAdapter(entry)
    adapter_class = _HTTP_ADAPTERS.get(entry.provider)
    if adapter_class is None:
        raise ConfigError(
            f"model {entry.name}: provider {entry.provider!r} is not available in this version"
        )
    api_key = read_env_secret(entry.api_key_env) if entry.api_key_env else None
    if entry.api_key_env and api_key is None:
        logger.warning(
            "model %s: environment variable %s is not set; calls will fail until it is",
            entry.name, entry.api_key_env,
        )
    return adapter_class(entry, client, api_key, settings.upstream_total_timeout)


def build_adapters(
    catalogue: Catalogue, client: UpstreamClient, settings: Settings
) -> dict[str, Adapter]:
    return {entry.name: build_adapter(entry, client, settings) for entry in catalogue.entries}

"""Providers that speak the OpenAI API: OpenAI, Mistral, Azure OpenAI, Ollama, vLLM & co."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from gateway.providers.base import HttpAdapter


class OpenAICompatibleAdapter(HttpAdapter):
    """Any server speaking the OpenAI API under ``base_url`` (vLLM, LM Studio, LocalAI…)."""

    provider_name = "openai_compatible"
    default_base_url = ""
    # Whether the server understands ``stream_options.include_usage``.
    stream_usage_option = True

    @property
    def base_url(self) -> str:
        return self.entry.base_url or self.default_base_url

    def url(self, operation: str) -> str:
        return f"{self.base_url}/{operation}"

    def headers(self) -> dict[str, str]:
        return {"authorization": f"Bearer {self._api_key}"} if self._api_key else {}

    def prepare(self, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        out = super().prepare(body, stream=stream and self.stream_usage_option)
        if stream and not self.stream_usage_option:
            out.pop("stream_options", None)
        return out


class OpenAIAdapter(OpenAICompatibleAdapter):
    provider_name = "openai"
    default_base_url = "https://api.openai.com/v1"


class MistralAdapter(OpenAICompatibleAdapter):
    """Mistral's API: OpenAI-shaped; it sends usage in the last chunk unasked."""

    provider_name = "mistral"
    default_base_url = "https://api.mistral.ai/v1"
    stream_usage_option = False


class OllamaAdapter(OpenAICompatibleAdapter):
    """Ollama's OpenAI-compatible endpoint; a local server needs no key."""

    provider_name = "ollama"
    default_base_url = "http://127.0.0.1:11434/v1"


class AzureOpenAIAdapter(OpenAICompatibleAdapter):
    """Azure OpenAI: the deployment is in the URL, the key in ``api-key``."""

    provider_name = "azure"

    def url(self, operation: str) -> str:
        if operation == "responses":
            # Azure serves the Responses API on its v1 surface only: no deployment in the
            # path, no api-version; the deployment is the body's model.
            return f"{self.base_url}/openai/v1/responses"
        deployment = quote(self.entry.target_model, safe="")
        return (
            f"{self.base_url}/openai/deployments/{deployment}/{operation}"
            f"?api-version={quote(self.entry.api_version or '', safe='')}"
        )

    def headers(self) -> dict[str, str]:
        return {"api-key": self._api_key} if self._api_key else {}

    def prepare(self, body: dict[str, Any], *, stream: bool) -> dict[str, Any]:
        out = super().prepare(body, stream=stream)
        # The deployment chooses the model; Azure ignores or rejects a model field.
        out.pop("model", None)
        return out

"""Settings and catalogue validation: refuse to start with a clear reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.catalogue import load_catalogue
from gateway.errors import ConfigError
from gateway.settings import Settings, resolve_secret_key


def test_sqlite_default_generates_a_private_secret_once(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'g.db'}")
    first = resolve_secret_key(settings)
    secret_file = tmp_path / "g.db.secret"
    assert secret_file.stat().st_mode & 0o777 == 0o600
    assert len(first) >= 32
    assert resolve_secret_key(settings) == first


def test_other_databases_refuse_to_start_without_a_strong_secret() -> None:
    settings = Settings(database_url="postgresql+psycopg://u@127.0.0.1/db")
    with pytest.raises(ConfigError, match="GATEWAY_SECRET_KEY is required"):
        resolve_secret_key(settings)
    weak = Settings(database_url="postgresql+psycopg://u@127.0.0.1/db", secret_key="short")
    with pytest.raises(ConfigError, match="too short"):
        resolve_secret_key(weak)


@pytest.mark.parametrize(("url", "expected"), [
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+asyncpg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite+aiosqlite:///x.db", "sqlite:///x.db"),
])
def test_async_driver_urls_are_accepted(url: str, expected: str) -> None:
    assert Settings(database_url=url).sqlalchemy_url == expected


@pytest.mark.parametrize(("content", "message"), [
    ("models: [", "not valid YAML"),
    ("models:\n  - name: a\n    provider: openia\n", "entry 1 (a), field provider"),
    ("models:\n  - name: a\n    provider: openai\n    price_per_mtok: {input: -1}\n",
     "entry 1 (a), field price_per_mtok.input"),
    ("models:\n  - name: a\n    provider: openai\n    colour: blue\n", "field colour"),
    ("models:\n  - name: a\n    provider: azure\n    base_url: https://x\n", "api_version"),
    ("models:\n  - name: a\n    provider: openai_compatible\n", "base_url"),
    ("models:\n  - {name: a, provider: echo}\n  - {name: a, provider: echo}\n", "duplicate"),
    ("models:\n  - name: a\n    provider: openai\n    base_url: ftp://x\n", "http"),
])
def test_catalogue_errors_name_file_entry_and_field(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "models.yaml"
    path.write_text(content)
    with pytest.raises(ConfigError) as info:
        load_catalogue(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_missing_catalogue_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_catalogue(tmp_path / "absent.yaml")


def test_no_catalogue_means_the_echo_model() -> None:
    assert load_catalogue(None).names() == ["echo", "echo-embedding"]

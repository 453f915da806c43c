"""Helpers to write throw-away policy directories."""

from __future__ import annotations

import pathlib
import textwrap

from gateway.policies import (
    CatalogueModel,
    PolicyFileError,
    PolicySet,
    RequestContext,
    check_directory,
)

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "policies"


def write_policies(directory: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    """Write dedented YAML files into ``directory`` and return it."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (directory / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return directory


def load(
    directory: pathlib.Path,
    files: dict[str, str],
    known_models: set[str] | list[CatalogueModel] | None = None,
) -> PolicySet:
    """Write and load a policy set, failing loudly on errors."""
    policy_set, errors = check_directory(write_policies(directory, files), known_models)
    assert not errors, [str(e) for e in errors]
    assert policy_set is not None
    return policy_set


def errors_of(
    directory: pathlib.Path, files: dict[str, str], known_models: set[str] | None = None
) -> list[PolicyFileError]:
    """Write a policy set expected to be invalid and return its errors."""
    policy_set, errors = check_directory(write_policies(directory, files), known_models)
    assert policy_set is None
    assert errors
    return errors


def ctx(**overrides: object) -> RequestContext:
    """A context for an allowed tool and an external model, with overrides."""
    base: dict[str, object] = {
        "user": "alice@exemple.fr",
        "department": "compta",
        "tool": "open-webui",
        "model": "gpt-4o",
        "provider": "openai",
        "hosting": "us",
    }
    base.update(overrides)
    return RequestContext(**base)  # type: ignore[arg-type]

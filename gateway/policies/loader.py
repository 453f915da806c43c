"""Read a policy directory, validate it and build a ``PolicySet``.

Which files: every ``*.yaml``/``*.yml`` directly in the directory (not
recursive), in name order, except cases files (name starting with
``cases`` or ending with ``.cases.yaml``/``.cases.yml``).  An empty or
missing directory is an error: a gateway silently running without any
policy would allow everything.
"""

from __future__ import annotations

import hashlib
import pathlib
from collections.abc import Collection
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import PolicyFileError
from .policyset import ParsedFile, PolicySet, build_policy_set
from .schema import PolicyFile
from .targets import CatalogueModel
from .yamlload import line_for, load_yaml, yaml_error_line

VERSION_LENGTH = 12

_PYDANTIC_REASONS = {
    "extra_forbidden": "champ inconnu",
    "missing": "champ obligatoire manquant",
    "string_type": "une chaîne de caractères est attendue",
    "int_type": "un nombre entier est attendu",
    "int_parsing": "un nombre entier est attendu",
    "bool_type": "un booléen (true/false) est attendu",
    "bool_parsing": "un booléen (true/false) est attendu",
    "list_type": "une liste est attendue",
    "dict_type": "un dictionnaire (clé: valeur) est attendu",
    "model_type": "un dictionnaire (clé: valeur) est attendu",
    "model_attributes_type": "un dictionnaire (clé: valeur) est attendu",
}


def is_cases_file(path: pathlib.Path) -> bool:
    """True for test-case files that live next to the policies."""
    name = path.name
    return name.startswith("cases") or name.endswith((".cases.yaml", ".cases.yml"))


def policy_files(directory: pathlib.Path) -> list[pathlib.Path]:
    """Policy files of ``directory`` in evaluation (name) order."""
    found = [
        p
        for p in directory.iterdir()
        if p.is_file() and p.suffix in (".yaml", ".yml") and not is_cases_file(p)
    ]
    return sorted(found, key=lambda p: p.name)


def policy_version(contents: list[tuple[str, bytes]]) -> str:
    """Stable short hash of (file name, content) pairs."""
    digest = hashlib.sha256()
    for name, data in sorted(contents):
        digest.update(name.encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


def describe_loc(loc: tuple[int | str, ...]) -> str:
    """``('rules', 2, 'match', 'x')`` -> ``rules[2].match.x`` (0-based index)."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def validation_errors(display: str, raw: Any, exc: ValidationError) -> list[PolicyFileError]:
    """Translate pydantic errors to file:line errors with a French reason."""
    errors = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if isinstance(p, int | str))
        reason = _PYDANTIC_REASONS.get(err["type"], err["msg"])
        reason = reason.removeprefix("Value error, ")
        if err["type"] == "literal_error":
            reason = f"valeur invalide {err.get('input')!r} ({err['msg']})"
        where = describe_loc(loc)
        errors.append(
            PolicyFileError(display, line_for(raw, loc), f"{where} : {reason}" if where else reason)
        )
    return errors


def parse_file(path: pathlib.Path, display: str) -> tuple[ParsedFile | None, list[PolicyFileError]]:
    """Parse and schema-validate one policy file."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = load_yaml(text)
    except UnicodeDecodeError:
        return None, [PolicyFileError(display, None, "le fichier n'est pas encodé en UTF-8")]
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        return None, [PolicyFileError(display, yaml_error_line(exc), f"YAML invalide : {problem}")]
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        return None, [
            PolicyFileError(
                display,
                getattr(raw, "line", 1) or 1,
                "le fichier doit contenir un dictionnaire (clé: valeur)",
            )
        ]
    try:
        model = PolicyFile.model_validate(raw)
    except ValidationError as exc:
        return None, validation_errors(display, raw, exc)
    return ParsedFile(path.name, display, raw, model), []


def check_directory(
    path: pathlib.Path, known_models: Collection[str | CatalogueModel] | None = None
) -> tuple[PolicySet | None, list[PolicyFileError]]:
    """Validate a policy directory; return the set or every error found.

    ``known_models``: the catalogue (or bare model names), to resolve ``route_to``
    targets; ``None`` takes named targets unchecked (see ``policies/README.md``). What is
    valid but worth a look (a route without a target) is in ``PolicySet.warnings``.
    """
    directory = pathlib.Path(path)
    if not directory.is_dir():
        return None, [PolicyFileError(str(directory), None, "dossier de politiques introuvable")]
    files = policy_files(directory)
    if not files:
        return None, [
            PolicyFileError(
                str(directory), None, "aucun fichier de politique (*.yaml) dans ce dossier"
            )
        ]
    errors: list[PolicyFileError] = []
    parsed: list[ParsedFile] = []
    for file in files:
        pf, file_errors = parse_file(file, str(file))
        errors.extend(file_errors)
        if pf is not None:
            parsed.append(pf)
    version = policy_version([(f.name, f.read_bytes()) for f in files])
    policy_set, cross_errors = build_policy_set(version, parsed, known_models)
    errors.extend(cross_errors)
    if errors:
        return None, errors
    return policy_set, []


def load_policy_set(
    directory: pathlib.Path, known_models: Collection[str | CatalogueModel] | None = None
) -> PolicySet:
    """Load and compile a policy directory; raise the first ``PolicyFileError``.

    All errors are available through ``check_directory``; the first one is
    raised here and the others attached as ``err.all_errors``.
    """
    policy_set, errors = check_directory(directory, known_models)
    if errors:
        first = errors[0]
        first.all_errors = errors
        raise first
    assert policy_set is not None
    return policy_set

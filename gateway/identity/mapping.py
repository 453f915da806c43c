"""From what the directory says (groups, claims) to a role and a department.

The mapping is a small YAML file (``GATEWAY_IDENTITY_MAPPING_FILE``), read at start::

    roles:                      # the most powerful match wins: admin, reviewer, auditor
      admin: [GW-Admins]
      reviewer: [Conformité]
      auditor: [Audit interne]
    departments:                # the first department listing one of the person's groups
      compta: [Finance, Comptabilité]
      ventes: [Sales]
    department_claim: department  # else this claim (OIDC) / the enterprise attribute (SCIM)
    default_department: general
    allowed_groups: []          # non-empty: only members of these groups may sign in

A group is named by its display name or its id (Entra puts object ids in tokens), compared
without regard to case. Without a file: everyone is an employee; the department comes from
the ``department`` claim, else ``general``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.errors import ConfigError

Role = Literal["employee", "auditor", "reviewer", "admin"]
# Which role wins when a person is in the groups of several.
PRECEDENCE: tuple[Role, ...] = ("admin", "reviewer", "auditor", "employee")


def _folded(names: Iterable[str]) -> set[str]:
    return {name.strip().casefold() for name in names if name and name.strip()}


class IdentityMapping(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    roles: dict[Role, list[str]] = Field(default_factory=dict)
    departments: dict[str, list[str]] = Field(default_factory=dict)
    department_claim: str | None = "department"
    default_department: str = Field(default="general", min_length=1, max_length=100)
    default_role: Role = "employee"
    allowed_groups: list[str] = Field(default_factory=list)

    def role_for(self, groups: Iterable[str]) -> Role:
        """The role the groups give: the most powerful mapped one, else the default."""
        held = _folded(groups)
        for role in PRECEDENCE:
            if held & _folded(self.roles.get(role, ())):
                return role
        return self.default_role

    def department_for(self, groups: Iterable[str]) -> str | None:
        """The department of the first mapping entry naming one of the groups, if any."""
        held = _folded(groups)
        for department, names in self.departments.items():
            if held & _folded(names):
                return department
        return None

    def admits(self, groups: Iterable[str]) -> bool:
        return not self.allowed_groups or bool(_folded(groups) & _folded(self.allowed_groups))


def load_mapping(path: Path | None) -> IdentityMapping:
    """The mapping in ``path`` (none: the defaults); ``ConfigError`` says what is wrong."""
    if path is None:
        return IdentityMapping()
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        return IdentityMapping.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"GATEWAY_IDENTITY_MAPPING_FILE: cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"GATEWAY_IDENTITY_MAPPING_FILE: {path} is not valid YAML: {exc}"
                          ) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or '(file)'}: {error['msg']}"
            for error in exc.errors())
        raise ConfigError(f"GATEWAY_IDENTITY_MAPPING_FILE: {path}: {problems}") from exc

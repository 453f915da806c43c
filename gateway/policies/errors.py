"""Error type shared by the policy loader, validator and cases runner."""

from __future__ import annotations


class PolicyFileError(Exception):
    """A policy (or cases) file is invalid.

    ``str(err)`` is ``"<file>:<line>: <reason>"`` (or ``"<file>: <reason>"``
    when no line is known), the format printed by ``gateway policy check``.
    """

    def __init__(self, file: str, line: int | None, reason: str) -> None:
        self.file = file
        self.line = line
        self.reason = reason
        # load_policy_set raises the first error; the others ride along here.
        self.all_errors: list[PolicyFileError] = [self]
        super().__init__(self.__str__())

    def __str__(self) -> str:
        location = f"{self.file}:{self.line}" if self.line else self.file
        return f"{location}: {self.reason}"

    def __repr__(self) -> str:
        return f"PolicyFileError({self.file!r}, {self.line!r}, {self.reason!r})"

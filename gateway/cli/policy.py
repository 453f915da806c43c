"""``gateway policy check|test``."""

from __future__ import annotations

import argparse
from pathlib import Path

from gateway.catalogue import load_catalogue
from gateway.cli.output import emit
from gateway.policies import PolicyFileError, PolicySet, check_directory, run_cases
from gateway.settings import Settings


def configure(policy: argparse.ArgumentParser) -> None:
    sub = policy.add_subparsers(dest="policy_command", required=True)
    check = sub.add_parser("check", help="validate a policy folder")
    check.add_argument("directory", nargs="?", type=Path)
    check.add_argument("--json", action="store_true")
    check.set_defaults(handler=cmd_check)
    test = sub.add_parser("test", help="run example requests against the policies")
    test.add_argument("cases", type=Path)
    test.add_argument("--dir", type=Path, dest="directory")
    test.add_argument("--json", action="store_true")
    test.set_defaults(handler=cmd_test)


def _load(directory: Path | None) -> tuple[Path, PolicySet | None, list[PolicyFileError]]:
    """The folder's set, its routes resolved against the configured catalogue."""
    settings = Settings()
    folder = directory or settings.effective_policies_dir()
    models = load_catalogue(settings.models_file).for_policies()
    policy_set, errors = check_directory(folder, models)
    return folder, policy_set, list(errors)


def cmd_check(args: argparse.Namespace) -> int:
    folder, policy_set, errors = _load(args.directory)
    if errors or policy_set is None:
        emit({"valid": False, "errors": [str(e) for e in errors]}, args.json,
             "\n".join(str(e) for e in errors))
        return 1
    # Valid, but worth IT's attention (a route no catalogue model can take): exit 0.
    warnings = [str(w) for w in policy_set.warnings]
    emit({"valid": True, "version": policy_set.version, "directory": str(folder),
          "warnings": warnings}, args.json,
         "\n".join([*(f"attention : {w}" for w in warnings),
                    f"Policy set OK: {folder} (version {policy_set.version})"]))
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    _, policy_set, errors = _load(args.directory)
    if errors or policy_set is None:
        emit({"valid": False, "errors": [str(e) for e in errors]}, args.json,
             "\n".join(str(e) for e in errors))
        return 1
    results = run_cases(policy_set, args.cases)
    failed = [r for r in results if not r.passed]
    emit(
        {"passed": len(results) - len(failed), "failed": len(failed),
         "failures": [str(r) for r in failed]},
        args.json,
        "\n".join([*(str(r) for r in failed),
                   f"{len(results) - len(failed)} passed, {len(failed)} failed"]),
    )
    return 1 if failed else 0

"""Policy engine of the gateway: YAML policies -> deterministic decisions.

Public API::

    load_policy_set(directory, known_models=None) -> PolicySet   # raises PolicyFileError
    check_directory(path, known_models=None) -> (PolicySet | None, [PolicyFileError])
    PolicySet.evaluate(RequestContext) -> Decision               # pure, no I/O
    PolicySet.limits / PolicySet.limits_for(ctx)                 # budgets for the core
    detect_tool(user_agent, header, key_tool) -> str
    run_cases(policy_set, cases_file) -> [CaseResult]

The evaluation order is documented in ``gateway.policies.evaluator`` and
``policies/README.md``.
"""

from __future__ import annotations

from .cases import CaseResult, run_cases
from .context import RequestContext
from .errors import PolicyFileError
from .evaluator import Decision
from .loader import check_directory, load_policy_set
from .policyset import PolicySet
from .schema import Limit
from .targets import CatalogueModel
from .tools import KNOWN_TOOLS, detect_tool

__all__ = [
    "KNOWN_TOOLS",
    "CaseResult",
    "CatalogueModel",
    "Decision",
    "Limit",
    "PolicyFileError",
    "PolicySet",
    "RequestContext",
    "check_directory",
    "detect_tool",
    "load_policy_set",
    "run_cases",
]

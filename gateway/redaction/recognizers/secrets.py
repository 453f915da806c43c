"""Credentials: provider API keys, tokens, private keys, ``password=...`` forms."""

from __future__ import annotations

import re

from .base import Rule, RuleRecognizer, accept

__all__ = ["SecretRecognizer"]

# Well-known key shapes; prefixes make them unambiguous, so score 1.0.
_KEY_PATTERNS: tuple[tuple[str, str], ...] = (
    ("anthropic", r"sk-ant-[A-Za-z0-9_-]{20,}"),
    ("openai", r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"),
    ("aws_access_key", r"(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}"),
    ("github", r"(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{22,})"),
    ("gitlab", r"glpat-[A-Za-z0-9_-]{20,}"),
    ("slack", r"xox[abprs]-[A-Za-z0-9-]{10,}"),
    ("google", r"AIza[0-9A-Za-z_-]{35}"),
    ("stripe", r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}"),
    ("hf", r"hf_[A-Za-z0-9]{30,}"),
    ("jwt", r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
)

# One pass over the text for all of them (one regex per shape was a pass each).
_KEYS = re.compile(
    r"(?<![\w-])(?:"
    + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _KEY_PATTERNS)
    + r")(?![\w-])"
)

# "password=...", "mot de passe : ...", "api_key: ..." -> only the value is
# captured, so the label stays readable for the model.
_ASSIGNMENT = re.compile(
    r"(?i:\b(?:password|passwd|pwd|pass|passphrase|mot de passe|mdp|secret|"
    r"client[_ -]?secret|api[_ -]?key|access[_ -]?token|auth[_ -]?token|token)"
    r"\b\s*(?:est|is)?\s*[:=]\s*)[\"'`]?(?P<value>[^\s\"'`,;]{4,})"
)
_PRIVATE_KEY = re.compile(
    r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]{0,8000}?-----END [A-Z ]*PRIVATE KEY-----"
)
_BEARER = re.compile(r"(?i:\bbearer\s+)(?P<value>[A-Za-z0-9._~+/=-]{20,})")


class SecretRecognizer(RuleRecognizer):
    """Secrets and credentials (entity type ``SECRET``); no context needed."""

    def __init__(self) -> None:
        rules = [
            Rule("secret_key", _KEYS, accept(1.0), score=1.0),
            Rule("secret_assignment", _ASSIGNMENT, accept(0.9), "value", 0.9),
        ]
        rules.append(Rule("secret_private_key", _PRIVATE_KEY, accept(1.0), score=1.0))
        rules.append(Rule("secret_bearer", _BEARER, accept(0.9), "value", 0.9))
        super().__init__("SECRET", "SecretRecognizer", rules)

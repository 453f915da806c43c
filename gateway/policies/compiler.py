"""Compile validated rules into fast predicate lists (done once at load time).

Each condition of a ``match`` block becomes a small closure; the closures
of a rule run cheapest-first (set look-ups, then precompiled glob regexes,
then content scans) and stop at the first failing one.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from gateway.text.normalize import normalize

from .context import ContentScan, RequestContext
from .schema import ContentMatch, LimitMatch, Match, Rule

Check = Callable[[RequestContext, ContentScan], bool]


def glob_regex(patterns: Iterable[str], ignore_case: bool) -> re.Pattern[str]:
    """One regex equivalent to "matches any of these shell globs"."""
    body = "|".join(f"(?:{fnmatch.translate(p)})" for p in patterns)
    return re.compile(body, re.IGNORECASE if ignore_case else 0)


# Tool names as a person reads them: invisible characters, look-alike letters and
# full-width forms folded (gateway.text), case and the separators « _ - . » and spaces
# ignored. « send_e\u200bmail », « ѕend_email » (a Cyrillic ѕ), « sendEmail » and
# « send-email » are all the tool a rule on « *send_email* » means, and the model calls
# each of them as readily.
_TOOL_SEPARATORS = re.compile(r"[\s_.\-]+")


def tool_name_key(name: str) -> str:
    """A tool name (or a glob without ``[...]``) folded as the policies compare them."""
    return _TOOL_SEPARATORS.sub("", normalize(name).text).casefold()


def _tool_matcher(patterns: list[str]) -> Callable[[str], bool]:
    """Whether a tool name matches a glob, as written or both folded (``tool_name_key``)."""
    exact = glob_regex(patterns, ignore_case=True)
    folded = glob_regex([p if "[" in p else tool_name_key(p) for p in patterns],
                        ignore_case=True)
    return lambda n: bool(exact.match(n) or folded.match(tool_name_key(n)))


def _tool_names_check(patterns: list[str]) -> Check:
    """Any offered tool matches a glob."""
    named = _tool_matcher(patterns)
    return lambda c, s: any(named(n) for n in c.tool_names)


def _tool_names_except_check(patterns: list[str]) -> Check:
    """Any offered tool matches none of the globs: an allow-list. A deny-list of names is
    never complete (« envoyer_mail », « sendMail », « mail_send » are the tool a rule on
    « *send_email* » means, and the client chooses the name); a list of what may be
    offered fails closed."""
    named = _tool_matcher(patterns)
    return lambda c, s: any(not named(n) for n in c.tool_names)


def _content_patterns(content: ContentMatch) -> list[re.Pattern[str]]:
    """Regexes to search: author regexes, plus keywords when whole words are needed."""
    flags = 0 if content.case_sensitive else re.IGNORECASE
    patterns: list[re.Pattern[str]] = []
    if content.keywords and content.whole_word:
        body = "|".join(re.escape(w) for w in sorted(content.keywords, key=len, reverse=True))
        patterns.append(re.compile(rf"\b(?:{body})\b", flags))
    # Each regex was safety-checked by the schema; recompiling is cached by re.
    patterns.extend(re.compile(rx, flags) for rx in content.regex)
    return patterns


def _who_checks(match: Match | LimitMatch) -> list[Check]:
    checks: list[Check] = []
    if match.roles:
        roles = frozenset(match.roles)
        checks.append(lambda c, s: c.role in roles)
    if match.departments:
        departments = frozenset(d.lower() for d in match.departments)
        checks.append(lambda c, s: c.department.lower() in departments)
    if match.key_tags:
        tags = frozenset(match.key_tags)
        checks.append(lambda c, s: not tags.isdisjoint(c.key_tags))
    if match.users:
        users = glob_regex(match.users, ignore_case=True)
        checks.append(lambda c, s: users.match(c.user) is not None)
    return checks


def _request_checks(match: Match) -> list[Check]:
    checks: list[Check] = []
    if match.endpoints:
        endpoints = frozenset(match.endpoints)
        checks.append(lambda c, s: c.endpoint in endpoints)
    if match.hosting:
        hosting = frozenset(match.hosting)
        checks.append(lambda c, s: c.hosting in hosting)
    if match.stream is not None:
        stream = match.stream
        checks.append(lambda c, s: c.stream is stream)
    if match.tools:
        # Globs, so a list can say `openai-*` for the OpenAI SDK in every language.
        tools = glob_regex(match.tools, ignore_case=True)
        checks.append(lambda c, s: tools.match(c.tool) is not None)
    if match.providers:
        providers = frozenset(p.lower() for p in match.providers)
        checks.append(lambda c, s: c.provider.lower() in providers)
    if match.min_tokens is not None:
        low = match.min_tokens
        checks.append(lambda c, s: c.estimated_tokens >= low)
    if match.max_tokens is not None:
        high = match.max_tokens
        checks.append(lambda c, s: c.estimated_tokens <= high)
    if match.models:
        models = glob_regex(match.models, ignore_case=False)
        checks.append(lambda c, s: models.match(c.model) is not None)
    if match.function_tools:
        checks.append(_tool_names_check(match.function_tools))
    if match.function_tools_except:
        checks.append(_tool_names_except_check(match.function_tools_except))
    if match.attachments:
        kinds = frozenset(match.attachments)
        checks.append(lambda c, s: not kinds.isdisjoint(c.attachments))
    return checks


def _pii_check(types: list[str]) -> Check:
    if "*" in types:
        return lambda c, s: any(n > 0 for n in c.pii_counts.values())
    wanted = tuple(dict.fromkeys(types))
    return lambda c, s: any(c.pii_counts.get(t, 0) > 0 for t in wanted)


def _content_check(content: ContentMatch) -> Check:
    patterns = _content_patterns(content)
    roles = frozenset(content.roles) if content.roles else None
    # Plain keywords use substring search (much faster than a regex
    # alternation, which Python cannot prefix-optimise); case-insensitive
    # keywords are compared against a lower-cased text cached per request.
    words: tuple[str, ...] = ()
    if content.keywords and not content.whole_word:
        words = tuple(w if content.case_sensitive else w.lower() for w in content.keywords)
    folded = not content.case_sensitive

    def check(c: RequestContext, s: ContentScan) -> bool:
        if words:
            text = s.lowered(roles) if folded else s.text(roles)
            if any(w in text for w in words):
                return True
        return any(p.search(s.text(roles)) for p in patterns)

    return check


def compile_match(match: Match) -> tuple[Check, ...]:
    """Checks for a ``match``/``unless`` block, cheapest first (AND)."""
    checks = _who_checks(match) + _request_checks(match)
    if match.pii:
        checks.append(_pii_check(match.pii))
    if match.content is not None:
        checks.append(_content_check(match.content))
    return tuple(checks)


def compile_limit_match(match: LimitMatch) -> tuple[Check, ...]:
    """Checks for the ``match`` block of a limit (who only)."""
    return tuple(_who_checks(match))


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule ready for evaluation, with its source location."""

    id: str
    file: str
    line: int | None
    order: int
    priority: int
    shadow: bool
    action: str
    message: str | None
    # ``route`` rules: the catalogue model per kind of request (absent: no possible target).
    route_models: Mapping[str, str]
    redact: Mapping[str, str]
    log_content: str | None
    checks: tuple[Check, ...]
    unless: tuple[Check, ...] | None
    source: Rule

    def matches(self, ctx: RequestContext, scan: ContentScan) -> bool:
        """True if every ``match`` check holds and the ``unless`` block does not."""
        for check in self.checks:
            if not check(ctx, scan):
                return False
        if self.unless is None:
            return True
        return not all(check(ctx, scan) for check in self.unless)

    def redact_action(self, entity: str) -> str | None:
        """This rule's action for ``entity`` (specific entry beats ``*``)."""
        return self.redact.get(entity) or self.redact.get("*")

    def blocks(self, pii_counts: Mapping[str, int]) -> tuple[str, ...]:
        """Entity types present in the request that this rule blocks."""
        if not self.redact:
            return ()
        return tuple(e for e, n in pii_counts.items() if n > 0 and self.redact_action(e) == "block")


def compile_rule(
    rule: Rule, *, file: str, line: int | None, order: int, shadow: bool,
    route_models: Mapping[str, str],
) -> CompiledRule:
    """Turn a validated ``Rule`` into a ``CompiledRule``."""
    return CompiledRule(
        id=rule.id,
        file=file,
        line=line,
        order=order,
        priority=rule.priority,
        shadow=shadow,
        action=rule.action,
        message=rule.message,
        route_models=dict(route_models),
        redact=dict(rule.redact),
        log_content=rule.log_content,
        checks=compile_match(rule.match),
        unless=compile_match(rule.unless) if rule.unless is not None else None,
        source=rule,
    )

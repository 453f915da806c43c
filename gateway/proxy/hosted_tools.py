"""Tools the provider runs itself (web search, fetch, code, MCP servers), refused unless
the policies name them.

A hosted tool works out of the gateway's view: its searches, fetches and code are neither
scanned nor recorded. Every API shape has its own (a Responses ``web_search``, a Messages
``web_search_20250305`` or MCP server, a chat ``web_search_options``); each is refused with
a 400 unless an enforced ``allow`` rule that matched the request names it in its
``function_tools``, judged by the policy set that cleared the request.
"""

from __future__ import annotations

from collections.abc import Iterable

from gateway.errors import InvalidRequestError
from gateway.policies import Decision, PolicySet
from gateway.policies.compiler import glob_regex
from gateway.proxy.guard import Cleared

# Where a policy gives the consent a hosted tool needs: an ``allow`` rule naming it there.
HOSTED_ALLOWED_BY = "function_tools"


def hosted_tool_allowed(policy_set: PolicySet, decision: Decision, kind: str) -> bool:
    """Whether an enforced ``allow`` rule that matched this request names the hosted tool in
    its ``function_tools`` (``web_search*``): the explicit consent a hosted tool needs."""
    for rule_id in decision.matched_rule_ids:
        rule = policy_set.rule(rule_id)
        patterns = rule.source.match.function_tools if rule is not None else []
        if rule is not None and rule.action == "allow" and patterns and \
                glob_regex(patterns, ignore_case=True).match(kind):
            return True
    return False


def check_hosted_tools(cleared: Cleared, hosted: Iterable[tuple[str, str]]) -> None:
    """Refuse the tools the provider would run itself, out of the gateway's view (its
    searches, fetches and code are neither scanned nor recorded), that no ``allow`` rule
    names; ``hosted`` holds each one's field and kind. Every API shape has its own: a
    Responses ``web_search``, a Messages ``web_search_20250305`` or MCP server, a chat
    ``web_search_options``."""
    for param, kind in hosted:
        if not hosted_tool_allowed(cleared.policy_set, cleared.decision, kind):
            raise InvalidRequestError(
                f"L'outil hébergé « {kind} » (exécuté chez le fournisseur, hors de la vue de "
                "la passerelle) n'est pas autorisé par la politique de l'entreprise. Le "
                "service informatique peut l'autoriser par une règle « allow » qui le nomme "
                f"dans {HOSTED_ALLOWED_BY}.",
                param=param,
            )

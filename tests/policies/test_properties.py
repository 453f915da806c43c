"""Property tests: the outcome does not depend on how rules are laid out."""

from __future__ import annotations

import pathlib
import tempfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.policies import RequestContext

from ._helpers import load

ACTIONS = ["allow", "deny", "hold", "route"]
STRENGTH = {"allow": 1, "route": 2, "hold": 3, "deny": 4}
# Distinct conditions that all match the context below (so no rule pair is a
# "contradiction" at check time, yet all of them apply).
CONDITIONS = [
    "{}",
    "{hosting: [us]}",
    "{models: ['gpt-*']}",
    "{providers: [openai]}",
    "{roles: [employee]}",
    "{endpoints: [chat]}",
    "{tools: [open-webui]}",
    "{users: ['*@exemple.fr']}",
]
CONTEXT = RequestContext(
    user="a@exemple.fr", tool="open-webui", model="gpt-4o", provider="openai", hosting="us"
)


def _rule_yaml(index: int, action: str, priority: int) -> str:
    extra = {
        "route": "    route_to: [m]\n",
        "deny": "    message: non\n",
        "hold": "    message: attendez\n",
    }.get(action, "")
    return (
        f"  - id: r{index}\n    priority: {priority}\n"
        f"    match: {CONDITIONS[index % len(CONDITIONS)]}\n    action: {action}\n{extra}"
    )


rules_strategy = st.lists(
    st.tuples(st.sampled_from(ACTIONS), st.integers(-5, 5), st.integers(0, 2)),
    min_size=1,
    max_size=len(CONDITIONS),
)


def _evaluate(rules: list[tuple[str, int, int]], order: list[int]) -> tuple[str, str | None]:
    files: dict[str, list[str]] = {}
    for position in order:
        action, priority, file_no = rules[position]
        files.setdefault(f"{file_no}.yaml", []).append(_rule_yaml(position, action, priority))
    with tempfile.TemporaryDirectory() as tmp:
        ps = load(pathlib.Path(tmp), {n: "rules:\n" + "".join(r) for n, r in files.items()})
        decision = ps.evaluate(CONTEXT)
    return decision.action, decision.deciding_rule_id


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy, data=st.data())
def test_strongest_action_wins_whatever_the_order(
    rules: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    order = data.draw(st.permutations(range(len(rules))))
    action, deciding = _evaluate(rules, list(order))
    expected = max((a for a, _, _ in rules), key=STRENGTH.__getitem__)
    assert action == expected
    if any(a == "deny" for a, _, _ in rules):
        assert action == "deny"
    # The deciding rule is the highest-priority rule carrying that action.
    assert deciding is not None
    winner = rules[int(deciding[1:])]
    assert winner[0] == expected
    assert winner[1] == max(p for a, p, _ in rules if a == expected)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=rules_strategy, data=st.data())
def test_action_independent_of_file_and_rule_order(
    rules: list[tuple[str, int, int]], data: st.DataObject
) -> None:
    first = _evaluate(rules, list(range(len(rules))))
    order = data.draw(st.permutations(range(len(rules))))
    second = _evaluate(rules, list(order))
    assert first[0] == second[0]

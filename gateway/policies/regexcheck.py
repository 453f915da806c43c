"""Check-time safety checks for author-supplied regular expressions.

Python's ``re`` backtracks, so a pattern such as ``(a+)+$`` can take
exponential time on a crafted message.  Policies are checked once at load
time (never per request), in two steps:

1. a static walk of the parsed pattern rejecting nested unbounded
   quantifiers (``(a+)+``, ``(a*b?)*``) and quantified alternations whose
   branches can match the same text (``(a|a)*``, ``(a|ab)+``);
2. a dynamic probe: the pattern is searched in adversarial strings built
   from its own literal characters, under a wall-clock budget.  When the
   loader runs in the main thread, ``SIGALRM`` interrupts a runaway search
   (``_sre`` polls signals); elsewhere the probe only measures and flags
   patterns that exceeded the budget after the fact.
"""

from __future__ import annotations

import importlib
import re
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

# The pattern parser is private API (``re._parser`` since 3.11); it is the
# only way to inspect a pattern's structure without re-implementing it.
_sre_parser: Any = importlib.import_module("re._parser")
_sre_constants: Any = importlib.import_module("re._constants")

MAX_PATTERN_LENGTH = 500
PROBE_BUDGET_SECONDS = 0.05
_PROBE_LENGTH = 1000

_REPEATS = {_sre_constants.MAX_REPEAT, _sre_constants.MIN_REPEAT}
_POSSESSIVE = getattr(_sre_constants, "POSSESSIVE_REPEAT", None)
_MAXREPEAT = _sre_constants.MAXREPEAT


class UnsafeRegex(ValueError):
    """The pattern does not compile or may backtrack catastrophically."""


class _ProbeTimeout(Exception):
    pass


def compile_safe(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile ``pattern`` after static and dynamic safety checks.

    Raises ``UnsafeRegex`` with a French, admin-facing reason.
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegex(f"expression régulière trop longue (> {MAX_PATTERN_LENGTH} caractères)")
    try:
        compiled = re.compile(pattern, flags)
        parsed = _sre_parser.parse(pattern, flags)
    except re.error as exc:
        raise UnsafeRegex(f"expression régulière invalide {pattern!r} : {exc}") from exc
    problem = _static_problem(parsed, inside_repeat=False)
    if problem:
        raise UnsafeRegex(
            f"expression régulière {pattern!r} refusée : {problem} "
            "(risque de retour arrière catastrophique)"
        )
    _probe(compiled, pattern)
    return compiled


def _static_problem(items: Any, inside_repeat: bool) -> str | None:
    """Return a reason if the parsed sub-pattern nests unbounded repeats."""
    for op, arg in items:
        if op in _REPEATS:
            _low, high, sub = arg
            unbounded = high == _MAXREPEAT or high > 50
            if unbounded and inside_repeat:
                return "quantificateurs imbriqués"
            if unbounded and _ambiguous_alternation(sub):
                return "alternative ambiguë sous un quantificateur"
            problem = _static_problem(sub, inside_repeat or unbounded)
        elif op is _POSSESSIVE or op == _sre_constants.ATOMIC_GROUP:
            problem = None  # possessive/atomic constructs never backtrack
        else:
            problem = _walk_children(op, arg, inside_repeat)
        if problem:
            return problem
    return None


def _walk_children(op: Any, arg: Any, inside_repeat: bool) -> str | None:
    if op == _sre_constants.SUBPATTERN:
        return _static_problem(arg[-1], inside_repeat)
    if op == _sre_constants.BRANCH:
        for branch in arg[1]:
            problem = _static_problem(branch, inside_repeat)
            if problem:
                return problem
    if op in (_sre_constants.ASSERT, _sre_constants.ASSERT_NOT):
        return _static_problem(arg[1], inside_repeat)
    return None


def _ambiguous_alternation(items: Any) -> bool:
    """True for ``(x|x…)`` directly under a repeat: branches sharing a prefix."""
    for op, arg in items:
        if op == _sre_constants.SUBPATTERN:
            return _ambiguous_alternation(arg[-1])
        if op == _sre_constants.BRANCH:
            known = [f for f in (_first_literal(b) for b in arg[1]) if f is not None]
            # Branches starting with the same literal overlap; other overlaps are
            # left to the dynamic probe to avoid rejecting common patterns.
            return len(known) != len(set(known))
    return False


def _first_literal(items: Any) -> int | None:
    for op, arg in items:
        if op == _sre_constants.LITERAL:
            return int(arg)
        return None
    return None


def _literals(items: Any) -> Iterator[str]:
    """Yield the literal characters appearing anywhere in the parsed pattern."""
    for op, arg in items:
        if op == _sre_constants.LITERAL:
            yield chr(arg)
        elif op in _REPEATS or (_POSSESSIVE is not None and op is _POSSESSIVE):
            yield from _literals(arg[2])
        elif op == _sre_constants.SUBPATTERN:
            yield from _literals(arg[-1])
        elif op == _sre_constants.BRANCH:
            for branch in arg[1]:
                yield from _literals(branch)
        elif op == _sre_constants.IN:
            for sub_op, sub_arg in arg:
                if sub_op == _sre_constants.LITERAL:
                    yield chr(sub_arg)
                elif sub_op == _sre_constants.RANGE:
                    yield chr(sub_arg[0])


def _adversarial_inputs(pattern: str) -> list[str]:
    chars = list(dict.fromkeys([*_literals(_sre_parser.parse(pattern)), "a", "0", " "]))[:12]
    inputs = [c * _PROBE_LENGTH + "\x00" for c in chars]
    joined = "".join(chars)
    inputs.append(joined * (_PROBE_LENGTH // max(len(joined), 1)) + "\x00")
    return inputs


def _probe(compiled: re.Pattern[str], pattern: str) -> None:
    """Search adversarial inputs; reject if the budget is exceeded."""
    inputs = _adversarial_inputs(pattern)
    use_alarm = threading.current_thread() is threading.main_thread() and hasattr(
        signal, "setitimer"
    )
    start = time.perf_counter()
    if use_alarm:
        previous = signal.signal(signal.SIGALRM, _raise_timeout)
        signal.setitimer(signal.ITIMER_REAL, PROBE_BUDGET_SECONDS * 2)
    try:
        for text in inputs:
            compiled.search(text)
    except _ProbeTimeout:
        pass
    finally:
        if use_alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if time.perf_counter() - start > PROBE_BUDGET_SECONDS:
        raise UnsafeRegex(
            f"expression régulière {pattern!r} refusée : trop lente sur une entrée "
            f"adverse (> {int(PROBE_BUDGET_SECONDS * 1000)} ms)"
        )


def _raise_timeout(signum: int, frame: Any) -> None:
    raise _ProbeTimeout()

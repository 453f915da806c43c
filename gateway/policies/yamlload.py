"""YAML loading that remembers line numbers.

PyYAML drops positions once the document is constructed, so a custom
SafeLoader builds ``LineDict``/``LineList`` containers that record the
1-based line of the node itself and of each key/item.  Validation errors
(pydantic ``loc`` tuples) are mapped back to a line with ``line_for``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import yaml
from yaml.nodes import MappingNode, SequenceNode


class LineDict(dict[Any, Any]):
    """A dict that knows its own line and the line of each of its keys."""

    line: int = 0
    key_lines: dict[Any, int]


class LineList(list[Any]):
    """A list that knows its own line and the line of each of its items."""

    line: int = 0
    item_lines: list[int]


class _LineLoader(yaml.SafeLoader):  # type: ignore[misc,unused-ignore]
    """SafeLoader producing LineDict/LineList and rejecting duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> Any:
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        self.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call,unused-ignore]
            if key in result.key_lines:
                # Silent last-wins on duplicate keys hides policy mistakes.
                raise yaml.constructor.ConstructorError(
                    None, None, f"clé en double : {key!r}", key_node.start_mark
                )
            result[key] = self.construct_object(value_node, deep=True)  # type: ignore[no-untyped-call,unused-ignore]
            result.key_lines[key] = key_node.start_mark.line + 1
        return result

    def construct_sequence(self, node: SequenceNode, deep: bool = False) -> Any:
        result = LineList(
            self.construct_object(child, deep=True)  # type: ignore[no-untyped-call,unused-ignore]
            for child in node.value
        )
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _LineLoader.construct_mapping
)
_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _LineLoader.construct_sequence
)


def load_yaml(text: str) -> Any:
    """Parse one YAML document with line tracking (raises ``yaml.YAMLError``)."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass


def yaml_error_line(exc: yaml.YAMLError) -> int | None:
    """Best 1-based line for a PyYAML error, if it carries a mark."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else None


def line_for(data: Any, loc: Sequence[int | str]) -> int | None:
    """Return the line of the deepest node of ``data`` reachable along ``loc``."""
    best: int | None = getattr(data, "line", None) or None
    node = data
    for part in loc:
        if isinstance(node, LineDict) and part in node:
            best = node.key_lines.get(part, best)
            node = node[part]
        elif isinstance(node, LineList) and isinstance(part, int) and part < len(node):
            best = node.item_lines[part]
            node = node[part]
        else:
            break
        inner = getattr(node, "line", None)
        if inner and isinstance(node, LineList | LineDict) and best is None:
            best = inner
    return best

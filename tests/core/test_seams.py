"""Which fields of a view are read in a row (gateway/proxy/fields/seams.py): the parts of
one message and the text of consecutive messages, whatever their roles, and a tool's
description beside the opening of the conversation; paths are parsed once and the second
request with the same paths finds the same seams. The HTTP cases are in
tests/hardening/test_redteam_seams.py."""

from __future__ import annotations

from typing import Any

from gateway.proxy.fields import view_of
from gateway.proxy.fields.seams import seams


def _chat() -> dict[str, Any]:
    return {"model": "m", "messages": [
        {"role": "user", "content": [{"type": "text", "text": "NIR 2 69 05"},
                                     {"type": "text", "text": "49 588 157 80"}]},
        {"role": "user", "content": "suite"},
        {"role": "assistant", "content": "réponse"},
        {"role": "assistant", "content": "fin"}],
        "tools": [{"type": "function", "function": {"name": "f", "description": "outil"}}]}


def _responses() -> dict[str, Any]:
    return {"model": "m", "input": [
        {"role": "user", "content": [{"type": "input_text", "text": "CONFIDEN"},
                                     {"type": "input_text", "text": "TIEL"}]}]}


def test_seams_join_parts_messages_and_tool_descriptions_read_in_a_row() -> None:
    for _ in range(2):  # the second time, from the parsed paths
        view = view_of("chat", _chat())
        found = [(view.fields[s.left].path, view.fields[s.right].path, s.text, s.has_digits)
                 for s in seams(view.fields)]
        assert found == [
            ("messages[0].content[0].text", "messages[0].content[1].text",
             "NIR 2 69 0549 588 157 80", True),
            ("messages[0].content[1].text", "messages[1].content", "49 588 157 80suite",
             False),
            ("messages[1].content", "messages[2].content", "suiteréponse", False),
            ("messages[2].content", "messages[3].content", "réponsefin", False),
            ("tools[0].function.description", "messages[0].content[0].text",
             "outilNIR 2 69 05", False),
            ("messages[0].content[0].text", "tools[0].function.description",
             "NIR 2 69 05outil", False),
        ]


def test_responses_input_parts_are_read_in_a_row() -> None:
    view = view_of("responses", _responses())
    assert [s.text for s in seams(view.fields)] == ["CONFIDENTIEL"]

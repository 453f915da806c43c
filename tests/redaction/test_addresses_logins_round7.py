"""Issue 15, seventh round: British street types (« Grove », « Close »…) and
business parks or trading estates after a unit; a login made of an initial and
a family name no list holds, after a key naming a user."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, address",
    [
        ("We moved to 3 Mill Close last year.", "3 Mill Close"),
        (
            "Deliver to Unit 12, Kingsway Trading Estate, Cardiff CF10 1AA",
            "Unit 12, Kingsway Trading Estate, Cardiff CF10 1AA",
        ),
        ("Invoice: Flat 5, 22 Ashby Crescent, Leicester", "Flat 5, 22 Ashby Crescent"),
    ],
)
def test_english_partial_addresses(found: Found, text: str, address: str) -> None:
    assert address in found(text, "ADDRESS")


def test_a_park_without_its_type_is_no_address(found: Found) -> None:
    assert found("Read the Green Park report and the Science Park brochure.", "ADDRESS") == []


@pytest.mark.parametrize(
    "text, login",
    [
        ("2026-11-30 07:55:12 INFO login ok user=b.andrianjaka ip=10.0.0.8", "b.andrianjaka"),
        ("audit actor=m.tchakounte action=export", "m.tchakounte"),
    ],
)
def test_initial_dot_family_name_logins(found: Found, text: str, login: str) -> None:
    assert found(text, "PERSON") == [login]


def test_prose_by_is_no_login(found: Found) -> None:
    assert found("sent by e.mail yesterday", "PERSON") == []

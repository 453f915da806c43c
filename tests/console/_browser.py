"""Driving the console in the browser: signing in through the form, as a person would."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.conftest import Gateway

Shot = Callable[[Any, str], None]  # shot(page, "name.png")


def sign_in(page: Any, gw: Gateway, key: str) -> None:
    page.goto(gw.url + "/admin/login")
    page.get_by_label("Clé de passerelle").fill(key)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_load_state()

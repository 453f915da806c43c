"""Signing in to the console with httpx, as a browser would (cookie jar, CSRF fields)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from tests.conftest import Gateway

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_in(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def browser(gw: Gateway) -> httpx.Client:
    return httpx.Client(base_url=gw.url, timeout=30, follow_redirects=False)


@contextmanager
def sign_in_with(gw: Gateway, key: str) -> Iterator[httpx.Client]:
    with browser(gw) as client:
        form = client.get("/admin/login")
        assert form.status_code == 200, form.text
        response = client.post("/admin/login", data={"csrf_token": csrf_in(form.text), "key": key})
        assert response.status_code == 303, response.text
        yield client


@contextmanager
def sign_in(gw: Gateway, role: str, *, user: str | None = None,
            department: str = "it") -> Iterator[httpx.Client]:
    with sign_in_with(gw, gw.key(role, user=user, department=department)) as client:
        yield client


def csrf_of(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text
    return csrf_in(page.text)

"""What every console page shares, in the browser: the way in from ``/``, the icon, and a
header as wide as the page on a phone."""

from __future__ import annotations

from typing import Any

from tests.conftest import Gateway
from tests.console._browser import sign_in
from tests.core.test_hold_review_flow import ask

PAGES = ["/admin/dashboard", "/admin/interactions", "/admin/reviews?status=all", "/admin/keys",
         "/admin/policies", "/admin/integrity", "/admin/me", "/admin/me/data", "/admin/people"]
# How much wider than its header the page is: 0 when nothing sticks out to the right.
OVERFLOW = """() => document.documentElement.scrollWidth
                  - document.querySelector('header.top').getBoundingClientRect().width"""


def test_the_root_leads_to_the_console(gw: Gateway, tab: Any) -> None:
    response = tab.request.get(gw.url + "/", max_redirects=0)
    assert response.status == 307 and response.headers["location"] == "/admin"
    tab.goto(gw.url + "/")
    assert tab.url == gw.url + "/admin/login"  # signed out: the sign-in page
    sign_in(tab, gw, gw.key("reviewer", department="conformite"))
    tab.goto(gw.url + "/")
    assert tab.url == gw.url + "/admin/reviews"  # signed in: the role's first page


def test_the_icon_is_served(gw: Gateway, tab: Any) -> None:
    icon = tab.request.get(gw.url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.body()[:4] == b"\x00\x00\x01\x00"  # an ICO header
    tab.goto(gw.url + "/admin/login")
    links = tab.locator("link[rel=icon]")
    assert links.count() == 2
    for href in links.evaluate_all("links => links.map(l => l.href)"):
        linked = tab.request.get(href)
        assert linked.status == 200 and linked.headers["content-type"].startswith("image/")
    # The browser draws it: the SVG decodes to an image of its own size.
    size = tab.evaluate("""async () => { const img = new Image();
        img.src = '/admin/static/favicon.svg'; await img.decode();
        return [img.naturalWidth, img.naturalHeight]; }""")
    assert size[0] > 0 and size[0] == size[1]


def test_at_420_px_the_header_is_as_wide_as_the_page(gw: Gateway, narrow_tab: Any) -> None:
    admin = gw.key("admin", user=f"admin.{gw.scope}@exemple.fr", department="it")
    ask(gw, admin)  # a held request: rows in the log, the queue and « Mon activité »
    narrow_tab.goto(gw.url + "/admin/login")
    assert narrow_tab.evaluate(OVERFLOW) <= 0, "the sign-in page"
    sign_in(narrow_tab, gw, admin)
    for path in PAGES:
        narrow_tab.goto(gw.url + path)
        if path == "/admin/integrity":
            narrow_tab.get_by_role("button", name="Lancer la vérification").click()
            narrow_tab.locator("#verdict").wait_for()
        assert narrow_tab.locator("main table, main svg.chart, main .card, main .queue").count() > 0, path
        assert narrow_tab.evaluate("window.innerWidth") == 420
        assert narrow_tab.evaluate(OVERFLOW) <= 0, path
    employee = gw.key(user=f"employe.{gw.scope}@exemple.fr")
    narrow_tab.context.clear_cookies()
    sign_in(narrow_tab, gw, employee)
    assert narrow_tab.goto(gw.url + "/admin/keys").status == 403  # the error page too
    assert narrow_tab.evaluate(OVERFLOW) <= 0, "the access-denied page"

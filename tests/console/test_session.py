"""Sign-in, session cookie, CSRF, sign-out and the language switch."""

from __future__ import annotations

from gateway.console import session as sessions
from tests.conftest import Gateway
from tests.console._helpers import browser, csrf_in, csrf_of, sign_in, sign_in_with


def test_sign_in_sets_a_hardened_session_cookie(gw: Gateway) -> None:
    with browser(gw) as client:
        form = client.get("/admin/login")
        assert form.status_code == 200 and "Connexion" in form.text and '<html lang="fr">' in form.text
        response = client.post("/admin/login", data={"csrf_token": csrf_in(form.text),
                                                      "key": gw.key("admin", department="it")})
        assert response.status_code == 303 and response.headers["location"] == "/admin"
        cookie = response.headers["set-cookie"].lower()
        assert cookie.startswith(f"{sessions.COOKIE}=")
        assert "httponly" in cookie and "samesite=lax" in cookie and "path=/admin" in cookie
        assert "secure" not in cookie  # plain http on loopback
        assert "gw-" not in response.headers["set-cookie"]  # the key itself is never stored
        assert client.get("/admin").headers["location"] == "/admin/dashboard"


def test_cookie_is_secure_over_https(gw: Gateway) -> None:
    # uvicorn trusts X-Forwarded-Proto from loopback: the request is seen as https.
    with browser(gw) as client:
        form = client.get("/admin/login", headers={"X-Forwarded-Proto": "https"})
        assert "secure" in form.headers["set-cookie"].lower()


def test_wrong_key_is_refused(gw: Gateway) -> None:
    with browser(gw) as client:
        form = client.get("/admin/login")
        response = client.post("/admin/login", data={"csrf_token": csrf_in(form.text),
                                                      "key": "gw-not-a-key"})
        assert response.status_code == 401 and "Clé inconnue ou révoquée" in response.text
        assert client.get("/admin/dashboard").status_code == 303


def test_posts_without_or_with_a_wrong_csrf_token_get_403(gw: Gateway) -> None:
    key = gw.key("admin", department="it")
    with browser(gw) as client:
        client.get("/admin/login")
        assert client.post("/admin/login", data={"key": key}).status_code == 403
        assert client.post("/admin/login", data={"key": key, "csrf_token": "x"}).status_code == 403
    with sign_in(gw, "admin") as client:
        token = csrf_of(client, "/admin/keys")
        for data in ({}, {"csrf_token": "forged"}):
            for path in ("/admin/keys", "/admin/integrity", "/admin/logout",
                         "/admin/reviews/nope/decide", "/admin/keys/nope/revoke"):
                response = client.post(path, data={**data, "user": "x@exemple.fr",
                                                   "department": "it", "role": "admin"})
                assert response.status_code == 403, (path, response.status_code)
                assert "jeton anti-falsification" in response.text
        # The header form (htmx) is accepted too.
        ok = client.post("/admin/integrity", headers={"X-CSRF-Token": token})
        assert ok.status_code == 200


def test_a_tampered_or_foreign_cookie_is_no_session(gw: Gateway) -> None:
    with sign_in(gw, "admin") as client:
        value = client.cookies[sessions.COOKIE]
        payload, mac = value.split(".")
        client.cookies.set(sessions.COOKIE, payload + "." + mac[::-1], path="/admin")
        assert client.get("/admin/dashboard").headers["location"] == "/admin/login"
    forged = sessions.encode(sessions.new_session("key_x"), b"another-secret" * 4)
    with browser(gw) as client:
        client.cookies.set(sessions.COOKIE, forged, path="/admin")
        assert client.get("/admin/dashboard").status_code == 303


def test_sessions_expire() -> None:
    secret = b"s" * 40
    session = sessions.new_session("key_1", now=1000.0)
    cookie = sessions.encode(session, secret)
    assert sessions.decode(cookie, secret, now=1001.0) == session
    assert sessions.decode(cookie, secret, now=1000.0 + sessions.LIFETIME_S) is None


def test_sign_out_ends_the_session(gw: Gateway) -> None:
    with sign_in(gw, "auditor") as client:
        token = csrf_of(client, "/admin/interactions")
        response = client.post("/admin/logout", data={"csrf_token": token})
        assert response.status_code == 303 and response.headers["location"] == "/admin/login?bye=1"
        assert 'max-age=0' in response.headers["set-cookie"].lower() or "expires=" in response.headers["set-cookie"].lower()
        assert client.get("/admin/interactions").headers["location"] == "/admin/login"
        assert "Vous êtes déconnecté" in client.get("/admin/login?bye=1").text


def test_a_revoked_key_closes_its_console_session(gw: Gateway) -> None:
    key = gw.key("auditor", user=f"revoked.{gw.scope}@exemple.fr", department="it")

    with sign_in_with(gw, key) as auditor, sign_in(gw, "admin") as admin:
        assert auditor.get("/admin/interactions").status_code == 200
        page = admin.get("/admin/keys").text
        marker = f"revoked.{gw.scope}@exemple.fr"
        row = page[page.index(marker) - 400: page.index(marker)]
        key_id = row[row.rindex('id="key-') + 8:].split('"')[0]
        response = admin.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": csrf_in(page)})
        assert response.status_code == 303
        assert auditor.get("/admin/interactions").headers["location"] == "/admin/login"


def test_language_switch(gw: Gateway) -> None:
    with sign_in(gw, "admin") as client:
        french = client.get("/admin/dashboard")
        assert "Tableau de bord" in french.text and "?lang=en" in french.text
        english = client.get("/admin/dashboard?lang=en")
        assert english.status_code == 200 and '<html lang="en">' in english.text
        assert "Dashboard" in english.text and "Tableau de bord" not in english.text
        assert f"{sessions.LANG_COOKIE}=en" in english.headers["set-cookie"]
        # The choice sticks (cookie) until switched back.
        assert "Review queue" in client.get("/admin/reviews").text
        assert "File de revue" in client.get("/admin/reviews?lang=fr").text
        assert "File de revue" in client.get("/admin/keys").text

"""Signing out of the console ends the session on the server: a copy of the cookie taken
before (a shared computer, a proxy's log) is refused afterwards, however valid its signature."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.auth.models import ConsoleSession as SessionRow
from gateway.console import session as sessions
from tests.conftest import SECRET, Gateway
from tests.console._helpers import browser, csrf_of, sign_in_with


def test_a_cookie_replayed_after_sign_out_is_refused(gw: Gateway) -> None:
    key = gw.key("auditor", user=f"sortant.{gw.scope}@exemple.fr", department="it")
    with sign_in_with(gw, key) as client, sign_in_with(gw, key) as other_computer:
        copied = client.cookies[sessions.COOKIE]
        assert client.get("/admin/interactions").status_code == 200
        response = client.post("/admin/logout",
                               data={"csrf_token": csrf_of(client, "/admin/interactions")})
        assert response.status_code == 303
        # That session only: the same person signed in elsewhere stays signed in.
        assert other_computer.get("/admin/interactions").status_code == 200

    with browser(gw) as replay:
        replay.cookies.set(sessions.COOKIE, copied, path="/admin")
        for path in ("/admin/interactions", "/admin/me", "/admin"):
            answer = replay.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"] == "/admin/login", path
        # The sign-in page itself: a form again, not a redirect loop back to /admin.
        login = replay.get("/admin/login")
        assert login.status_code == 200 and 'name="key"' in login.text


def test_the_server_keeps_a_digest_of_the_session_id_not_the_id(gw: Gateway) -> None:
    key = gw.key("auditor", user=f"empreinte.{gw.scope}@exemple.fr", department="it")
    with sign_in_with(gw, key) as client:
        cookie = sessions.decode(client.cookies[sessions.COOKIE], SECRET.encode())
        assert cookie is not None and cookie.sid
        with Session(gw.engine) as db:
            ids = set(db.scalars(select(SessionRow.id)))
        assert hashlib.sha256(cookie.sid.encode()).hexdigest() in ids
        assert cookie.sid not in ids

"""Company sign-in driven with httpx, as a browser would (cookie jar, redirects by hand)."""

from __future__ import annotations

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.audit.models import AuditEvent
from gateway.identity.models import Person
from tests.conftest import Gateway


def start_sign_in(client: httpx.Client) -> str:
    """Open /admin/auth/login; returns the provider's authorization URL."""
    response = client.get("/admin/auth/login")
    assert response.status_code == 303, response.text
    return response.headers["location"]


def provider_login(authorize_url: str, login: str) -> str:
    """Sign in at the provider; returns the callback URL it redirects to (code, state)."""
    with httpx.Client(timeout=30) as idp:
        form = idp.get(authorize_url)
        assert form.status_code == 200, form.text
        answer = idp.post(authorize_url, data={"login": login})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def company_sign_in(client: httpx.Client, login: str) -> httpx.Response:
    """The whole round trip; returns the gateway's answer to the callback."""
    return client.get(provider_login(start_sign_in(client), login))


def person(gw: Gateway, email: str) -> Person | None:
    with Session(gw.engine) as session:
        return session.scalars(select(Person).where(Person.email == email)).first()


def events(gw: Gateway, kind: str, person_id: str) -> list[AuditEvent]:
    with Session(gw.engine) as session:
        rows = session.scalars(select(AuditEvent).where(AuditEvent.kind == kind)
                               .order_by(AuditEvent.seq)).all()
        return [row for row in rows if (row.detail or {}).get("person") == person_id]

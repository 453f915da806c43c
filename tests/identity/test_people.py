"""People and keys at the data level: the migration gives existing keys their owner, a key
stops when it expires or its owner is disabled, and a disabled owner's keys stay revoked."""

from __future__ import annotations

from datetime import timedelta

import openai
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from gateway.auth.keys import create_key, create_personal_key, find_active
from gateway.auth.models import ApiKey
from gateway.db import migrate
from gateway.db.base import utcnow
from gateway.identity import people
from gateway.identity.models import Person
from tests.conftest import SECRET, Databases, Gateway


def test_the_migration_gives_every_existing_key_a_person(databases: Databases) -> None:
    url = databases.new("identity_migration")
    migrate.upgrade(url, "0005_encrypted_content")
    engine = create_engine(url)
    try:
        keys = [("key_a1", "Anne@Exemple.fr", "rh", "employee"),
                ("key_a2", "anne@exemple.fr", "compta", "auditor"),
                ("key_b1", "bruno@exemple.fr", "it", "admin")]
        with engine.begin() as connection:
            for n, (key_id, email, department, role) in enumerate(keys):
                connection.execute(text(
                    "INSERT INTO api_keys (id, prefix, secret_hash, user_email, department, "
                    "role, tags, created_at) VALUES (:id, 'gw-x', :hash, :email, :dep, :role, "
                    "'[]', :at)"), {"id": key_id, "hash": f"{n:064d}", "email": email,
                                    "dep": department, "role": role,
                                    "at": utcnow() + timedelta(seconds=n)})
        migrate.upgrade(url)
        with Session(engine) as session:
            owners = dict(session.execute(select(ApiKey.id, ApiKey.person_id)).all())
            found = {p.email: p for p in session.scalars(select(Person))}
        assert set(found) == {"anne@exemple.fr", "bruno@exemple.fr"}
        anne = found["anne@exemple.fr"]
        # The most recent key says who Anne is now.
        assert (anne.department, anne.role, anne.source) == ("compta", "auditor", "manual")
        assert owners == {"key_a1": anne.id, "key_a2": anne.id,
                          "key_b1": found["bruno@exemple.fr"].id}
        migrate.downgrade(url, "0005_encrypted_content")
    finally:
        engine.dispose()


def test_expired_and_deprovisioned_keys_stop(gw: Gateway) -> None:
    secret = SECRET.encode()
    with Session(gw.engine) as session, session.begin():
        issued, issued_token = create_key(session, secret, user=f"Zoe.{gw.scope}@Exemple.fr",
                                          department="rh")
        owner = session.get(Person, issued.person_id)
        assert owner is not None and owner.email == f"zoe.{gw.scope}@exemple.fr"
        owner_id = owner.id
        _, expired_token = create_personal_key(session, secret, owner, name="old",
                                               expires_at=utcnow() - timedelta(minutes=1))
        _, fresh_token = create_personal_key(session, secret, owner, name="new",
                                             expires_at=utcnow() + timedelta(days=1))
        assert find_active(session, secret, expired_token) is None
    with pytest.raises(openai.AuthenticationError):
        gw.openai(api_key=expired_token).models.list()
    assert gw.openai(api_key=fresh_token).models.list().data
    assert gw.openai(api_key=issued_token).models.list().data

    with Session(gw.engine) as session, session.begin():
        person = session.get(Person, owner_id)
        assert person is not None
        revoked = people.deactivate(session, person, by="test")
        assert len(revoked) == 3  # every unrevoked key, the expired one included
    gw.app.state.gateway.authenticator.invalidate()
    for token in (fresh_token, issued_token):
        with pytest.raises(openai.AuthenticationError):
            gw.openai(api_key=token).models.list()
    with Session(gw.engine) as session, session.begin():
        person = session.get(Person, owner_id)
        assert person is not None and people.reactivate(session, person, by="test")
    with pytest.raises(openai.AuthenticationError):  # keys never come back with the person
        gw.openai(api_key=issued_token).models.list()


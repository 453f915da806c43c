"""Erasing a person (GDPR art. 17) from a log that must still prove itself.

Four eyes: :func:`request` records who asks and why (refused under a legal hold: the
``GATEWAY_LEGAL_HOLD`` setting, or the person's ``legal_hold`` flag); :func:`confirm`, by a
second admin, carries it out in one transaction:

1. finished records are chained first (so every record of theirs is a link whose values
   can be forgotten); a request still in flight makes it wait (``ConflictError``, retry);
2. the person is disabled (keys revoked, chained) and made anonymous: e-mail replaced by
   ``erased-<person id>@invalid`` in every table (people, keys, records, decisions, journal),
   names, directory ids, content, sealed raw content, comments on their requests, their
   Responses API conversations, budget counters and revocation notices deleted or emptied;
   journal entries whose filters or reasons named them are rewritten;
3. their key in ``audit_subjects`` is deleted: the chain's commitments to their e-mail and
   content can no longer be opened by anyone;
4. a ``gdpr.erased`` event is chained (subject, person, counts, rewritten journal entries),
   so ``verify`` reports their records as erased instead of broken.

Then the bytes: on SQLite the transaction runs with ``secure_delete`` (freed cells zeroed),
the file is rebuilt (``VACUUM``: no free page keeps an old copy) and the WAL checkpointed and
truncated. On PostgreSQL the changed tables are vacuumed; old row versions may stay in pages
until rewritten, so ``vacuum="full"`` (``VACUUM FULL``: an exclusive lock while each table is
rewritten, plan it) is what leaves no byte in the table and index files. Backups are outside:
they expire with their own retention (README).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, String, Table, delete, func, select, update
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import Session

from gateway.audit import integrity, subjects
from gateway.audit.conversations import StoredResponse
from gateway.audit.integrity import append_event, chain_finished
from gateway.audit.models import PENDING as RECORD_PENDING
from gateway.audit.models import AuditSubject, Interaction
from gateway.audit.reading.models import AccessLogEntry
from gateway.auth.models import ApiKey, RevocationNotice
from gateway.db.base import utcnow
from gateway.errors import ConflictError, InvalidRequestError, NotFoundError
from gateway.gdpr.erasure_models import DONE, PENDING, ErasureRequest
from gateway.gdpr.subject import subject_email
from gateway.identity.models import GroupMember, Person
from gateway.identity.people import by_email, deactivate, normalize_email
from gateway.limits.models import UsageCounter
from gateway.review.models import ReviewDecision

ERASED_KIND = "gdpr.erased"
# Tables the erasure changes, vacuumed afterwards on PostgreSQL.
TOUCHED = ("interactions", "people", "api_keys", "review_decisions", "access_log",
           "audit_subjects", "auth_revocations", "usage_counters", "gdpr_erasures",
           "directory_group_members", "responses")


@dataclass(frozen=True, slots=True)
class Admin:
    """Who asks or confirms: an admin key's owner, or ``--by`` on the command line."""

    user: str
    key_id: str | None = None


def request(session: Session, email: str, reason: str, by: Admin, *,
            legal_hold: bool) -> ErasureRequest:
    """Record an erasure request; a second admin must confirm it. The caller commits."""
    email = normalize_email(subject_email(email))
    reason = reason.strip()
    if not reason:
        raise InvalidRequestError("Indiquez le motif de l'effacement.", param="reason")
    if email in reason.lower():
        raise InvalidRequestError("Le motif ne doit pas contenir l'adresse de la personne : il "
                                  "est conservé après l'effacement.", param="reason")
    _refuse_under_hold(session, email, legal_hold)
    subject = session.scalar(select(AuditSubject.id).where(AuditSubject.email == email))
    if subject is None and by_email(session, email) is None:
        raise NotFoundError("Aucune donnée n'est conservée pour cette personne.")
    if session.scalar(select(ErasureRequest.id).where(
            ErasureRequest.email == email, ErasureRequest.status == PENDING)):
        raise ConflictError("Une demande d'effacement de cette personne attend déjà sa "
                            "confirmation.")
    row = ErasureRequest(id="era_" + secrets.token_hex(8), status=PENDING, email=email,
                         subject_id=subject, reason=reason, requested_by=by.user,
                         requested_at=utcnow(), result={})
    session.add(row)
    session.flush()
    append_event(session.connection(), "gdpr.erasure_requested", key_id=by.key_id,
                 detail={"erasure": row.id, "subject": subject})
    return row


def confirm(session: Session, erasure_id: str, by: Admin, *, legal_hold: bool) -> ErasureRequest:
    """Carry out a pending request, confirmed by a second admin. The caller commits, then
    calls :func:`scrub_files`."""
    row = session.get(ErasureRequest, erasure_id)
    if row is None or row.status != PENDING or row.email is None:
        raise NotFoundError(f"Aucune demande d'effacement en attente {erasure_id}.")
    if normalize_email(by.user) == normalize_email(row.requested_by):
        raise ConflictError("Quatre yeux : la confirmation doit venir d'un autre "
                            "administrateur que l'auteur de la demande.")
    _refuse_under_hold(session, row.email, legal_hold)
    result = _erase(session, row.email, row.id, by)
    row.status, row.email, row.confirmed_by = DONE, None, by.user
    row.decided_at, row.result, row.subject_id = utcnow(), result, result.get("subject")
    session.flush()
    return row


def _refuse_under_hold(session: Session, email: str, legal_hold: bool) -> None:
    person = by_email(session, email)
    if legal_hold or (person is not None and person.legal_hold):
        raise ConflictError("Effacement refusé : une conservation pour motif légal (legal "
                            "hold) s'applique" + (" à toute la passerelle." if legal_hold
                                                  else " à cette personne."))


def set_hold(session: Session, email: str, on: bool, by: Admin) -> Person:
    person = by_email(session, normalize_email(email))
    if person is None:
        raise NotFoundError("Personne inconnue.")
    if person.legal_hold != on:
        person.legal_hold = on
        session.flush()
        append_event(session.connection(), "person.legal_hold", key_id=by.key_id,
                     detail={"person": person.id, "on": on})
    return person


def _table(model: Any) -> Table:
    return cast(Table, model.__table__)


def _erase(session: Session, email: str, erasure_id: str, by: Admin) -> dict[str, Any]:
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA secure_delete = ON")
    records = _table(Interaction)
    integrity.lock_head(connection, integrity.INTERACTIONS)
    while chain_finished(connection):  # every finished record of theirs becomes a link
        pass
    in_flight = connection.execute(select(func.count()).select_from(records).where(
        records.c.user_email == email, records.c.state == RECORD_PENDING)).scalar_one()
    if in_flight:
        raise ConflictError(f"{in_flight} requête(s) de cette personne sont en cours : "
                            "réessayez dans une minute.")
    person = by_email(session, email)
    placeholder = f"erased-{person.id if person else erasure_id}@invalid"
    if person is not None:
        deactivate(session, person, by="gdpr.erasure")
    subject = connection.execute(select(subjects.SUBJECTS_TABLE.c.id).where(
        subjects.SUBJECTS_TABLE.c.email == email)).scalar()
    counts = _anonymize(connection, email, placeholder)
    rewritten = _rewrite_journal(connection, email, placeholder)
    if person is not None:
        _anonymize_person(connection, person.id, placeholder)
    connection.execute(delete(subjects.SUBJECTS_TABLE)
                       .where(subjects.SUBJECTS_TABLE.c.email == email))
    result = {"subject": subject, "person": person.id if person else None, **counts,
              "access_rewritten": rewritten}
    append_event(connection, ERASED_KIND, key_id=by.key_id, detail={
        "erasure": erasure_id, **result})
    return result


def _anonymize(connection: Connection, email: str, placeholder: str) -> dict[str, int]:
    records, reviews = _table(Interaction), _table(ReviewDecision)
    counts = {"records": connection.execute(
        update(records).where(records.c.user_email == email).values(
            user_email=placeholder, prompt=None, response=None, prompt_encrypted=None,
            response_encrypted=None, content_key_id=None, request_fingerprint=None)
    ).rowcount or 0}
    counts["decisions"] = connection.execute(
        update(reviews).where(reviews.c.user_email == email).values(
            user_email=placeholder, comment="", request_fingerprint=None)).rowcount or 0
    connection.execute(update(reviews).where(reviews.c.reviewer == email)
                       .values(reviewer=placeholder))
    keys = _table(ApiKey)
    connection.execute(update(keys).where(keys.c.user_email == email)
                       .values(user_email=placeholder, name=None))
    journal = _table(AccessLogEntry)
    connection.execute(update(journal).where(journal.c.user_email == email)
                       .values(user_email=placeholder, reason=None))
    notices = _table(RevocationNotice)
    connection.execute(delete(notices).where(notices.c.user_email == email))
    counters = _table(UsageCounter)
    connection.execute(delete(counters).where(counters.c.key.contains(email)))
    stored = _table(StoredResponse)  # Responses API conversations kept for them
    counts["conversations"] = connection.execute(
        delete(stored).where(stored.c.user_email == email)).rowcount or 0
    return counts


def _rewrite_journal(connection: Connection, email: str, placeholder: str) -> list[int]:
    """Journal entries of others whose filters or reason named the person (a search for
    them): the e-mail is replaced; the erasure's event lists them for verify."""
    journal = _table(AccessLogEntry)
    found = connection.execute(select(journal.c.id, journal.c.filters, journal.c.reason).where(
        sql_cast(journal.c.filters, String).contains(email) | journal.c.reason.contains(email)
    )).all()
    for entry_id, filters, reason in found:
        cleaned = orjson_replace(filters, email, placeholder)
        connection.execute(update(journal).where(journal.c.id == entry_id).values(
            filters=cleaned, reason=reason.replace(email, placeholder) if reason else reason))
    return [int(entry_id) for entry_id, _, _ in found]


def orjson_replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, list):
        return [orjson_replace(item, old, new) for item in value]
    if isinstance(value, dict):
        return {key: orjson_replace(item, old, new) for key, item in value.items()}
    return value


def _anonymize_person(connection: Connection, person_id: str, placeholder: str) -> None:
    people = _table(Person)
    connection.execute(update(people).where(people.c.id == person_id).values(
        email=placeholder, display_name=None, given_name=None, family_name=None,
        directory_department=None, external_id=None, oidc_subject=None, deleted_at=utcnow()))
    members = _table(GroupMember)
    connection.execute(delete(members).where(members.c.person_id == person_id))


def scrub_files(engine: Engine, *, vacuum: str = "plain") -> dict[str, Any]:
    """After the erasure's commit: leave no old copy in the database files (see above)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA secure_delete = ON")
            connection.commit()
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute("VACUUM")
            busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return {"sqlite": {"vacuumed": True, "wal_truncated": busy == 0}}
    full = vacuum == "full"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in TOUCHED:
            connection.exec_driver_sql(f"VACUUM {'FULL ' if full else ''}{table}")
    return {"postgresql": {"vacuum": "full" if full else "plain", "tables": list(TOUCHED)}}

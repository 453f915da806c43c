"""Retention per field: sealed raw text first, then the content, then records and review
decisions; the access journal by its own period; settings that would invert them refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import func, insert, select

from gateway.audit.integrity import INTERACTIONS_TABLE
from gateway.audit.reading.models import AccessLogEntry
from gateway.audit.retention import ACCESS_TABLE, REVIEWS_TABLE, purge
from gateway.audit.verify import verify
from gateway.settings import Settings
from tests.audit._helpers import T0, add_records, chain_table_rows, chained_db, row
from tests.conftest import Databases

NOW = T0 + timedelta(days=400)


def _at(days_ago: int) -> object:
    return NOW - timedelta(days=days_ago)


def test_each_field_goes_at_its_own_age(databases: Databases) -> None:
    engine = chained_db(databases, "fields", 0)
    sealed = {"prompt_encrypted": "v1.sealed", "response_encrypted": "v1.sealed",
              "content_key_id": "k1"}
    # 100 days old: raw text past 90 days, content within 180; 200 days: content past too.
    add_records(engine, [row(i, _at(days), **sealed)  # type: ignore[arg-type]
                         for i, days in enumerate((400, 200, 100, 10))])
    with engine.begin() as connection:
        connection.execute(insert(REVIEWS_TABLE), [
            {"interaction_id": f"i{days}", "action": "rejected", "comment": "non",
             "reviewer": "r@exemple.fr", "decided_at": _at(days), "user_email": "u@exemple.fr"}
            for days in (400, 10)])
        connection.execute(insert(ACCESS_TABLE), [
            {"created_at": _at(days), "user_email": "a@exemple.fr", "role": "auditor",
             "endpoint": "GET /admin/api/interactions", "filters": {}, "record_ids": [],
             "record_count": 0} for days in (200, 10)])
    chain_table_rows(engine)
    result = purge(engine, content_days=180, metadata_days=365, raw_content_days=90,
                   access_log_days=120, now=NOW)
    with engine.connect() as connection:
        rows = {r.created_at.replace(tzinfo=None): r for r in connection.execute(
            select(INTERACTIONS_TABLE).order_by(INTERACTIONS_TABLE.c.created_at))}
        reviews = connection.execute(select(func.count()).select_from(REVIEWS_TABLE)).scalar()
        journal = connection.execute(select(AccessLogEntry.created_at)).scalars().all()
    by_age = {round((NOW.replace(tzinfo=None) - at).days): r for at, r in rows.items()}
    assert set(by_age) == {200, 100, 10}  # the 400-day-old record is deleted
    assert by_age[100].prompt is not None and by_age[100].prompt_encrypted is None
    assert by_age[100].content_key_id is None
    assert by_age[200].prompt is None and by_age[200].prompt_encrypted is None
    assert by_age[10].prompt_encrypted is not None and by_age[10].prompt is not None
    # Erased before the oldest is deleted: it counts in both.
    assert (result.raw_contents_erased, result.contents_erased) == (3, 2)
    assert reviews == 1 and result.deleted["review_decisions"] == 1
    assert len(journal) == 1 and result.deleted["access_log"] == 1
    assert verify(engine).intact
    engine.dispose()


def test_defaults_follow_the_cnil_and_shorten_with_intrusiveness() -> None:
    settings = Settings()
    assert (settings.retention_raw_content_days, settings.retention_content_days,
            settings.retention_metadata_days, settings.retention_access_log_days) == (
        90, 180, 365, 365)
    with pytest.raises(ValidationError, match="RETENTION_CONTENT_DAYS"):
        Settings(retention_content_days=400)
    with pytest.raises(ValidationError, match="RAW_CONTENT_DAYS"):
        Settings(retention_raw_content_days=200)

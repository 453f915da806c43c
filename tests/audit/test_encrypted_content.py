"""``log_content: full-encrypted``: raw content sealed to its record, read only through an
audited admin call, purged with the rest of the content.

The bundled policies hold CONFIDENTIEL documents and ask full-encrypted for them; the
forwarded path is the approved retry (held, approved by a reviewer, sent again).
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import openai
import pydantic
import pytest
from sqlalchemy import Engine, select, text, update

from gateway.app import guard_services
from gateway.audit import content_crypto
from gateway.audit.content_crypto import (
    NO_KEY_MARK,
    PROMPT,
    RESPONSE,
    ContentCipher,
    ContentIntegrityError,
    ContentKeyUnavailableError,
    decrypt_record,
    parse_key,
)
from gateway.audit.integrity import INTERACTIONS_TABLE
from gateway.audit.models import COMPLETE, PENDING
from gateway.audit.retention import purge
from gateway.audit.verify import verify
from gateway.audit.writer import AuditWriter
from gateway.metrics import Metrics
from gateway.settings import Settings
from tests.admin._helpers import admin_client
from tests.audit._helpers import T0, add_records, chained_db, row
from tests.conftest import CONTENT_KEY, Databases, Gateway

NAME = "Jean-Marc Dubreuil"
EMAIL = "jm.dubreuil@cabinet-lefort.fr"
RAW_VALUES = (NAME, EMAIL, "Dubreuil", "dubreuil")
CIPHER = ContentCipher(parse_key(CONTENT_KEY))


def confidential(tag: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": (
        f"CONFIDENTIEL ({tag}) – écris à {NAME} ({EMAIL}) au sujet du plan social."
    )}]


def sdk(gw: Gateway, key: str) -> openai.OpenAI:
    return gw.openai(api_key=key)


def approved_retry(gw: Gateway, messages: list[dict[str, str]], *, stream: bool = False
                   ) -> tuple[str, str, str]:
    """Held, approved, sent again: (held id, retry id, the answer the employee got)."""
    with sdk(gw, gw.key(user=f"claire.{gw.scope}@exemple.fr")) as client:
        return _held_then_retried(gw, client, messages, stream)


def _held_then_retried(gw: Gateway, client: openai.OpenAI, messages: list[dict[str, str]],
                       stream: bool) -> tuple[str, str, str]:
    with pytest.raises(openai.PermissionDeniedError) as held:
        client.chat.completions.create(model="gpt-test", messages=messages)  # type: ignore[arg-type]
    held_id = held.value.response.headers["x-gateway-interaction-id"]
    decided = httpx.post(
        f"{gw.url}/admin/api/reviews/{held_id}/approve", json={"comment": "vu avec la DRH"},
        headers={"Authorization": f"Bearer {gw.key('reviewer')}"}, timeout=30)
    assert decided.status_code == 200, decided.text
    if stream:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-test", messages=messages, stream=True)  # type: ignore[arg-type]
        answer = "".join(c.choices[0].delta.content or "" for c in raw.parse() if c.choices)
    else:
        raw = client.chat.completions.with_raw_response.create(
            model="gpt-test", messages=messages)  # type: ignore[arg-type]
        answer = raw.parse().choices[0].message.content or ""
    return held_id, raw.headers["x-gateway-interaction-id"], answer


def stored_row(engine: Engine, interaction_id: str) -> dict[str, Any]:
    """Every column of a record, waiting for its completion."""
    for _ in range(250):
        with engine.connect() as connection:
            found = connection.execute(
                select(INTERACTIONS_TABLE).where(INTERACTIONS_TABLE.c.id == interaction_id)
            ).mappings().first()
        if found is not None and found["state"] != PENDING and found["seq"] is not None:
            return dict(found)
        time.sleep(0.02)
    raise AssertionError(f"no completed record {interaction_id}")


def assert_nothing_raw(values: dict[str, Any]) -> None:
    for column, value in values.items():
        for raw in RAW_VALUES:
            assert raw not in str(value), (column, raw)


def opened(values: dict[str, Any]) -> dict[str, str | None]:
    return decrypt_record(
        CIPHER, values["id"], {PROMPT: values[PROMPT], RESPONSE: values[RESPONSE]},
        values["content_key_id"],
    )


def read_content(gw: Gateway, role: str, interaction_id: str, **params: str) -> httpx.Response:
    with admin_client(gw, role) as client:
        return client.get(f"/admin/api/interactions/{interaction_id}/content", params=params)


# -- through the live gateway ---------------------------------------------------------------

def test_raw_content_is_sealed_and_never_in_clear(gw: Gateway) -> None:
    messages = confidential("sealed")
    held_id, retry_id, answer = approved_retry(gw, messages)
    assert answer == "reçu: " + messages[0]["content"]  # the employee got the values back
    retry, held = stored_row(gw.engine, retry_id), stored_row(gw.engine, held_id)
    assert retry["decision"] == "approved" and "journal-chiffre-confidentiel" in retry["rule_ids"]
    for record in (retry, held):
        assert_nothing_raw(record)
        assert record["content_key_id"] == CIPHER.key_id
    # The redacted content is kept as before (pseudonymized when sent, masked when held).
    assert "<PERSON_1>" in retry["prompt"] and "<PERSON>" in held["prompt"]

    content = opened(retry)
    assert NAME in (content["prompt"] or "") and EMAIL in (content["prompt"] or "")
    assert NAME not in gw.fake.requests_for("fake-model")[0].raw_body.decode()
    assert content["response"] == answer  # the answer as the employee saw it
    # The held request keeps its raw prompt too (what the reviewer was asked about).
    held_content = opened(held)
    assert NAME in (held_content["prompt"] or "") and held_content["response"] is None


def test_streamed_answer_is_sealed_restored(gw: Gateway) -> None:
    _, retry_id, answer = approved_retry(gw, confidential("stream"), stream=True)
    assert NAME in answer
    record = stored_row(gw.engine, retry_id)
    assert record["stream"] is True
    assert_nothing_raw(record)
    assert opened(record)["response"] == answer


def test_a_ciphertext_moved_to_another_record_does_not_open(gw: Gateway) -> None:
    held_id, retry_id, _ = approved_retry(gw, confidential("moved"))
    retry = stored_row(gw.engine, retry_id)
    moved = {**retry, "id": held_id}
    with pytest.raises(ContentIntegrityError):
        opened(moved)
    swapped = {**retry, PROMPT: retry[RESPONSE], RESPONSE: None}  # column to column
    with pytest.raises(ContentIntegrityError):
        opened(swapped)
    # Copied in the database, the admin read refuses it too.
    with gw.engine.begin() as connection:
        connection.execute(update(INTERACTIONS_TABLE).where(INTERACTIONS_TABLE.c.id == held_id)
                           .values(prompt_encrypted=retry[PROMPT]))
    response = read_content(gw, "auditor", held_id, reason="contrôle")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "content_integrity_error"
    assert NAME not in response.text


def test_admin_read_is_journaled_with_its_reason(gw: Gateway) -> None:
    _, retry_id, answer = approved_retry(gw, confidential("admin"))
    stored_row(gw.engine, retry_id)
    reason = f"ticket DPO-{gw.scope}"
    response = read_content(gw, "auditor", retry_id, reason=reason)
    assert response.status_code == 200, response.text
    body = response.json()
    assert NAME in body["prompt"] and body["response"] == answer
    with admin_client(gw, "admin") as client:
        entries = client.get("/admin/api/access-log",
                             params={"user": f"auditor.{gw.scope}@exemple.fr"}).json()["data"]
    entry = next(e for e in entries if e["reason"] == reason)
    assert entry["record_ids"] == [retry_id]
    assert entry["endpoint"] == f"GET /admin/api/interactions/{retry_id}/content"
    assert entry["role"] == "auditor" and entry["created_at"]
    assert read_content(gw, "admin", retry_id, reason="audit annuel").status_code == 200


def test_admin_read_refusals(gw: Gateway) -> None:
    _, retry_id, _ = approved_retry(gw, confidential("refusals"))
    stored_row(gw.engine, retry_id)
    for role in ("employee", "reviewer"):
        response = read_content(gw, role, retry_id, reason="curiosité")
        assert response.status_code == 403
        assert NAME not in response.text
    assert read_content(gw, "auditor", retry_id).status_code == 400  # no reason
    assert read_content(gw, "auditor", retry_id, reason="  ").status_code == 400
    # A record without encrypted content, and no record at all.
    with sdk(gw, gw.key()) as client:
        plain = client.chat.completions.with_raw_response.create(
            model="gpt-test", messages=[{"role": "user", "content": "Bonjour"}])
    plain_id = plain.headers["x-gateway-interaction-id"]
    assert stored_row(gw.engine, plain_id)[PROMPT] is None
    assert read_content(gw, "auditor", plain_id, reason="contrôle").status_code == 404
    assert read_content(gw, "auditor", "nope", reason="contrôle").status_code == 404


@pytest.fixture
def without_key(gw: Gateway, monkeypatch: pytest.MonkeyPatch) -> Iterator[Gateway]:
    state = gw.app.state.gateway
    monkeypatch.setattr(state, "settings", state.settings.model_copy(update={"content_key": None}))
    # The guard was given the settings' vault once, at start: built again from them.
    monkeypatch.setattr(state, "guard", guard_services(state))
    content_crypto._warn_no_key.cache_clear()
    yield gw


def test_without_a_key_only_redacted_content_is_kept_and_marked(
    without_key: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    gw = without_key
    with sdk(gw, gw.key()) as client, pytest.raises(openai.PermissionDeniedError) as held:
        client.chat.completions.create(
            model="gpt-test", messages=confidential("no-key"))  # type: ignore[arg-type]
    record = stored_row(gw.engine, held.value.response.headers["x-gateway-interaction-id"])
    assert record[PROMPT] is None and record["content_key_id"] is None
    assert NO_KEY_MARK in record["rule_ids"] and "<PERSON>" in record["prompt"]
    assert_nothing_raw(record)
    assert any("GATEWAY_CONTENT_KEY" in r.getMessage() for r in caplog.records)


def test_without_a_key_the_admin_read_says_so(without_key: Gateway) -> None:
    gw = without_key
    with sdk(gw, gw.key()) as client, pytest.raises(openai.PermissionDeniedError) as held:
        client.chat.completions.create(
            model="gpt-test", messages=confidential("no-key-read"))  # type: ignore[arg-type]
    held_id = held.value.response.headers["x-gateway-interaction-id"]
    stored_row(gw.engine, held_id)
    # Sealed earlier, under a key this gateway no longer has.
    with gw.engine.begin() as connection:
        connection.execute(update(INTERACTIONS_TABLE).where(INTERACTIONS_TABLE.c.id == held_id)
                           .values(prompt_encrypted=CIPHER.encrypt(held_id, PROMPT, "brut"),
                                   content_key_id=CIPHER.key_id))
    response = read_content(gw, "auditor", held_id, reason="contrôle")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "content_key_unavailable"
    assert "GATEWAY_CONTENT_KEY" in response.json()["error"]["message"]


def test_the_live_log_still_verifies(gw: Gateway) -> None:
    approved_retry(gw, confidential("verify"))
    result = gw.cli("audit", "verify")
    assert result.returncode == 0, result.stdout + result.stderr


# -- retention, keys, the writer -------------------------------------------------------------

def sealed_row(i: int, created_at: Any) -> dict[str, Any]:
    record = row(i, created_at)
    return {**record, PROMPT: CIPHER.encrypt(record["id"], PROMPT, f"{NAME} {i}"),
            RESPONSE: CIPHER.encrypt(record["id"], RESPONSE, f"réponse à {NAME}"),
            "content_key_id": CIPHER.key_id}


def test_retention_erases_encrypted_content_and_the_log_verifies(databases: Databases) -> None:
    engine = chained_db(databases, "sealed", 0)
    now = T0 + timedelta(days=200)
    old = [sealed_row(i, T0 + timedelta(minutes=i)) for i in range(5)]
    # Encrypted content alone (redacted content already gone) is purged as well.
    old.append({**sealed_row(5, T0 + timedelta(minutes=5)), "prompt": None, "response": None})
    add_records(engine, old + [sealed_row(i, now - timedelta(minutes=i)) for i in range(6, 9)])
    try:
        result = purge(engine, content_days=90, metadata_days=365, now=now)
        assert result.contents_erased == 6
        with engine.connect() as connection:
            rows = connection.execute(select(INTERACTIONS_TABLE).order_by(
                INTERACTIONS_TABLE.c.seq)).mappings().all()
        for record in rows[:6]:
            assert (record[PROMPT], record[RESPONSE], record["content_key_id"]) == (None,) * 3
        for record in rows[6:]:
            assert opened(dict(record))["prompt"] is not None
        report = verify(engine)
        assert report.intact, report.broken
    finally:
        engine.dispose()


def test_keys_in_hex_or_base64_and_rotation() -> None:
    key = bytes(range(32))
    assert parse_key(key.hex()) == parse_key(base64.b64encode(key).decode()) == key
    assert parse_key(base64.urlsafe_b64encode(key).decode()) == key
    for bad in ("", "abc", "00" * 31, base64.b64encode(b"x" * 16).decode()):
        with pytest.raises(ValueError):
            parse_key(bad)
    old, new = ContentCipher(key), ContentCipher(b"\x01" * 32, [key])
    token = old.encrypt("rec-1", PROMPT, "texte brut")
    assert token != old.encrypt("rec-1", PROMPT, "texte brut")  # a fresh nonce each time
    assert new.decrypt("rec-1", PROMPT, token, old.key_id) == "texte brut"
    with pytest.raises(ContentKeyUnavailableError):
        ContentCipher(b"\x02" * 32).decrypt("rec-1", PROMPT, token, old.key_id)
    with pytest.raises(ContentIntegrityError):
        new.decrypt("rec-1", PROMPT, token[:-4] + "AAAA", old.key_id)
    assert key.hex() not in repr(old) and old.key_id != key.hex()[:16]


def test_a_malformed_key_stops_the_settings_without_echoing_it() -> None:
    with pytest.raises(pydantic.ValidationError) as info:
        Settings(content_key="not-a-key-but-a-secret")
    assert "not-a-key-but-a-secret" not in str(info.value)
    with pytest.raises(pydantic.ValidationError):
        Settings(content_key=CONTENT_KEY, content_previous_keys=f"{CONTENT_KEY},oops")
    assert Settings(content_key=CONTENT_KEY).content_key is not None


def test_rows_with_different_columns_share_a_batch(databases: Databases) -> None:
    """A record begun and a record refused, in one group commit: neither loses a column."""
    engine = chained_db(databases, "writer", 0)
    writer = AuditWriter(engine, Metrics())
    begun = {**row(1), "state": PENDING}
    for name in ("completed_at", "status_code", "error", "latency_ms", "response"):
        begun.pop(name)
    refused = {**row(2), "state": COMPLETE, "status_code": 403, "error": "policy_violation: x"}

    async def both() -> None:
        inserts = [asyncio.ensure_future(writer.insert(r)) for r in (begun, refused)]
        await asyncio.sleep(0.05)  # both queued before the writer drains the queue
        writer.start()
        await asyncio.gather(*inserts)

    try:
        asyncio.run(both())
        writer.stop()
        with engine.connect() as connection:
            status, error = connection.execute(text(
                "SELECT status_code, error FROM interactions WHERE id = :id"),
                {"id": refused["id"]}).one()
        assert (status, error) == (403, "policy_violation: x")
    finally:
        engine.dispose()

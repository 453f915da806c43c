"""Usage policies and personal-data redaction on the request path, end to end.

The gateway runs the bundled policies; the fake provider shows exactly what a provider
receives, the openai SDK what an employee gets back, and the database what is kept.
"""

from __future__ import annotations

import json

import httpx
import openai
import pytest

from tests.conftest import Gateway

NAME = "Jean-Marc Dubreuil"
EMAIL = "jm.dubreuil@cabinet-lefort.fr"
PHONE = "06 12 34 56 78"
IBAN = "FR76 3000 6000 0112 3456 7890 189"
PERSONAL = (NAME, EMAIL, PHONE, IBAN, "Dubreuil", "3000 6000")


def nir() -> str:
    body = "1850578006084"
    return f"{body[0]} {body[1:3]} {body[3:5]} {body[5:7]} {body[7:10]} {body[10:13]} {97 - int(body) % 97:02d}"


def sdk(gw: Gateway, **key: object) -> openai.OpenAI:
    return gw.openai(**key)  # type: ignore[arg-type]


def policy_rules(record: dict[str, object]) -> list[str]:
    """The record's rule ids without the budgets that counted the request."""
    limits = {"budget-mensuel-par-service", "debit-par-personne"}
    return [r for r in record["rule_ids"] if r not in limits]  # type: ignore[attr-defined]


def ticket() -> str:
    return (f"Bonjour, le client {NAME} ({EMAIL}, tél. {PHONE}) demande le remboursement "
            f"de la facture FAC-2025-0042 de 1 250,00 € sur l'IBAN {IBAN}. Rédige une réponse.")


def assert_no_personal_data(text: str) -> None:
    for value in PERSONAL:
        assert value not in text, value


def test_provider_sees_placeholders_and_employee_gets_values_back(gw: Gateway) -> None:
    raw = sdk(gw).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "system", "content": f"Tu assistes {NAME}."},
                                    {"role": "user", "content": ticket()}])
    answer = raw.parse().choices[0].message.content
    sent = gw.fake.requests_for("fake-model")[0]
    assert_no_personal_data(sent.raw_body.decode())
    system, user = (m["content"] for m in sent.body["messages"])
    assert "<PERSON_1>" in system and "<PERSON_1>" in user  # same value, same placeholder
    assert "FAC-2025-0042" in user and "1 250,00 €" in user  # business values untouched
    # The fake answers with what it received: the gateway put the values back.
    assert answer == "reçu: " + ticket()
    header = raw.headers["x-gateway-redactions"]
    for kind in ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "IBAN_CODE"):
        assert f"{kind}=" in header

    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["decision"] == "redacted"
    assert "pseudonymisation-hors-site" in record["rule_ids"]
    assert record["pii_findings"]["EMAIL_ADDRESS"] == 1
    assert_no_personal_data(record["prompt"] + record["response"] + json.dumps(record))


def test_streamed_answer_is_restored_across_chunks(gw: Gateway) -> None:
    raw = sdk(gw).chat.completions.with_raw_response.create(
        model="gpt-test", stream=True, messages=[{"role": "user", "content": ticket()}])
    chunks = [c for c in raw.parse() if c.choices]
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text == "reçu: " + ticket()
    assert len(chunks) > 2
    assert_no_personal_data(gw.fake.requests_for("fake-model")[0].raw_body.decode())
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert "<EMAIL_ADDRESS_1>" in record["response"]
    assert_no_personal_data(record["response"] + record["prompt"])


def test_on_prem_model_gets_the_text_unchanged(gw: Gateway) -> None:
    reply = sdk(gw).chat.completions.create(
        model="local-llm", messages=[{"role": "user", "content": ticket()}])
    assert EMAIL in gw.fake.requests_for("fake-model")[0].raw_body.decode()
    assert reply.choices[0].message.content == "reçu: " + ticket()


def test_nir_is_never_sent_outside(gw: Gateway) -> None:
    message = f"Voici le NIR de la salariée : {nir()}, merci de remplir le formulaire."
    with pytest.raises(openai.PermissionDeniedError) as info:
        sdk(gw).chat.completions.create(model="gpt-test",
                                        messages=[{"role": "user", "content": message}])
    error = info.value.body
    assert error["code"] == "policy_violation"
    assert "nir-et-cartes-interdits-hors-site" in error["message"]
    assert gw.fake.received == []
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["decision"] == "blocked" and record["status_code"] == 403
    assert "nir-et-cartes-interdits-hors-site" in record["rule_ids"]
    assert nir() not in record["prompt"] and "FR_NIR" in record["prompt"]


def test_confidential_document_is_held_for_validation(gw: Gateway) -> None:
    with pytest.raises(openai.PermissionDeniedError) as info:
        sdk(gw).chat.completions.create(model="gpt-test", messages=[
            {"role": "user", "content": "CONFIDENTIEL – résume ce compte rendu du comité."}])
    interaction_id = info.value.response.headers["x-gateway-interaction-id"]
    assert info.value.body["code"] == "approval_required"
    assert interaction_id in info.value.body["message"]
    # What happens next: who decides, where the decision shows, what to do then.
    message = info.value.body["message"]
    assert "Rien n'a été envoyé" in message and "validateur" in message
    assert "« Mon activité » (/admin/me" in message
    assert "renvoyez exactement la même requête dans les 24 h" in message
    assert gw.fake.received == []
    record = gw.record(interaction_id)
    assert record["decision"] == "held" and "documents-confidentiels" in record["rule_ids"]


def test_hr_requests_are_routed_to_an_eu_model(gw: Gateway) -> None:
    raw = sdk(gw, user="rh@exemple.fr", department="rh").chat.completions.with_raw_response.create(
        model="gpt-us", messages=[{"role": "user", "content": "Prépare une fiche de poste."}])
    assert raw.parse().choices[0].message.content == "reçu: Prépare une fiche de poste."
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert record["model"] == "gpt-us"
    # The route names no model: the catalogue's first EU or on-prem chat model (gpt-test).
    assert (record["provider"], record["upstream_model"]) == ("openai_compatible", "fake-model")
    assert policy_rules(record) == ["rh-modeles-ue-uniquement"]


def test_interns_cannot_use_payment_tools(gw: Gateway) -> None:
    tools = [{"type": "function", "function": {"name": "send_payment", "parameters": {}}}]
    with pytest.raises(openai.PermissionDeniedError) as info:
        sdk(gw, user="stagiaire@exemple.fr", tags=("stagiaire",)).chat.completions.create(
            model="gpt-test", tools=tools, messages=[{"role": "user", "content": "Paie Dupont"}])
    assert "stagiaires-sans-outils-sensibles" in info.value.body["message"]
    assert gw.fake.received == []


def test_unauthorised_tool_is_refused_and_sees_no_models(gw: Gateway) -> None:
    headers = {"Authorization": f"Bearer {gw.key()}", "User-Agent": "RapportsMaison/2.1 (interne)"}
    with httpx.Client(base_url=gw.url) as client:
        response = client.post("/v1/chat/completions", headers=headers, json={
            "model": "gpt-test", "messages": [{"role": "user", "content": "x"}]})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "policy_violation"
        message = response.json()["error"]["message"]
        assert "outils-autorises" in message
        # The client seen, and how to get it allowed (the policy line, or a bound key).
        assert "client détecté : RapportsMaison/2.1 (interne)" in message
        assert "authorized_tools (00-socle.yaml, ligne " in message
        assert "gateway keys create ... --tool NOM" in message
        assert client.get("/v1/models", headers=headers).json()["data"] == []
        allowed = client.get("/v1/models", headers={**headers, "User-Agent": "curl/8.5.0"})
        assert "gpt-test" in [m["id"] for m in allowed.json()["data"]]


def test_embeddings_input_is_pseudonymized(gw: Gateway) -> None:
    sdk(gw).embeddings.create(model="embed-test", input=[ticket(), "sans données"])
    sent = gw.fake.requests_for("fake-embedding")[0]
    assert_no_personal_data(sent.raw_body.decode())
    assert sent.body["input"][1] == "sans données"


def test_scan_failure_fails_closed(gw: Gateway, monkeypatch: pytest.MonkeyPatch) -> None:
    service = gw.app.state.gateway.redaction

    async def broken(texts: list[str]) -> list[list[object]]:
        raise RuntimeError("spaCy exploded")

    monkeypatch.setattr(service, "analyze_batch_async", broken)
    with pytest.raises(openai.InternalServerError) as info:
        sdk(gw).chat.completions.create(model="gpt-test",
                                        messages=[{"role": "user", "content": ticket()}])
    assert info.value.status_code == 503
    assert info.value.body["code"] == "redaction_unavailable"
    assert gw.fake.received == []
    record = gw.record(info.value.response.headers["x-gateway-interaction-id"])
    assert record["status_code"] == 503 and record["decision"] == "error"


def test_record_names_only_the_rules_that_acted(gw: Gateway) -> None:
    """Bonjour to an external model: the pseudonymization and NIR rules apply to the model,
    but had nothing to do, so the record names no rule."""
    raw = sdk(gw).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": "Bonjour !"}])
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert policy_rules(record) == [] and record["decision"] == "allowed"
    raw = sdk(gw).chat.completions.with_raw_response.create(
        model="gpt-test", messages=[{"role": "user", "content": ticket()}])
    record = gw.record(raw.headers["x-gateway-interaction-id"])
    assert policy_rules(record) == ["pseudonymisation-hors-site"]


def test_common_clients_are_allowed_by_the_bundled_policies(gw: Gateway) -> None:
    with httpx.Client(base_url=gw.url) as client:
        for agent in ("OpenAI/JS 4.80.0", "litellm/1.110.2", "python-requests/2.32.3",
                      "Python/3.11 aiohttp/3.9.5", "codex_cli_rs/0.20.0 (Ubuntu; x86_64)"):
            response = client.post(
                "/v1/chat/completions",
                headers={"Authorization": f"Bearer {gw.key()}", "User-Agent": agent},
                json={"model": "gpt-test", "messages": [{"role": "user", "content": "x"}]})
            assert response.status_code == 200, (agent, response.text)
            record = gw.record(response.headers["x-gateway-interaction-id"])
            assert record["tool"] != "unknown", agent

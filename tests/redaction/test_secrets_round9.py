"""Issue 15, ninth round, secrets: password hashes, Oracle's « user/password@ », Samba's
« -U user%password », a password piped to « docker login --password-stdin », .NET
app settings, a key in a URL's query, a Teams webhook, a Wi-Fi key after « clé », the
answer to a question about a password, a « login / password » pair with no label, a
number between the label and its value, a blank line under the label, and logins after
« identifiant ». Templates' placeholders and harmless codes stay. One request through the
gateway with the bundled policies shows a pair from a chat pseudonymized before the
provider and in the record."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from tests.conftest import Gateway
from tests.hardening._helpers import post_fresh

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("deploy:$apr1$r31Kq9Zx$HqJZimcKQFAMYayBlzkrA/", "$apr1$r31Kq9Zx$HqJZimcKQFAMYayBlzkrA/"),
        (
            "ops:$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW:19700:0:99999:7:::",
            "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
        ),
        (
            "backup:$6$Zq8Lm2Rk$J7tV0wX3yB9nC4mD1fG6hK2pL8qR5sT0uW3xY7zA1bC4dE6fH9jK2mN5pQ8rS1tU4vW7xZ0aB3cD6eF9gH2j:19700:0:99999:7:::",
            "$6$Zq8Lm2Rk$J7tV0wX3yB9nC4mD1fG6hK2pL8qR5sT0uW3xY7zA1bC4dE6fH9jK2mN5pQ8rS1tU4vW7xZ0aB3cD6eF9gH2j",
        ),
        ("uid=jdoe,ou=rh;{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=", "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="),
        ("sqlplus scott/Tig3r#2026@//db.interne:1521/ORCL", "Tig3r#2026"),
        ("smbclient //srv/partage -U rh%Rh-Partage!9 -c 'ls'", "Rh-Partage!9"),
        (
            "echo 'Reg1stry!Pw' | podman login quay.interne -u bot --password-stdin",
            "Reg1stry!Pw",
        ),
        ('<add key="Smtp.ApiKey" value="Zx8Lm2Qp7Rw4" />', "Zx8Lm2Qp7Rw4"),
        (
            "GET https://meteo.interne/v2/forecast?city=Lille&key=Q7mZ2xR9vL4tW8nK3bC1",
            "Q7mZ2xR9vL4tW8nK3bC1",
        ),
        (
            "https://acme.webhook.office.com/webhookb2/x/IncomingWebhook/"
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0/y",
            "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        ),
        (
            "POST https://hooks.slack.com/services/T0AB12CD/B0EF34GH/Zq8Wx7Vc6Bn5Ml4Kj3Hg",
            "T0AB12CD/B0EF34GH/Zq8Wx7Vc6Bn5Ml4Kj3Hg",
        ),
        ("wifi du dépôt : réseau Depot-5G, clé 4hx9-qm2r-7ktz-p3wn", "4hx9-qm2r-7ktz-p3wn"),
        ("quelqu'un a le mot de passe du NAS ? — Nas2026bureau", "Nas2026bureau"),
        ("sur le portail tu tapes compta / Bilan#2026x et ça passe", "Bilan#2026x"),
        ("mdp poste 3 : accueil3bis", "accueil3bis"),
        ("Votre nouveau mot de passe :\n\nQm7!tRz42\n\nL'équipe IT", "Qm7!tRz42"),
    ],
)
def test_secrets_in_admin_tools_and_chat(found: Found, text: str, secret: str) -> None:
    assert secret in found(text, "SECRET")


@pytest.mark.parametrize(
    "text, secrets",
    [
        ("srv-pg.interne:5432:ventes:ventes_ro:Vt!Lecture26", ["Vt!Lecture26"]),
        (r"net use S: \\nas01\rh Rh!Dossiers9 /user:ACME\lpetit", ["Rh!Dossiers9"]),
        ('$s = ConvertTo-SecureString "Wsus!Adm1n" -AsPlainText -Force', ["Wsus!Adm1n"]),
        ("bcp Ventes.dbo.Cmd out c.dat -S sql02 -U etl -P 'Etl#Export7' -c", ["Etl#Export7"]),
        ("ldapmodify -x -D cn=admin,dc=acme -w 'Ann!uaire42' -f modif.ldif", ["Ann!uaire42"]),
        ("mongodump -u sauvegarde -p Mdump!2026 --db crm", ["Mdump!2026"]),
        ("htpasswd -b /etc/apache2/.htpasswd compta Compta@Web7", ["Compta@Web7"]),
        (
            "keytool -importkeystore -srcstorepass Src#Jks1 -deststorepass Dst#Jks2",
            ["Src#Jks1", "Dst#Jks2"],
        ),
    ],
)
def test_passwords_in_admin_commands_and_credential_files(
    found: Found, text: str, secrets: list[str]
) -> None:
    assert [s for s in secrets if s in found(text, "SECRET")] == secrets


@pytest.mark.parametrize(
    "text",
    [
        "DATABASE_URL=postgres://svc:changeme@db.interne:5432/app",
        "password = %(db_password)s",
        "le code promo c'est HIVER2027 sur le site",
        "la clé USB est sur ton bureau, version 2.4.1",
        "le bâtiment A / B2C est fermé",
        "git show 7f3e2a91c4b8 sur la branche release/2.14",
        "sqlcmd -S sql01 -U sa -P $SA_PASSWORD -i init.sql",
        "capteur 00:11:22:33:44:55 relevé à 10:12",
    ],
)
def test_placeholders_and_harmless_codes_stay(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []


@pytest.mark.parametrize(
    "text, login",
    [("Identifiant : mlefebvre\nMot de passe : Bienvenue!42", "mlefebvre")],
)
def test_a_login_after_identifiant_is_a_person(found: Found, text: str, login: str) -> None:
    assert login in found(text, "PERSON")


def test_a_credential_pair_in_a_chat_is_pseudonymized_before_the_provider_and_in_the_record(
    gw: Gateway,
    http: httpx.Client,
) -> None:
    message = "pour le portail fournisseur tu mets treso.nord / Tr3so!Nord-26, merci"
    body = {"model": "gpt-test", "messages": [{"role": "user", "content": message}]}
    response = post_fresh(gw, http, "/v1/chat/completions", body, sender="secrets9")
    assert response.status_code == 200, response.text
    assert "SECRET=1" in response.headers["x-gateway-redactions"]
    sent = json.dumps([r.body for r in gw.fake.received], ensure_ascii=False)
    assert "Tr3so!Nord-26" not in sent and "portail fournisseur" in sent, sent
    record = gw.record(response.headers["x-gateway-interaction-id"])
    assert record["pii_findings"].get("SECRET") == 1
    assert "Tr3so!Nord-26" not in json.dumps(record, ensure_ascii=False)

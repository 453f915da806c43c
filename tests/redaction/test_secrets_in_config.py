"""Issue 15: secrets in configuration lines, URLs and French or English prose."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("SMTP_PASSWORD=Qx7!mailer-22\nSMTP_PORT=587", "Qx7!mailer-22"),
        ("export AWS_SECRET_ACCESS_KEY=Hq2vT8xLm4nB7cR1sW6yZ3dF5gJ0aE9uI8oKp2Wd", "Hq2vT8xLm4nB7cR1sW6yZ3dF5gJ0aE9uI8oKp2Wd"),
        ("  db_pass: 'Lune-Rousse-88'", "Lune-Rousse-88"),
        ('{"client_secret": "c2f9e1a7b4d84e0f"}', "c2f9e1a7b4d84e0f"),
        ("[smtp]\npasswd = Tr3s-Secret", "Tr3s-Secret"),
        ("DSN=mysql://compta:Bilan-2025!@db.local:3306/ledger", "Bilan-2025!"),
        ("cache: redis://:Rd-88-cache@10.1.2.3:6379/0", "Rd-88-cache"),
        ("curl -u ci-bot:Tk-55-deploy https://ci.local/api", "Tk-55-deploy"),
    ],
)
def test_configuration_secrets(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Ton mot de passe provisoire pour l'intranet : Pomme-Verte-31", "Pomme-Verte-31"),
        ("le mdp de l'imprimante c'est Canon2026 normalement", "Canon2026"),
        ("identifiant / mot de passe : l.faure / Faure#2026", "Faure#2026"),
        ("login l.faure mdp Faure#2026 à changer", "Faure#2026"),
        ("The new password is Sunset-Harbor-9 until Friday.", "Sunset-Harbor-9"),
        ("Code wifi : Atelier-Bois-2024", "Atelier-Bois-2024"),
    ],
)
def test_secrets_in_prose(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


@pytest.mark.parametrize(
    "text",
    [
        "PASSWORD_MIN_LENGTH=12",
        "password=${DB_PASSWORD}",
        "token_type: bearer",
        "Le mot de passe est incorrect, réessayez.",
        "Vous avez oublié votre mot de passe ? Cliquez sur le lien.",
        "Le mot de passe doit contenir 12 caractères.",
    ],
)
def test_settings_and_sentences_about_passwords_are_not_secrets(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []


# Issue 15, second round (bench/data/dev2_fr): provider keys pasted in chat
# messages, access codes, keys named in prose or on a command line.
@pytest.mark.parametrize(
    "text, secret",
    [
        (
            "Emma: 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",
            "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",
        ),
        (
            "tiens le token npm : npm_Q7wErT5yUi9oPa3sDf6gHj2kLz8xCv4bNm1Q",
            "npm_Q7wErT5yUi9oPa3sDf6gHj2kLz8xCv4bNm1Q",
        ),
        (
            "+ export SHOPIFY_TOKEN=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",
            "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",
        ),
        ("le digicode du parking 19A64, merci", "19A64"),
        ("le code de la porte du local vélo c'est 4827B", "4827B"),
        ("Pour le local chaudière, le code est 0719.", "0719"),
        ("Zoom link below, passcode 482913.", "482913"),
        ("Mon code confidentiel est le 7391", "7391"),
        (
            "The API key for the EU site is 6f1e0b4c9d2a7f3e8b5c0d1a2e9f4b7c, store it.",
            "6f1e0b4c9d2a7f3e8b5c0d1a2e9f4b7c",
        ),
        (
            "backup.sh --s3-secret hT7kP2vX9qLm4nB8cR1sW6yZ3dF5gJ0aE2uI8oKq --bucket compta",
            "hT7kP2vX9qLm4nB8cR1sW6yZ3dF5gJ0aE2uI8oKq",
        ),
        ("ALGOLIA_ADMIN_KEY=f1c8e2d94a7b03e65c2d1f8a9b4e7c03", "f1c8e2d94a7b03e65c2d1f8a9b4e7c03"),
        (
            "dsn: https://70514ee63b0f661b6d6117d446d687e4@o4504.ingest.sentry.io/42",
            "70514ee63b0f661b6d6117d446d687e4",
        ),
        ("identifiants : admin / Xy!2026 merci", "Xy!2026"),
        ("mot de passe « Soleil-2026 » à changer", "Soleil-2026"),
        ("Margaux : le mot de passe du wifi ?\nBastien : c'est Everest_2026!", "Everest_2026!"),
    ],
)
def test_provider_keys_and_access_codes(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


@pytest.mark.parametrize(
    "text",
    [
        "Code postal : 75011, code client : C-2291.",
        "Pour TeamViewer, le code d'accès TeamViewer : ID 1 284 553 907.",
        "sort_key: created_at\ncache_key = user-profile",
        "Accès : Lyon / Paris, horaires 14h / 18h.",
        "Référence : CMD-2026-11873, livraison le 12/01.",
    ],
)
def test_codes_and_keys_that_are_not_secrets(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Réseau : Bureau-5G / Clé : Wx7-pl2Q-99", "Wx7-pl2Q-99"),
        ("mysql -u root -pS3cret! boutique", "S3cret!"),
        ("le code de ma carte c'est 4471", "4471"),
    ],
)
def test_wifi_keys_card_codes_and_glued_passwords(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]

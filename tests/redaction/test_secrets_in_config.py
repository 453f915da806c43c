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

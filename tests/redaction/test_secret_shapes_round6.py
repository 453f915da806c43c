"""Issue 15, sixth round: a PIN spaced digit by digit, an alarm or a safe « of
the shop » (the owner is no harmless qualifier there), a password after « c'est
maintenant », and an e-mail login paired with its password."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("le code du portail ? c'est 3 9 1 7 depuis lundi", "3 9 1 7"),
        ("Cadenas du vestiaire : 0 5 5 2 8.", "0 5 5 2 8"),
        ("Digicode de la zone B : 8163, à taper avant d'entrer.", "8163"),
        ("Le coffre du magasin s'ouvre avec 44071 le matin.", "44071"),
    ],
)
def test_spaced_pins_and_codes_of_a_place(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


def test_a_password_after_cest_maintenant(found: Found) -> None:
    text = "J'ai modifié le mot de passe de la box, c'est maintenant Orage92Gris"
    assert found(text, "SECRET") == ["Orage92Gris"]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("accès Qonto : tresorerie@menuiserie-roy.fr / Roy!Banque31", "Roy!Banque31"),
        ("tu te connectes avec rh@ecole-bleue.org | Ecole2027rh", "Ecole2027rh"),
    ],
)
def test_an_email_login_and_its_password(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


@pytest.mark.parametrize(
    "text",
    [
        "Écrire à paul.morin@exemple.fr / Marketing pour la campagne.",
        "Code magasin : 4417 (Auchan Vélizy).",
        "Le code postal de l'agence est 69003.",
    ],
)
def test_harmless_look_alikes_stay(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []

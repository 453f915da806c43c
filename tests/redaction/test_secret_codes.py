"""Issue 15: PINs and codes a few words from their label, spaced one-time codes, card
security codes and more password phrasings (``recognizers/secret_codes.py``); and the
harmless codes of the same shape that must stay readable."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Ton code d'accès te sera remis par SMS demain : 7315.", "7315"),
        ("le digicode du parking ? normalement toujours 2291", "2291"),
        ("Le cadenas du vestiaire 4 : 0918", "0918"),
        ("la clé est dans le coffre, combinaison du coffre 12-38-05", "12-38-05"),
        ("Your verification passcode is 804 137.", "804 137"),
        ("Carte se terminant par 4417, cryptogramme 902.", "902"),
        ("mdp temporaire (valable 24 h) : Gx8-Lop2", "Gx8-Lop2"),
        ("les identifiants sont compta et Ferme#2031 pour le moment", "Ferme#2031"),
        ("podman login quay.io -u robot -p Qz7pLw2Kx9", "Qz7pLw2Kx9"),
    ],
)
def test_codes_and_passwords_near_their_label(found: Found, text: str, secret: str) -> None:
    assert secret in found(text, "SECRET")


@pytest.mark.parametrize(
    "text",
    [
        "Merci d'indiquer le code postal 33800 sur le bon de livraison.",
        "Le code client 55120 et le code banque 10278 figurent sur le RIB.",
        "Utilisez le code promo NOEL25 avant le 24.",
        "Le code de l'alarme a été changé en 2026 par le prestataire.",
        "Le code PIN vous sera envoyé au 06 41 72 88 19 par SMS.",
    ],
)
def test_harmless_codes_stay(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []


@pytest.mark.parametrize(
    "text, secret",
    [
        ("Wi-Fi salle B : clé Orion#7731 pour les invités", "Orion#7731"),
        ("tu as le mdp du compte Figma ? c'est pas figma2026design ?", "figma2026design"),
        ("smtp_password: 'wxyz abcd efgh ijkl'", "wxyz abcd efgh ijkl"),
        (
            "POST https://hooks.slack.com/services/T01ZZ9/B02YY8/aB3dE5fG7hJ9kL1mN3pQ5rS7",
            "T01ZZ9/B02YY8/aB3dE5fG7hJ9kL1mN3pQ5rS7",
        ),
    ],
)
def test_more_password_phrasings_and_webhooks(found: Found, text: str, secret: str) -> None:
    assert secret in found(text, "SECRET")


def test_c_est_without_an_access_label_is_not_a_secret(found: Found) -> None:
    assert found("La salle du rdv, c'est la B204 au deuxième.", "SECRET") == []


@pytest.mark.parametrize(
    "text, secrets",
    [
        ("552918 est votre code de connexion. Ne le partagez pas.", ["552918"]),
        ("Le mot de passe de l'archive est le suivant :\nKiwi-Zip#88\n\nMerci", ["Kiwi-Zip#88"]),
        ("Vos codes de secours :\n7hq2-k9dm\nx4pw-3nzr\n\nGardez-les.", ["7hq2-k9dm", "x4pw-3nzr"]),
    ],
)
def test_values_before_or_below_their_label(found: Found, text: str, secrets: list[str]) -> None:
    assert found(text, "SECRET") == secrets


def test_a_link_below_a_password_label_is_not_the_password(found: Found) -> None:
    text = "Mot de passe oublié ? Suivez ce lien :\nhttps://intranet.exemple.fr/reset\n"
    assert found(text, "SECRET") == []


@pytest.mark.parametrize(
    "text, secret",
    [
        ("le mdp du NAS est toujours Girafe77, rien n'a changé", "Girafe77"),
        ("The admin password is still Kx9-Maple!", "Kx9-Maple!"),
        ("<config><password>Brume2027#</password></config>", "Brume2027#"),
        ("<apiKey>7fa3c9e1b2d4</apiKey>", "7fa3c9e1b2d4"),
    ],
)
def test_secrets_after_an_adverb_or_in_an_xml_element(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


def test_an_adverb_before_an_ordinary_word_is_no_secret(found: Found) -> None:
    assert found("le mot de passe est toujours le même qu'avant", "SECRET") == []

"""Issue 15, seventh round: secrets of shapes the label rules missed (a token of
any provider by its prefix and random body, ``redis-cli -a``, a login / password
pair after a label with words before its colon, a padlock's three digits, a
PUK, « pw: »), and look-alikes that stay harmless."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        (
            "colle glsa_Hq7Lr2Vx9Kp4Tz8Wm1Nc5Bd3 dans le pipeline",
            "glsa_Hq7Lr2Vx9Kp4Tz8Wm1Nc5Bd3",
        ),
        ("ajoute dop_v1_Zk8Qw3Lt6Rv1Xp9Mn4Bc7Hd2 au vault", "dop_v1_Zk8Qw3Lt6Rv1Xp9Mn4Bc7Hd2"),
        ("redis-cli -h cache01 -a Hibou_Blanc_19 INFO", "Hibou_Blanc_19"),
        ("Accès Qonto de l'agence : tresorerie / Agence!Nord7", "Agence!Nord7"),
        ("Compte stagiaire : stage01 / Printemps2027", "Printemps2027"),
        ("le cadenas du casier c'est 907, ne le note nulle part", "907"),
        ("PUK : 40718263 si la carte se bloque", "40718263"),
        ("pw: Falaise#21", "Falaise#21"),
    ],
)
def test_secret_shapes(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


@pytest.mark.parametrize(
    "text",
    [
        "def test_user_login_flow_handles_expired_tokens(): pass",
        "la combinaison de ski en taille 38 est en rayon",
        "le cadenas coûte 120 € chez le serrurier",
        "Compte client : Dupont / Martin",
    ],
)
def test_look_alikes_stay(found: Found, text: str) -> None:
    assert found(text, "SECRET") == []

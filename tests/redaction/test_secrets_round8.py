"""Issue 15, eighth round, secrets: Wi-Fi pre-shared keys and a secret passed as a quoted
argument after its quoted key (PHP's define, getenv with a default)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "text, secret",
    [
        ('wifi_psk: "Chalet#Neige_42"', "Chalet#Neige_42"),
        ("define('SMTP_PASSWORD', 'Mer&Soleil_19');", "Mer&Soleil_19"),
        ('token = os.getenv("API_TOKEN", "Ab7-Kq9-Zz3-Lp0")', "Ab7-Kq9-Zz3-Lp0"),
    ],
)
def test_secrets_in_quoted_arguments_and_wifi_keys(found: Found, text: str, secret: str) -> None:
    assert found(text, "SECRET") == [secret]


def test_a_default_placeholder_is_no_secret(found: Found) -> None:
    assert found('key = os.getenv("API_TOKEN", "default")', "SECRET") == []


def test_the_signature_of_a_shared_access_url(found: Found) -> None:
    text = "https://rh.blob.core.windows.net/paie?sv=2022-11-02&sp=r&sig=Qm8%2FzT4kLw9Xv2Rn7Bc5Hs1Jd%3D"
    assert found(text, "SECRET") == ["Qm8%2FzT4kLw9Xv2Rn7Bc5Hs1Jd%3D"]

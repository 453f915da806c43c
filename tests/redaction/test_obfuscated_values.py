"""Issue 15: identifiers written to dodge a regex are found, offsets on the text as written."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from gateway.redaction import RedactionService

Found = Callable[[str, str], list[str]]


@pytest.mark.parametrize(
    "nir",
    [
        "2.76.04.44.109.377.38",  # dots
        "2-76-04-44-109-377-38",  # dashes
        "276044410937738",  # compact
        "2 76 04 44 109 377",  # without its key
        "２ ７６ ０４ ４４ １０９ ３７７ ３８",  # full-width digits
        "2\u200b76\u200b04\u200b44\u200b109\u200b377\u200b38",  # zero-width spaces
    ],
)
def test_labelled_nir_in_every_spelling(found: Found, nir: str) -> None:
    assert found(f"Assurée, n° de sécurité sociale : {nir}, dossier complet.", "FR_NIR") == [nir]


def test_nir_with_a_wrong_key_needs_its_label(found: Found) -> None:
    assert found("NIR de la salariée : 2 76 04 44 109 377 82", "FR_NIR") == [
        "2 76 04 44 109 377 82"
    ]
    assert found("Réf. commande 276044410937782 livrée", "FR_NIR") == []


@pytest.mark.parametrize(
    "text",
    [
        "Pièce jointe : attestation_276044410937738.pdf",
        "https://intranet.exemple.fr/dossiers/276044410937738/fiche.png",
        "utilisateur u276044410937738 créé",
        "clé redis salarie:276044410937738:conges",
    ],
)
def test_a_valid_nir_inside_a_name_or_a_url_is_found(found: Found, text: str) -> None:
    # Glued to letters or slashes the usual boundaries do not hold; the valid key does.
    assert found(text, "FR_NIR") == ["276044410937738"]


@pytest.mark.parametrize(
    "text",
    [
        "commande_276044410937782.pdf",  # wrong key: a reference, not a NIR
        "https://cdn.exemple.fr/img/1276044410937738.png",  # 16 digits
        "ticket 2760444109377389",  # a longer number
    ],
)
def test_glued_numbers_without_a_valid_key_are_left(found: Found, text: str) -> None:
    assert found(text, "FR_NIR") == []


@pytest.mark.parametrize(
    "phone",
    [
        "07/31/52/48/66",
        "0 7 3 1 5 2 4 8 6 6",
        "0731 524 866",
        "０７ ３１ ５２ ４８ ６６",
        "07\u200b31\u200b52\u200b48\u200b66",
        "07\u201131\u201152\u201148\u201166",
        "(+33) 7 31 52 48 66",
    ],
)
def test_phone_in_every_spelling(found: Found, phone: str) -> None:
    assert found(f"Rappelez-moi au {phone} après 17h.", "PHONE_NUMBER") == [phone]


def test_dates_and_versions_are_not_loose_phones(found: Found) -> None:
    assert found("Réunion le 05 12 2026 10 30 salle B, version 0.12.3.4", "PHONE_NUMBER") == []


@pytest.mark.parametrize(
    "email",
    [
        "louise.marty [at] cabinet-marty [dot] fr",
        "louise.marty(at)cabinet-marty.fr",
        "louise.marty @ cabinet-marty.fr",
        "louise.marty{at}cabinet-marty.fr",
        "louise.marty at cabinet-marty dot fr",
    ],
)
def test_obfuscated_email(found: Found, email: str) -> None:
    assert found(f"Écrivez-lui : {email} pour le devis.", "EMAIL_ADDRESS") == [email]


@pytest.mark.parametrize(
    "iban",
    ["FR 63 30004 27864 27295181756 05", "FR6330004 27864272951817 5605", "fr6330004278642729518175605"],
)
def test_iban_grouped_oddly(found: Found, iban: str) -> None:
    assert found(f"Virement sur {iban} merci.", "IBAN_CODE") == [iban]


def test_words_after_a_country_like_pair_are_not_an_iban(found: Found) -> None:
    assert found("Livraison au 14 rue des Moulins avant jeudi midi.", "IBAN_CODE") == []


@pytest.mark.parametrize(
    "text, card",
    [
        ("Relevé : 14/11 4974 1027 6161 2496 FNAC 89,90", "4974 1027 6161 2496"),
        ("Qté 3 4485862570292960 exp 10/27", "4485862570292960"),
        ("payé le 2/12 5137 0652 8630 3746.", "5137 0652 8630 3746"),
    ],
)
def test_card_after_a_date_or_a_quantity(found: Found, text: str, card: str) -> None:
    assert found(text, "CREDIT_CARD") == [card]


def test_offsets_point_at_the_text_as_written(service: RedactionService) -> None:
    text = "Tél : ０７ ３１ ５２ ４８ ６６, n° SS 2\u200b76\u200b04\u200b44\u200b109\u200b377\u200b38."
    spans = {f.entity_type: text[f.start : f.end] for f in service.analyze(text)}
    assert spans["PHONE_NUMBER"] == "０７ ３１ ５２ ４８ ６６"
    assert spans["FR_NIR"] == "2\u200b76\u200b04\u200b44\u200b109\u200b377\u200b38"

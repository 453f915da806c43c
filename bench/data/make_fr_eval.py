"""Deterministic generator of the labelled French evaluation set.

Usage: python bench/data/make_fr_eval.py  ->  bench/data/fr_eval.jsonl

Each line: {"id", "kind", "text", "spans": [{"label", "start", "end"}],
"harmless": [{"kind", "start", "end"}]}. Personal data is labelled; harmless
values (amounts, dates, references, quantities...) must survive redaction.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path

import fr_values as v

SEED = 20250312
COMPANIES = [
    "Solvéa SAS",
    "Néotech SARL",
    "Atelier Brindille",
    "Transports Rivage",
    "Cabinet Orée",
    "Groupe Altis",
    "Menuiserie du Val",
    "Logistique Hexa",
    "Kalidea Conseil",
    "Ferronnerie Azur",
]
DOMAINS = [
    "solvea.fr",
    "neotech.com",
    "gmail.com",
    "orange.fr",
    "free.fr",
    "altis-groupe.fr",
    "hexa-logistique.fr",
    "yahoo.fr",
    "outlook.fr",
    "kalidea.fr",
]
UNITS = ["unités", "pièces", "cartons", "licences", "heures"]
MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


class Doc:
    """Text builder recording labelled PII spans and harmless spans."""

    def __init__(self, kind: str) -> None:
        self.kind, self.text = kind, ""
        self.spans: list[dict[str, object]] = []
        self.harmless: list[dict[str, object]] = []

    def t(self, text: str) -> Doc:
        self.text += text
        return self

    def pii(self, label: str, value: str) -> Doc:
        self.spans.append(
            {"label": label, "start": len(self.text), "end": len(self.text) + len(value)}
        )
        self.text += value
        return self

    def ok(self, kind: str, value: str) -> Doc:
        self.harmless.append(
            {"kind": kind, "start": len(self.text), "end": len(self.text) + len(value)}
        )
        self.text += value
        return self

    def name(self, rng: random.Random, first: str, last: str, title: bool = True) -> Doc:
        style = rng.random()
        if title and style < 0.25:
            self.t(rng.choice(["M. ", "Mme ", "Madame ", "Monsieur "]))
            return self.pii("PERSON", last if rng.random() < 0.5 else f"{first} {last}")
        if style < 0.4:
            return self.pii("PERSON", f"{first} {last.upper()}")
        if style < 0.47:
            return self.pii("PERSON", f"{last.upper()} {first}")
        return self.pii("PERSON", f"{first} {last}")

    def address(self, rng: random.Random, sep: str = ", ") -> Doc:
        street, city = v.street(rng), v.city(rng)
        if rng.random() < 0.15:
            return self.pii("ADDRESS", city)
        return self.pii("ADDRESS", f"{street}{sep}{city}")


def amount(rng: random.Random) -> str:
    euros = rng.choice([rng.randint(5, 999), rng.randint(1000, 99999)])
    text = f"{euros:,}".replace(",", " ")
    return rng.choice(
        [f"{text},{rng.randint(0, 99):02d} €", f"{text} €", f"{text},00 € HT", f"{text} EUR"]
    )


def date(rng: random.Random) -> str:
    d, m, y = rng.randint(1, 28), rng.randint(1, 12), rng.choice([2024, 2025])
    return rng.choice([f"{d:02d}/{m:02d}/{y}", f"{d} {MONTHS[m - 1]} {y}", f"{y}-{m:02d}-{d:02d}"])


def ref(rng: random.Random, kind: str) -> str:
    y = rng.choice([2024, 2025])
    return {
        "order": f"CMD-{y}-{rng.randint(1, 99999):05d}",
        "invoice": rng.choice(
            [
                f"FA-{y}-{rng.randint(1, 9999):04d}",
                f"F{y}{rng.randint(1, 12):02d}{rng.randint(1, 999):03d}",
            ]
        ),
        "ticket": f"#{rng.randint(10000, 99999)}",
        "contract": f"CTR-{rng.randint(10000, 99999)}",
        "percent": f"{rng.choice([5, 10, 12.5, 15, 20, 2.5])} %".replace(".", ","),
        "qty": f"{rng.randint(1, 500)} {rng.choice(UNITS)}",
        "time": f"{rng.randint(8, 18)}h{rng.choice(['00', '15', '30', '45'])}",
    }[kind]


def business_email(rng: random.Random) -> Doc:
    d = Doc("business_email")
    (sf, sl), (rf, rl) = v.person(rng), v.person(rng)
    d.t(rng.choice(["Bonjour ", "Bonjour Madame ", "Cher ", "Bonjour "]))
    d.pii("PERSON", rf if rng.random() < 0.6 else f"{rf} {rl}")
    d.t(",\n\nSuite à notre échange du ").ok("date", date(rng))
    d.t(
        rng.choice(
            [
                ", je vous confirme la commande ",
                ", veuillez trouver ci-joint le devis pour la commande ",
            ]
        )
    )
    d.ok("order", ref(rng, "order")).t(" d'un montant de ").ok("amount", amount(rng)).t(". ")
    if rng.random() < 0.6:
        d.t("La livraison est prévue au ").address(rng).t(" le ").ok("date", date(rng)).t(". ")
    if rng.random() < 0.5:
        d.t("Mon collègue ").name(rng, *v.person(rng)).t(" vous contactera pour les ")
        d.ok("qty", ref(rng, "qty")).t(" restantes. ")
    d.t("N'hésitez pas à me joindre au ").pii("PHONE_NUMBER", v.phone(rng)).t(
        ".\n\nCordialement,\n"
    )
    d.pii("PERSON", f"{sf} {sl}").t(f"\n{rng.choice(COMPANIES)}\n")
    d.pii("EMAIL_ADDRESS", v.email(rng, sf, sl, rng.choice(DOMAINS)))
    if rng.random() < 0.5:
        base = v.siren(rng)
        d.t(" — SIRET ").pii("FR_SIRET", v.fmt_siret(rng, v.siret(rng, base)))
        d.t(" — TVA ").pii("FR_VAT", v.vat(rng, base))
    return d


def support_ticket(rng: random.Random) -> Doc:
    d = Doc("support_ticket")
    first, last = v.person(rng)
    d.t("Ticket ").ok("ticket", ref(rng, "ticket")).t(" — ouvert le ").ok("date", date(rng))
    d.t(" à ").ok("time", ref(rng, "time")).t("\nClient : ").name(rng, first, last)
    d.t(" (").pii("EMAIL_ADDRESS", v.email(rng, first, last, rng.choice(DOMAINS))).t(")\nTél : ")
    d.pii("PHONE_NUMBER", v.phone(rng)).t("\nMessage : ")
    d.t(
        rng.choice(["Rendez-vous", "Bonjour", "Impossible"])
        + " de me connecter depuis hier, adresse IP "
    )
    d.pii("IP_ADDRESS", v.ipv4(rng) if rng.random() < 0.85 else v.ipv6(rng))
    d.t(". Ma commande ").ok("order", ref(rng, "order")).t(" de ").ok("amount", amount(rng))
    d.t(" est bloquée. ")
    if rng.random() < 0.35:
        prefix, value = v.secret(rng)
        d.t(f"Je vous mets {prefix}").pii("SECRET", value).t(" pour tester. ")
    if rng.random() < 0.3:
        d.t("Remboursement sur la carte ").pii("CREDIT_CARD", v.card(rng)).t(" svp. ")
    d.t("\nPriorité : haute (SLA ").ok("percent", ref(rng, "percent")).t(" de pénalité).")
    return d


def hr_note(rng: random.Random) -> Doc:
    d = Doc("hr_note")
    first, last = v.person(rng)
    d.t("Note RH — dossier salarié\nNom : ").pii("PERSON", f"{last.upper()} {first}")
    d.t("\nN° de sécurité sociale : ").pii("FR_NIR", v.nir(rng))
    d.t("\nAdresse : ").address(rng, sep=rng.choice([", ", "\n", " "]))
    d.t("\nDate d'entrée : ").ok("date", date(rng)).t(" — salaire brut annuel ").ok(
        "amount", amount(rng)
    )
    d.t("\nRIB pour le virement : ").pii("IBAN_CODE", v.iban(rng))
    d.t("\nManager : ").name(rng, *v.person(rng)).t(", temps partiel à ").ok(
        "percent", ref(rng, "percent")
    )
    if rng.random() < 0.5:
        d.t("\nMutuelle : contacter ").pii(
            "EMAIL_ADDRESS", v.email(rng, first, last, rng.choice(DOMAINS))
        )
    if rng.random() < 0.5:
        d.t("\nEntretien annuel prévu le ").ok("date", date(rng)).t(" avec ").name(
            rng, *v.person(rng)
        ).t(".")
    return d


def invoice(rng: random.Random) -> Doc:
    d = Doc("invoice")
    base = v.siren(rng)
    d.t("FACTURE ").ok("invoice", ref(rng, "invoice")).t(" du ").ok("date", date(rng))
    d.t(f"\n{rng.choice(COMPANIES)} — ").address(rng).t("\nSIREN ").pii(
        "FR_SIREN", v.fmt_siren(rng, base)
    )
    d.t(" — N° TVA intracommunautaire : ").pii("FR_VAT", v.vat(rng, base))
    d.t("\nClient : ").name(rng, *v.person(rng)).t("\n").address(rng, sep=rng.choice([", ", "\n"]))
    for _ in range(rng.randint(1, 3)):
        d.t("\n- ").ok("qty", ref(rng, "qty")).t(" x ").ok("amount", amount(rng))
    d.t("\nRemise : ").ok("percent", ref(rng, "percent")).t("\nTotal TTC : ").ok(
        "amount", amount(rng)
    )
    d.t("\nRéf. commande : ").ok("order", ref(rng, "order")).t(" — échéance ").ok("date", date(rng))
    d.t("\nRèglement par virement : IBAN ").pii("IBAN_CODE", v.iban(rng))
    if rng.random() < 0.3:
        d.t("\nSIRET établissement : ").pii("FR_SIRET", v.fmt_siret(rng, v.siret(rng, base)))
    return d


def payment_incident(rng: random.Random) -> Doc:
    d = Doc("payment_incident")
    first, last = v.person(rng)
    d.t("Incident de paiement sur la commande ").ok("order", ref(rng, "order")).t(" (")
    d.ok("amount", amount(rng)).t(") : la carte ").pii("CREDIT_CARD", v.card(rng))
    d.t(" de ").name(rng, first, last).t(" a été refusée le ").ok("date", date(rng))
    d.t(". Merci de rappeler la cliente au ").pii("PHONE_NUMBER", v.phone(rng))
    d.t(" ou par mail à ").pii("EMAIL_ADDRESS", v.email(rng, first, last, rng.choice(DOMAINS))).t(
        "."
    )
    return d


def it_request(rng: random.Random) -> Doc:
    d = Doc("it_request")
    first, last = v.person(rng)
    d.t("Demande d'accès VPN pour ").name(rng, first, last, title=False).t(" (contrat ")
    d.ok("contract", ref(rng, "contract")).t("). Poste fixe ").pii("IP_ADDRESS", v.ipv4(rng))
    prefix, value = v.secret(rng)
    d.t(f", {prefix}").pii("SECRET", value).t(". Validité ").ok("qty", ref(rng, "qty")).t(".")
    return d


def short_prompt(rng: random.Random) -> Doc:
    """~200-character chat prompts, the common gateway case."""
    d = Doc("short_prompt")
    first, last = v.person(rng)
    kind = rng.randint(0, 4)
    if kind == 0:
        d.t("Rédige une réponse polie à ").name(rng, first, last).t(
            " qui demande le remboursement de la commande "
        )
        d.ok("order", ref(rng, "order")).t(" (").ok("amount", amount(rng)).t("). Son numéro : ")
        d.pii("PHONE_NUMBER", v.phone(rng)).t(".")
    elif kind == 1:
        d.t("Résume ce mail de ").pii(
            "EMAIL_ADDRESS", v.email(rng, first, last, rng.choice(DOMAINS))
        )
        d.t(" reçu le ").ok("date", date(rng)).t(" : il conteste la facture ").ok(
            "invoice", ref(rng, "invoice")
        )
        d.t(" de ").ok("amount", amount(rng)).t(".")
    elif kind == 2:
        d.t("Traduis en anglais : « Rendez-vous le ").ok("date", date(rng)).t(" à ").ok(
            "time", ref(rng, "time")
        )
        d.t(" au ").address(rng).t(" avec ").name(rng, first, last).t(". »")
    elif kind == 3:
        d.t("Vérifie si le fournisseur SIRET ").pii("FR_SIRET", v.fmt_siret(rng, v.siret(rng)))
        d.t(" a bien reçu le virement de ").ok("amount", amount(rng)).t(" le ").ok(
            "date", date(rng)
        ).t(".")
    else:
        d.t("Prépare l'attestation de ").name(rng, first, last).t(", NIR ").pii(
            "FR_NIR", v.nir(rng)
        )
        d.t(", embauché(e) le ").ok("date", date(rng)).t(".")
    return d


GENERATORS: list[tuple[Callable[[random.Random], Doc], int]] = [
    (business_email, 80),
    (support_ticket, 70),
    (hr_note, 60),
    (invoice, 60),
    (payment_incident, 40),
    (it_request, 30),
    (short_prompt, 80),
]


def main() -> None:
    rng = random.Random(SEED)
    out = Path(__file__).with_name("fr_eval.jsonl")
    rows: list[dict[str, object]] = []
    for generator, count in GENERATORS:
        for _ in range(count):
            doc = generator(rng)
            rows.append(
                {
                    "id": len(rows),
                    "kind": doc.kind,
                    "text": doc.text,
                    "spans": doc.spans,
                    "harmless": doc.harmless,
                }
            )
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} texts to {out}")


if __name__ == "__main__":
    main()

"""The facts of the processing, read from the configuration the gateway runs with.

The register (art. 30), the impact-assessment starter, the staff notice, a person's export
and the console's « Mon activité » all say what is kept, why, for whom and for how long.
They take it from here, and this module takes it from the catalogue (who receives what,
hosted where), the policies (what is pseudonymized, held, budgeted, sealed) and the
settings (retention per field, sign-in, encryption): change the configuration and every
document follows. What the configuration cannot know (the company's name, its DPO, the
transfer mechanism a provider signed) is left as a visible « à compléter ».

Texts are ``(français, English)`` pairs where the console shows them; the register and the
notice are French documents.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from gateway.catalogue import Catalogue, ModelEntry, load_catalogue
from gateway.errors import ConfigError
from gateway.policies import PolicyFileError, PolicySet, load_policy_set
from gateway.policies.schema import Match
from gateway.settings import Settings
from gateway.text.ocr import Ocr

Text = tuple[str, str]

PROVIDER_NAMES: dict[str, str] = {
    "openai": "OpenAI", "azure": "Microsoft (Azure OpenAI)", "anthropic": "Anthropic",
    "mistral": "Mistral AI", "ollama": "Ollama (serveur de l'entreprise)",
    "openai_compatible": "serveur compatible OpenAI",
    "echo": "modèle de démonstration intégré (echo)",
}
HOSTING_NAMES: dict[str, Text] = {
    "eu": ("Union européenne", "European Union"),
    "us": ("États-Unis (transfert hors UE)", "United States (transfer outside the EU)"),
    "on_prem": ("sur les serveurs de l'entreprise", "on the company's own servers"),
}


@dataclass(frozen=True, slots=True)
class Retention:
    """How long one kind of data is kept, the setting that says so and what happens then."""

    key: str
    days: int
    setting: str
    what: Text
    then: Text
    short: Text


@dataclass(frozen=True, slots=True)
class Recipient:
    """Where requests to some catalogue models go: one provider, one hosting, one host."""

    provider: str
    hosting: str
    host: str | None
    models: tuple[str, ...]
    # Rules that pseudonymize personal data before this recipient (empty: none apply).
    pseudonymizing_rules: tuple[str, ...]

    @property
    def name(self) -> str:
        return PROVIDER_NAMES.get(self.provider, self.provider)

    @property
    def internal(self) -> bool:
        """Nothing leaves the company: an on-site server, or the built-in echo model."""
        return self.hosting == "on_prem" or self.provider == "echo"

    @property
    def transfer_outside_eu(self) -> bool:
        return self.hosting == "us" and not self.internal


@dataclass(frozen=True, slots=True)
class Purpose:
    key: str
    text: Text
    basis: Text


@dataclass(frozen=True, slots=True)
class Facts:
    purposes: tuple[Purpose, ...]
    recipients: tuple[Recipient, ...]
    retention: tuple[Retention, ...]
    measures: tuple[Text, ...]
    policy_version: str
    # Rule ids by what they do to people: held for a reviewer, raw content sealed, refused.
    hold_rules: tuple[str, ...]
    sealing_rules: tuple[str, ...]
    redaction_enabled: bool
    content_key_set: bool

    @property
    def transfers(self) -> tuple[Recipient, ...]:
        return tuple(r for r in self.recipients if r.transfer_outside_eu)

    def retention_of(self, key: str) -> Retention:
        return next(r for r in self.retention if r.key == key)

    def as_json(self, lang: int = 0) -> dict[str, object]:
        """The facts in one language (0: French, 1: English), for exports and the API."""
        return {
            "policy_version": self.policy_version,
            "purposes": [{"purpose": p.text[lang], "legal_basis": p.basis[lang]}
                         for p in self.purposes],
            "recipients": [{
                "provider": r.name, "provider_kind": r.provider, "hosting": r.hosting,
                "hosting_text": HOSTING_NAMES[r.hosting][lang], "host": r.host,
                "models": list(r.models), "internal": r.internal,
                "transfer_outside_eu": r.transfer_outside_eu,
                "pseudonymized_by": list(r.pseudonymizing_rules),
            } for r in self.recipients],
            "retention": [{"data": r.key, "description": r.what[lang], "days": r.days,
                           "setting": r.setting, "then": r.then[lang]} for r in self.retention],
            "security_measures": [m[lang] for m in self.measures],
        }


def _host(entry: ModelEntry) -> str | None:
    return urlsplit(entry.base_url).hostname if entry.base_url else None


def _hosting_covered(match: Match, hosting: str, provider: str) -> bool:
    return (not match.hosting or hosting in match.hosting) and (
        not match.providers or provider in match.providers)


def _pseudonymizing(policy_set: PolicySet, hosting: str, provider: str) -> tuple[str, ...]:
    """Enforced rules that pseudonymize or mask data sent to this hosting and provider."""
    return tuple(
        rule.id for rule in policy_set.rules
        if not rule.shadow and rule.redact
        and any(action in ("pseudonymize", "mask") for action in rule.redact.values())
        and _hosting_covered(rule.source.match, hosting, provider)
    )


def recipients(catalogue: Catalogue, policy_set: PolicySet,
               redaction_enabled: bool = True) -> tuple[Recipient, ...]:
    """One recipient per provider, hosting and host, with the models that go there."""
    groups: dict[tuple[str, str, str | None], list[str]] = {}
    for entry in catalogue.entries:
        groups.setdefault((entry.provider, entry.hosting, _host(entry)), []).append(entry.name)
    return tuple(
        Recipient(provider, hosting, host, tuple(models),
                  _pseudonymizing(policy_set, hosting, provider) if redaction_enabled else ())
        for (provider, hosting, host), models in groups.items()
    )


def retention(settings: Settings) -> tuple[Retention, ...]:
    """Every kind of data the gateway keeps, shortest-lived first."""
    return (
        Retention(
            "raw_content", settings.retention_raw_content_days,
            "GATEWAY_RETENTION_RAW_CONTENT_DAYS",
            ("Texte brut scellé, chiffré AES-256-GCM : demande et réponse telles qu'écrites "
             "(règles « log_content: full-encrypted ») et conversations de l'API Responses "
             "gardées pour les suivre (« store »)",
             "Sealed raw text, AES-256-GCM encrypted: request and answer as written "
             "(log_content: full-encrypted rules) and Responses API conversations kept to "
             "chain them (store)"),
            ("effacé", "erased"), ("texte brut scellé", "sealed raw text")),
        Retention(
            "content", settings.retention_content_days, "GATEWAY_RETENTION_CONTENT_DAYS",
            ("Texte des demandes et des réponses, pseudonymisé (tel que le fournisseur l'a vu)",
             "Text of requests and answers, pseudonymized (as the provider saw it)"),
            ("effacé ; son empreinte reste dans la chaîne d'intégrité",
             "erased; its digest stays in the integrity chain"),
            ("texte pseudonymisé", "pseudonymized text")),
        Retention(
            "metadata", settings.retention_metadata_days, "GATEWAY_RETENTION_METADATA_DAYS",
            ("Enregistrement de chaque requête : qui, quand, outil, modèle, décision, règles, "
             "types de données détectées (nombres, jamais les valeurs), jetons, coût ; "
             "décisions de validation et leurs commentaires",
             "Record of each request: who, when, tool, model, decision, rules, personal-data "
             "types found (counts, never values), tokens, cost; review decisions and their "
             "comments"),
            ("supprimé", "deleted"), ("enregistrements et décisions", "records and decisions")),
        Retention(
            "access_log", settings.retention_access_log_days,
            "GATEWAY_RETENTION_ACCESS_LOG_DAYS",
            ("Journal des accès : qui a lu les enregistrements de qui, quand et pourquoi",
             "Access journal: who read whose records, when and why"),
            ("supprimé", "deleted"), ("journal des accès", "access journal")),
    )


def measures(settings: Settings, policy_set: PolicySet) -> tuple[Text, ...]:
    """The security measures in place with this configuration, in words."""
    found: list[Text] = [
        ("Clés d'accès personnelles : seule leur empreinte HMAC-SHA256 est conservée ; une "
         f"clé révoquée cesse de fonctionner en {settings.revocation_poll_seconds:g} s environ.",
         "Personal access keys: only their HMAC-SHA256 is stored; a revoked key stops "
         f"working within about {settings.revocation_poll_seconds:g} s."),
        ("Rôles séparés (salarié, auditeur, valideur, administrateur) : un salarié ne voit que "
         "ses propres enregistrements.",
         "Separate roles (employee, auditor, reviewer, admin): an employee sees only their "
         "own records."),
        ("Journal des accès : chaque lecture des enregistrements d'autrui (console, API, ligne "
         "de commande, export RGPD) est journalisée avec son auteur et son motif.",
         "Access journal: every read of someone else's records (console, API, command line, "
         "GDPR export) is journaled with its reader and reason."),
        ("Journal infalsifiable : chaque enregistrement est chaîné par SHA-256 ; "
         "« gateway audit verify » prouve qu'aucun n'a été modifié, retiré ou ajouté.",
         "Tamper-evident log: every record is chained with SHA-256; `gateway audit verify` "
         "proves none was altered, removed or added."),
        ("Rien n'est transmis au fournisseur avant que l'enregistrement de la requête soit "
         "écrit ; les fournisseurs reçoivent la clé de l'entreprise, jamais celle du salarié.",
         "Nothing is forwarded before the request's record is written; providers receive the "
         "company's key, never the employee's."),
        ("Console : session signée de 8 heures (cookie HttpOnly, SameSite), jeton "
         "anti-falsification sur chaque formulaire.",
         "Console: signed 8-hour session (HttpOnly, SameSite cookie), anti-forgery token on "
         "every form."),
    ]
    if settings.redaction_enabled:
        found.append((
            "Détection des données personnelles (noms, e-mails, téléphones, IBAN, NIR, cartes, "
            "SIRET, adresses, secrets) avant envoi ; pseudonymisation ou refus selon les règles.",
            "Personal-data detection (names, e-mails, phones, IBAN, NIR, cards, SIRET, "
            "addresses, secrets) before sending; pseudonymized or refused as the rules say."))
        found.append(_files_measure(settings))
    if settings.content_key is not None:
        found.append((
            "Texte brut conservé seulement sous les règles « full-encrypted », chiffré "
            "AES-256-GCM ; sa lecture exige un motif et est journalisée.",
            "Raw text kept only under full-encrypted rules, AES-256-GCM encrypted; reading it "
            "requires a reason and is journaled."))
    if settings.oidc_issuer:
        found.append(("Connexion par le compte de l'entreprise (OpenID Connect).",
                      "Sign-in with the company account (OpenID Connect)."))
    if settings.scim_token is not None:
        found.append((
            "Départs : l'annuaire (SCIM) désactive la personne et révoque toutes ses clés.",
            "Leavers: the directory (SCIM) disables the person and revokes all their keys."))
    return tuple(found)


def _files_measure(settings: Settings) -> Text:
    """What is read of the files a request carries: pictures only with OCR installed."""
    read: Text = (
        "Fichiers joints : le texte des PDF et des documents Word, Excel, PowerPoint et "
        "OpenDocument est lu et analysé comme un message ; le fichier n'est jamais conservé "
        "(le journal garde son type, sa taille et son empreinte SHA-256)",
        "Attached files: the text of PDFs and of Word, Excel, PowerPoint and OpenDocument "
        "files is read and checked like a message; the file is never kept (the log keeps its "
        "type, size and SHA-256)")
    if Ocr.from_settings(settings.ocr, settings.ocr_languages,
                         settings.ocr_timeout_seconds) is not None:
        return (read[0] + " ; les images et les pages scannées sont lues par OCR (Tesseract, "
                "sur le serveur de la passerelle) et les données à pseudonymiser y sont "
                "masquées avant envoi.",
                read[1] + "; pictures and scanned pages are read by OCR (Tesseract, on the "
                "gateway's server) and the data to pseudonymize is painted over before "
                "sending.")
    return (read[0] + " ; les images et les pages scannées ne sont pas lues (OCR absent) : "
            "les règles peuvent les retenir ou les refuser (« attachments: [unreadable] »).",
            read[1] + "; pictures and scanned pages are not read (no OCR): the rules may "
            "hold or refuse them (`attachments: [unreadable]`).")


def _purposes(policy_set: PolicySet, hold_rules: Iterable[str]) -> tuple[Purpose, ...]:
    basis: Text = ("Intérêt légitime de l'employeur (art. 6.1.f) — à confirmer par le DPO",
                   "Employer's legitimate interest (art. 6(1)(f)) — to be confirmed by the DPO")
    found = [
        Purpose("access", ("Donner aux salariés l'accès aux modèles d'IA sous les licences de "
                           "l'entreprise", "Giving staff access to AI models under the "
                           "company's licences"), basis),
        Purpose("protection", ("Appliquer la politique d'usage de l'IA et protéger les données "
                               "personnelles et confidentielles (pseudonymisation, refus)",
                               "Applying the AI usage policy and protecting personal and "
                               "confidential data (pseudonymization, refusals)"),
                ("Obligation de sécurité (art. 32) et intérêt légitime (art. 6.1.f)",
                 "Security obligation (art. 32) and legitimate interest (art. 6(1)(f))")),
        Purpose("audit", ("Tracer les interactions pour la sécurité, les audits et la preuve "
                          "(journal infalsifiable)", "Recording interactions for security, "
                          "audits and proof (tamper-evident log)"), basis),
    ]
    if tuple(hold_rules):
        found.append(Purpose("review", (
            "Validation humaine des demandes retenues par une règle",
            "Human review of requests a rule holds"), basis))
    if policy_set.limits:
        found.append(Purpose("budget", ("Maîtriser les coûts (budgets et limites d'usage)",
                                        "Controlling costs (budgets and usage limits)"), basis))
    return tuple(found)


def gather(settings: Settings, catalogue: Catalogue, policy_set: PolicySet) -> Facts:
    """The facts of this configuration."""
    enforced = [rule for rule in policy_set.rules if not rule.shadow]
    holds = tuple(rule.id for rule in enforced if rule.action == "hold")
    sealing = tuple(rule.id for rule in enforced if rule.log_content == "full-encrypted")
    return Facts(
        purposes=_purposes(policy_set, holds),
        recipients=recipients(catalogue, policy_set, settings.redaction_enabled),
        retention=retention(settings),
        measures=measures(settings, policy_set),
        policy_version=policy_set.version,
        hold_rules=holds,
        sealing_rules=sealing,
        redaction_enabled=settings.redaction_enabled,
        content_key_set=settings.content_key is not None,
    )


def configured(settings: Settings) -> Facts:
    """The facts of the configuration ``settings`` point at (for the command line; the
    server uses the catalogue and policy set it loaded at start)."""
    catalogue = load_catalogue(settings.models_file)
    folder = settings.effective_policies_dir()
    try:
        policy_set = load_policy_set(folder, catalogue.for_policies())
    except PolicyFileError as exc:
        raise ConfigError(f"invalid policy set in {folder}: {exc}") from exc
    return gather(settings, catalogue, policy_set)

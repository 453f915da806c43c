"""The processing's documents, written from the configuration's facts (:mod:`.facts`).

- ``register``: the entry of the record of processing activities (GDPR art. 30(1)), in the
  order of the CNIL's model register;
- ``dpia``: a starting point for the impact assessment (art. 35): the systematic
  description, necessity and proportionality, and the risks with the measures this
  configuration already takes, for the DPO to complete and weigh;
- ``notice``: one page for the staff and their representatives (CSE), who must be informed
  and consulted before such a tool is switched on (Code du travail L. 2312-38, L. 1222-4).

All in French, the language of the company's register and of the CSE. What the
configuration cannot know is written « à compléter » so it shows.
"""

from __future__ import annotations

from gateway.gdpr.facts import HOSTING_NAMES, Facts, Recipient
from gateway.gdpr.markdown import bullets, days, document, table

DOCUMENTS = ("register", "dpia", "notice")
# Each document's title, for the PDF's properties (``all``: the three, one after the other).
TITLES = {"register": "Registre des traitements - passerelle d'IA",
          "dpia": "Analyse d'impact (AIPD) - point de départ",
          "notice": "Note d'information - l'assistant d'IA et vos données",
          "all": "Passerelle d'IA - registre, AIPD et note d'information"}
SHORT_HOSTING = {"eu": "Union européenne", "us": "États-Unis", "on_prem": "sur site"}
TODO = "_à compléter_"

SUBJECTS = (
    "Salariés et autres personnes disposant d'une clé de la passerelle (utilisateurs).",
    "Personnes habilitées (auditeurs, valideurs, administrateurs) : leurs lectures et "
    "décisions sont journalisées.",
    "Tiers cités dans les demandes (clients, candidats, collègues, fournisseurs…) : "
    "détectés et pseudonymisés avant envoi quand les règles le prévoient.",
)
DATA = (
    ("Identité et organisation", "e-mail, nom affiché, service, rôle, groupes de l'annuaire, "
     "identifiant de connexion (OpenID, SCIM)"),
    ("Clés d'accès", "identifiant, préfixe, nom, outil, dates de création, d'usage, "
     "d'expiration et de révocation (jamais le secret, seulement son empreinte)"),
    ("Usage", "date, outil client, modèle, décision, règles appliquées, types de données "
     "personnelles détectées (nombres, jamais les valeurs), jetons, coût, durées"),
    ("Contenu", "texte des demandes et des réponses tel que le fournisseur l'a vu "
     "(pseudonymisé) ; texte brut chiffré pour les seules règles « full-encrypted »"),
    ("Validation et accès", "décisions des valideurs et leurs commentaires ; journal de qui "
     "a lu quels enregistrements, quand et pourquoi"),
)


def _recipient_rows(facts: Facts) -> list[tuple[object, ...]]:
    return [
        (r.name, HOSTING_NAMES[r.hosting][0], r.host or "—", r.models,
         "sans objet (rien ne sort)" if r.internal else (
             ", ".join(r.pseudonymizing_rules) or "aucune règle : données envoyées telles "
             "quelles"))
        for r in facts.recipients
    ]


def _transfer_lines(transfers: tuple[Recipient, ...]) -> str:
    if not transfers:
        return "Aucun : aucun modèle du catalogue n'est hébergé hors de l'Union européenne.\n"
    return bullets(
        f"**{r.name}** ({', '.join(r.models)}) : États-Unis. Garantie : {TODO} (fournisseur "
        "certifié Data Privacy Framework, ou clauses contractuelles types de la Commission "
        "et analyse d'impact du transfert). Données envoyées : "
        + ("pseudonymisées par " + ", ".join(r.pseudonymizing_rules)
           if r.pseudonymizing_rules else "**non pseudonymisées**")
        + "." for r in transfers)


def _retention_rows(facts: Facts) -> list[tuple[object, ...]]:
    return [(r.what[0], days(r.days), r.then[0], f"`{r.setting}`") for r in facts.retention]


def register(facts: Facts) -> str:
    """The art. 30 entry for the AI gateway."""
    parts = [
        "# Registre des traitements — Passerelle d'IA de l'entreprise\n",
        f"Fiche générée depuis la configuration (politiques version `{facts.policy_version}`)."
        " Les mentions « à compléter » relèvent de l'entreprise.\n",
        "## Responsable du traitement\n",
        table(("", ""), (("Organisme", TODO), ("Représentant légal", TODO),
                         ("Délégué à la protection des données", TODO),
                         ("Service informatique référent", TODO)), ""),
        "\n## Finalités et bases légales\n",
        table(("Finalité", "Base légale"),
              ((p.text[0], p.basis[0]) for p in facts.purposes), ""),
        "\n## Catégories de personnes concernées\n", bullets(SUBJECTS),
        "\n## Catégories de données\n", table(("Catégorie", "Données"), DATA, ""),
        "\nAucune donnée sensible (art. 9) n'est recherchée ; celles qu'un salarié écrirait "
        "dans une demande sont traitées comme le reste du texte (détection, pseudonymisation "
        "ou refus selon les règles).\n",
        "\n## Destinataires\n",
        "En interne : les personnes habilitées selon leur rôle (auditeurs : lecture du journal ;"
        " valideurs : demandes retenues ; administrateurs : clés et configuration), chaque "
        "lecture étant journalisée. À l'extérieur, les fournisseurs des modèles du catalogue "
        "(sous-traitants, art. 28) :\n\n",
        table(("Fournisseur", "Hébergement", "Hôte", "Modèles", "Pseudonymisation avant envoi"),
              _recipient_rows(facts), "aucun"),
        "\n## Transferts hors de l'Union européenne\n", _transfer_lines(facts.transfers),
        "\n## Durées de conservation\n",
        table(("Donnée", "Durée", "Ensuite", "Réglage"), _retention_rows(facts), ""),
        "\nDurées alignées sur la recommandation de la CNIL relative à la journalisation "
        "(six mois à un an), les données les plus intrusives étant effacées les premières. "
        "La purge s'exécute par `gateway retention purge` (à planifier chaque jour).\n",
        "\n## Mesures de sécurité\n", bullets(m[0] for m in facts.measures),
        f"- Hébergement de la passerelle et de sa base, chiffrement du disque, sauvegardes : "
        f"{TODO}.\n",
        "\n## Droits des personnes\n",
        "Accès : `gateway gdpr export --user EMAIL` (ou la console) remet tout ce qui est "
        "conservé sur la personne ; chaque salarié voit ses propres requêtes, les règles qui "
        "s'appliquent à lui, les durées et qui a lu ses enregistrements dans « Mon activité ». "
        f"Contact pour exercer ses droits : {TODO}.\n",
    ]
    return document(parts)


def dpia(facts: Facts) -> str:
    """A starting point for the impact assessment: facts filled in, judgement left to do."""
    transfers = facts.transfers
    unprotected = [r for r in facts.recipients if not r.internal and not r.pseudonymizing_rules]
    risks = [
        ("Surveillance excessive des salariés (sentiment de contrôle permanent)",
         "Finalités limitées et écrites ; rôles séparés ; journal des accès visible par chaque "
         "salarié dans « Mon activité » ; pas de tableau nominatif dans la console (comptes "
         "par service) ; information et consultation du CSE.", TODO),
        ("Divulgation de données de tiers au fournisseur",
         "Détection des données personnelles et pseudonymisation avant envoi"
         + (f" ; règles : {', '.join(sorted({i for r in facts.recipients for i in r.pseudonymizing_rules}))}"  # noqa: E501
            if any(r.pseudonymizing_rules for r in facts.recipients) else "")
         + (" ; refus ou validation humaine selon les règles" if facts.hold_rules else ""),
         "**Aucune pseudonymisation vers " + ", ".join(r.name for r in unprotected) + "**"
         if unprotected else TODO),
        ("Transfert hors UE et accès d'autorités étrangères",
         "Modèles hébergés hors UE : " + (", ".join(m for r in transfers for m in r.models)
                                          if transfers else "aucun"),
         TODO if transfers else "sans objet"),
        ("Lecture abusive du journal par une personne habilitée",
         "Chaque lecture journalisée (qui, quand, quoi, motif) ; texte brut lisible seulement "
         "avec un motif ; journal des accès conservé " + days(
             facts.retention_of("access_log").days), TODO),
        ("Altération ou suppression de traces",
         "Chaîne d'intégrité SHA-256 vérifiable (`gateway audit verify`)", TODO),
        ("Conservation excessive",
         "Purge par champ : " + " ; ".join(f"{r.short[0]} {days(r.days)}"
                                            for r in facts.retention),
         TODO),
    ]
    parts = [
        "# Analyse d'impact (AIPD) — point de départ\n",
        "Document de travail généré depuis la configuration : la description et les mesures "
        "sont celles de la passerelle telle qu'elle est configurée ; l'appréciation des "
        "risques (vraisemblance, gravité) et la conclusion reviennent au responsable du "
        "traitement et au DPO.\n",
        "\n## 1. Description du traitement\n",
        bullets(f"{p.text[0]}." for p in facts.purposes),
        "\nPersonnes concernées :\n\n", bullets(SUBJECTS),
        "\nDestinataires :\n\n",
        table(("Fournisseur", "Hébergement", "Modèles", "Pseudonymisation"),
              ((r[0], r[1], r[3], r[4]) for r in _recipient_rows(facts)), "aucun"),
        "\n## 2. Nécessité et proportionnalité\n",
        bullets((
            "Minimisation : le journal garde le texte pseudonymisé, jamais les valeurs "
            "détectées ; le texte brut n'est conservé, chiffré, que sous les règles "
            + (", ".join(facts.sealing_rules) if facts.sealing_rules else "(aucune)") + ".",
            "Durées : " + " ; ".join(f"{r.short[0]} {days(r.days)}" for r in facts.retention)
            + ".",
            "Information : note remise au CSE et aux salariés (`gateway gdpr register "
            "--document notice`) ; transparence dans « Mon activité ».",
            f"Base légale et consultation du CSE : {TODO}.",
        )),
        "\n## 3. Risques et mesures\n",
        table(("Risque", "Mesures en place", "Appréciation / mesures à ajouter"), risks, ""),
        "\n## 4. Transferts\n", _transfer_lines(transfers),
        f"\n## 5. Avis du DPO et décision\n\n{TODO}\n",
    ]
    return document(parts)


def notice(facts: Facts) -> str:
    """One page for the staff and the CSE, in plain French."""
    retention = {r.key: days(r.days) for r in facts.retention}
    outside = list(facts.transfers)
    parts = [
        "# Note d'information — l'assistant d'IA de l'entreprise et vos données\n",
        "_Pour le CSE et l'ensemble des salariés._\n",
        "\n**Ce que c'est.** Vos outils d'IA (chat interne, assistant de code, scripts) passent "
        "par une passerelle de l'entreprise. Elle applique la politique d'usage, masque les "
        "données personnelles avant l'envoi au fournisseur et garde une trace de chaque "
        "requête.\n",
        "\n**Pourquoi.** " + " ; ".join(p.text[0][0].lower() + p.text[0][1:] if i else p.text[0]
                                         for i, p in enumerate(facts.purposes)) + ".\n",
        "\n**Ce qui est gardé.** Pour chaque requête : qui, quand, avec quel outil et quel "
        "modèle, la décision et les règles appliquées, le nombre de données personnelles "
        "détectées par type (jamais leur valeur), le coût ; le texte de la demande et de la "
        "réponse tel que le fournisseur l'a vu, les noms, téléphones, e-mails… remplacés "
        "par des marques (`<PERSON_1>`).\n",
        f"\n**Combien de temps.** Le texte : {retention['content']} ; le texte brut chiffré "
        f"des documents confidentiels : {retention['raw_content']} ; la trace de la requête : "
        f"{retention['metadata']} ; le journal des consultations : {retention['access_log']}."
        " Ensuite, effacement automatique.\n",
        "\n**Qui voit quoi.** Vous voyez vos propres requêtes. Les auditeurs et valideurs "
        "désignés voient les requêtes pour la sécurité et les demandes à valider ; chacune de "
        "leurs lectures est enregistrée, et vous voyez dans « Mon activité » quand vos "
        "requêtes ont été lues, par quel rôle et pourquoi. Les statistiques de la console "
        "comptent par service, jamais par personne.\n",
        "\n**Où vont les données.** "
        + " ; ".join(f"{r.name} : {SHORT_HOSTING[r.hosting]}" for r in facts.recipients)
        + "."
        + (" Les modèles hébergés aux États-Unis (" + ", ".join(
            m for r in outside for m in r.models) + ") impliquent un transfert hors UE, "
           "encadré par les garanties indiquées au registre des traitements." if outside else
           " Aucun modèle n'est hébergé hors de l'Union européenne.") + "\n",
        "\n**Vos droits.** Accès à toutes vos données, rectification, limitation, opposition "
        "pour motif légitime, réclamation auprès de la CNIL (cnil.fr). Consultez « Mon "
        f"activité » dans la console, ou écrivez à : {TODO}.\n",
    ]
    return document(parts)


def render(document: str, facts: Facts) -> str:
    """One document (``register``, ``dpia``, ``notice``) or ``all`` of them, in Markdown."""
    makers = {"register": register, "dpia": dpia, "notice": notice}
    if document == "all":
        return "\n\n---\n\n".join(makers[name](facts) for name in DOCUMENTS)
    return makers[document](facts)

"""A person's export as a document people read (Markdown), from :func:`export_person`'s data."""

from __future__ import annotations

from typing import Any

from gateway.gdpr.markdown import bullets, cell, days, table
from gateway.gdpr.markdown import document as markdown_document

READ_HOW = {
    "records": "a ouvert ou listé vos enregistrements",
    "search": "a recherché vos enregistrements",
    "export": "a exporté vos données (droit d'accès)",
    "whole_log": "a exporté le journal entier (vos enregistrements compris)",
}


def _processing(processing: dict[str, Any]) -> list[str]:
    out = ["## Pourquoi, pour qui, combien de temps\n",
           bullets(f"{p['purpose']} — {p['legal_basis']}" for p in processing["purposes"]),
           "\n### Destinataires (fournisseurs des modèles)\n",
           table(("Fournisseur", "Hébergement", "Modèles", "Hors UE", "Pseudonymisation"), (
               (r["provider"], r["hosting_text"], r["models"],
                "oui" if r["transfer_outside_eu"] else "non",
                r["pseudonymized_by"] or ("sans objet" if r["internal"] else "aucune règle"))
               for r in processing["recipients"]), "aucun"),
           "\n### Durées de conservation\n",
           table(("Donnée", "Durée", "Ensuite"),
                 ((r["description"], days(r["days"]), r["then"])
                  for r in processing["retention"]), "—")]
    return out


def render(document: dict[str, Any]) -> str:
    """The export in Markdown: who, keys, requests, decisions, reads, processing, checks."""
    person = document["person"] or {}
    out = [f"# Données conservées sur {document['subject']}\n",
           f"Export du {document['generated_at']} (format `{document['format']}`). "
           "Le fichier JSON joint contient tout, champ par champ.\n",
           "## La personne\n",
           table(("Champ", "Valeur"), ((key, value) for key, value in person.items()),
                 "Aucune fiche dans l'annuaire de la passerelle."),
           "\n## Clés d'accès\n",
           table(("Clé", "Nom", "Type", "Rôle", "Créée", "Dernier usage", "Révoquée"), (
               (k["prefix"] + "…", k["name"], k["kind"], k["role"], k["created_at"],
                k["last_used_at"], k["revoked_at"]) for k in document["keys"]), "Aucune clé."),
           f"\n## Requêtes ({len(document['records'])})\n",
           table(("Date", "Outil", "Modèle", "Décision", "Règles", "Données détectées",
                  "Contenu conservé jusqu'au", "seq", "hash"), (
               (r["created_at"], r["tool"], r["model"], r["decision"], r["rule_ids"],
                r["pii_findings"], r["kept_until"]["content"], r["seq"],
                (r["hash"] or "")[:16]) for r in document["records"]), "Aucune requête."),
           "\n## Décisions de validation\n",
           table(("Requête", "Décision", "Par", "Le", "Commentaire"), (
               (d["interaction_id"], d["action"], d["reviewer"], d["decided_at"], d["comment"])
               for d in document["reviews"]), "Aucune décision."),
           "\n## Qui a lu vos enregistrements\n",
           table(("Le", "Qui", "Quoi", "Motif", "Entrée du journal"), (
               (r["at"], r["reader"], READ_HOW.get(r["how"], r["how"]), r["reason"],
                r["journal_id"]) for r in document["access_journal"]), "Personne."),
           *_processing(document["processing"]),
           "\n## Tiers\n",
           bullets(cell(text) for text in document["third_parties"].values()),
           "\n## Vérifier cet export\n",
           document["verification"]["how"] + "\n\n",
           table(("Chaîne", "seq de tête", "hash de tête"), (
               (name, (head or {}).get("seq"), (head or {}).get("hash"))
               for name, head in document["verification"]["chain_heads"].items()), "—")]
    return markdown_document(part if part.endswith("\n") else part + "\n" for part in out)
